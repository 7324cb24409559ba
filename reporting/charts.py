"""Charts drawn on the server as inline SVG: no JavaScript, no CDN, the same markup in the page and the PDF.

Readable without colour: every bar carries its value as text, series differ by pattern (solid and
hatched) as well as by colour, and the legend repeats the patterns. Each chart has a ``<title>`` and a
``<desc>`` (referenced by ``aria-labelledby``) and the page puts the same data in a table next to it.
Colours keep a contrast of at least 4.5:1 against white for text and 3:1 for the bars.
"""

import re
from decimal import Decimal
from xml.sax.saxutils import escape as xml_escape

from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.money import format_pln

# Characters XML 1.0 does not allow (control characters, lone surrogates, U+FFFE/U+FFFF): never typed on
# purpose, but a pasted label must not break the page.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def escape(text):
    return xml_escape(NOT_XML.sub("", str(text)))


INK = "#1a1a1a"  # text: 17:1 on white
BAR_SOLID = "#1d4f91"  # dark blue, 8.6:1 on white
BAR_HATCH = "#a4461b"  # dark orange, 5.6:1 on white
BAR_THIRD = "#2f6b3a"  # dark green, 6.6:1 on white
FONT = "DejaVu Sans, Arial, sans-serif"

# (fill colour, pattern) per series: solid, diagonal hatching, dots.
SERIES_STYLES = [(BAR_SOLID, "solid"), (BAR_HATCH, "hatch"), (BAR_THIRD, "dots")]


def _fill(chart_id, index):
    colour, pattern = SERIES_STYLES[index % len(SERIES_STYLES)]
    return colour if pattern == "solid" else f"url(#{chart_id}-{pattern})"


def _defs(chart_id):
    return (
        "<defs>"
        f'<pattern id="{chart_id}-hatch" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{BAR_HATCH}"/></pattern>'
        f'<pattern id="{chart_id}-dots" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="2" fill="{BAR_THIRD}"/></pattern>'
        "</defs>"
    )


def _text(x, y, content, *, anchor="start", weight="normal", size=12):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
        f'fill="{INK}" text-anchor="{anchor}">{escape(str(content))}</text>'
    )


def _wrap(label, width):
    """Split ``label`` into lines of at most ``width`` characters (at spaces), at most three lines."""
    words, lines, line = str(label).split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    if line:
        lines.append(line)
    if len(lines) > 3:
        lines = lines[:3]
        lines[2] = lines[2][: max(0, width - 1)] + "…"
    return lines or [""]


def _legend(chart_id, series, x, y):
    parts = []
    for index, name in enumerate(series):
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 11:.1f}" width="18" height="12" fill="{_fill(chart_id, index)}" '
            f'stroke="{INK}" stroke-width="1"/>'
        )
        parts.append(_text(x + 24, y, name))
        x += 34 + 7.2 * len(str(name))
    return "".join(parts)


def horizontal_bar_chart(*, chart_id, title, desc, series, rows, value_format=format_pln, width=720):
    """An SVG horizontal bar chart: for each row (label, [value per series]) one bar per series, its
    value written after it. ``series`` are the series' names (shown in the legend)."""
    label_width, value_room, bar_height, gap = 230, 130, 16, 3
    group = len(series) * (bar_height + gap) + 14
    top = 58
    line_height = 14
    heights = [max(group, len(_wrap(label, 32)) * line_height + 6) for label, _ in rows]
    height = top + sum(heights) + 16
    biggest = max([v for _, values in rows for v in values if v is not None] + [Decimal(0)])
    plot = width - label_width - value_room
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="100%" viewBox="0 0 {width} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="chart" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        _defs(chart_id),
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _text(0, 18, title, weight="bold", size=14),
        _legend(chart_id, series, 0, 42),
        f'<line x1="{label_width}" y1="{top - 6}" x2="{label_width}" y2="{height - 10}" '
        f'stroke="{INK}" stroke-width="1"/>',
    ]
    y = top
    for (label, values), row_height in zip(rows, heights, strict=True):
        for line_index, line in enumerate(_wrap(label, 32)):
            parts.append(_text(label_width - 8, y + 12 + line_index * line_height, line, anchor="end"))
        for index, value in enumerate(values):
            bar_y = y + index * (bar_height + gap)
            value = value or Decimal(0)
            length = float(value / biggest * plot) if biggest else 0.0
            if length:
                parts.append(
                    f'<rect x="{label_width}" y="{bar_y:.1f}" width="{max(length, 1.0):.1f}" height="{bar_height}" '
                    f'fill="{_fill(chart_id, index)}" stroke="{INK}" stroke-width="1">'
                    f"<title>{escape(f'{label} — {series[index]}: {value_format(value)}')}</title></rect>"
                )
            parts.append(_text(label_width + length + 6, bar_y + bar_height - 4, value_format(value), size=11))
        y += row_height
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def _count(value):
    return str(int(value))


def programme_report_charts(figures):
    """The report's two charts (SVG markup): planned vs awarded funds by sphere, and offers received,
    formally rejected and awarded."""
    spheres = figures["spheres"]
    english = (translation.get_language() or "pl").startswith("en")
    funds = horizontal_bar_chart(
        chart_id="chart-funds",
        title=_("Planned and awarded funds by sphere of public benefit, %(year)s") % {"year": figures["year"]},
        desc=_(
            "For each sphere, two bars: the funds planned in the programme (solid) and the grants awarded "
            "(hatched), with the amount in PLN written after each bar. The same figures are in the table below."
        ),
        series=[
            pgettext("programme report chart", "planned funds"),
            pgettext("programme report chart", "grants awarded"),
        ],
        rows=[
            (f"{s['code']}. {s['name_en'] if english else s['name_pl']}", [s["planned"], s["awarded"]]) for s in spheres
        ],
    )
    offers = figures["offers"]
    offers_chart = horizontal_bar_chart(
        chart_id="chart-offers",
        title=_("Offers in the competitions, %(year)s") % {"year": figures["year"]},
        desc=_(
            "The number of offers received, formally rejected and awarded a grant, each written after its bar. "
            "The same figures are in the table below."
        ),
        series=[pgettext("programme report chart", "number of offers")],
        rows=[
            (_("Offers received"), [Decimal(offers["received"])]),
            (_("Offers formally rejected"), [Decimal(offers["formally_rejected"])]),
            (_("Offers awarded a grant"), [Decimal(offers["awarded"])]),
        ],
        value_format=_count,
    )
    return {"funds": funds, "offers": offers_chart}
