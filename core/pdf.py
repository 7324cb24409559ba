"""PDF rendering as a pure function: template + context -> bytes (WeasyPrint)."""

from functools import lru_cache

from django.conf import settings
from django.template.loader import render_to_string


@lru_cache(maxsize=1)
def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def render_pdf(template_name, context) -> bytes:
    """Render ``template_name`` with ``context`` to PDF bytes (tagged, for accessibility)."""
    from weasyprint import HTML

    html = render_to_string(template_name, context)
    base_url = str(settings.BASE_DIR / "static")
    return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_config(), pdf_tags=True)
