"""The report's SVG charts are readable without colour and without sight: title, description, a value
written on every bar, patterns that tell the series apart, escaped labels."""

import xml.etree.ElementTree as ET
from decimal import Decimal

from reporting.charts import horizontal_bar_chart, programme_report_charts

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup):
    return ET.fromstring(str(markup))  # noqa: S314 - our own markup, not untrusted input


def _chart(**kwargs):
    defaults = {
        "chart_id": "c1",
        "title": "Środki według sfer",
        "desc": "Planowane i przyznane środki.",
        "series": ["planned", "awarded"],
        "rows": [
            ("Sport <dzieci> & młodzież", [Decimal("1200.50"), Decimal("800.00")]),
            ("Kultura", [Decimal("0"), None]),
        ],
    }
    return parse(horizontal_bar_chart(**{**defaults, **kwargs}))


def test_a_chart_has_a_title_and_a_description_it_is_labelled_by():
    svg = _chart()
    assert svg.get("role") == "img"
    assert svg.get("aria-labelledby") == "c1-title c1-desc"
    assert svg.find(f"{SVG}title").text == "Środki według sfer"
    assert svg.find(f"{SVG}title").get("id") == "c1-title"
    assert svg.find(f"{SVG}desc").text == "Planowane i przyznane środki."


def test_every_bar_carries_its_value_and_labels_are_escaped():
    svg = _chart()
    texts = ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]
    assert "1\u00a0200,50\u00a0zł" in texts and "800,00\u00a0zł" in texts
    assert texts.count("0,00\u00a0zł") == 2  # a zero or missing value is written too, with no bar
    assert "Sport <dzieci> & młodzież" in texts
    assert len([r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]) == 2


def test_series_differ_by_pattern_not_only_by_colour():
    svg = _chart()
    bars = [r for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    fills = [bar.get("fill") for bar in bars]
    assert fills[0].startswith("#") and fills[1] == "url(#c1-hatch)"
    assert svg.find(f".//{SVG}pattern[@id='c1-hatch']") is not None
    legend = [r.get("fill") for r in svg.iter(f"{SVG}rect") if r.get("width") == "18"]
    assert legend == fills


def test_bars_are_proportional_to_the_values():
    svg = _chart(rows=[("a", [Decimal("100"), Decimal("50")])])
    widths = [float(r.get("width")) for r in svg.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert widths[0] == 2 * widths[1]


def test_the_report_has_both_charts_with_the_spheres_and_offer_counts():
    figures = {
        "year": 2025,
        "spheres": [
            {
                "code": "17",
                "name_pl": "sport",
                "name_en": "sport",
                "planned": Decimal("10.00"),
                "awarded": Decimal("5.00"),
            }
        ],
        "offers": {"received": 6, "formally_rejected": 1, "awarded": 4},
    }
    charts = programme_report_charts(figures)
    funds = parse(charts["funds"])
    offers = parse(charts["offers"])
    assert "2025" in funds.find(f"{SVG}title").text
    assert "17. sport" in ["".join(t.itertext()) for t in funds.iter(f"{SVG}text")]
    assert {"6", "1", "4"} <= {"".join(t.itertext()) for t in offers.iter(f"{SVG}text")}
