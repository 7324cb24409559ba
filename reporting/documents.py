"""The report as a PDF, in Polish (the official document of the procedure, whatever language the
user reads the site in): the parts of the 2018 report template (Annex 5 of Dz.U. 2018 poz. 2057;
the simplified report of poz. 2055 for small grants), frozen at each submission."""

from django.conf import settings
from django.utils import timezone, translation

from core.models import StoredDocument
from core.pdf import render_pdf

from .content import editor_rows, report_settlement, totals

REPORT_KIND = "report"


def report_context(report):
    return {
        "report": report,
        "agreement": report.agreement,
        "organisation": report.agreement.organisation,
        "authority": settings.AUTHORITY_NAME,
        "office": settings.AUTHORITY_OFFICE,
        "rows": editor_rows(report),
        "totals": totals(report),
        "settlement": report_settlement(report),
        "submitted_at": timezone.localtime(report.submitted_at) if report.submitted_at else None,
    }


def report_pdf(report) -> bytes:
    with translation.override("pl"):
        return render_pdf("reporting/report_pdf.html", report_context(report))


def store_report_pdf(report):
    """Render and store the report's PDF (inside the submission's transaction)."""
    return StoredDocument.store(kind=REPORT_KIND, content=report_pdf(report))
