"""Whatever organisations and tasks are called, the CSV reads back to the same text and amounts, and the
charts stay well-formed SVG with the label as written."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET
from decimal import Decimal
from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st

from reporting.charts import horizontal_bar_chart
from reporting.opendata import CSV_COLUMNS, grants_csv

# Text a person could type: any printable character, commas, quotes, line breaks, Polish letters.
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Cn"), blacklist_characters="\ufeff")
    | st.sampled_from(',"\n;'),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())
AMOUNT = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2, allow_nan=False)


def grant(name, title, amount):
    organisation = SimpleNamespace(pk=1, name=name, krs="", nip="", regon="", city="Zabrze", website="")
    return {
        "id": "360G-pozytek-offer-1",
        "year": 2025,
        "mode": "open_competition",
        "programme": "Program",
        "task": title,
        "call": title,
        "sphere": SimpleNamespace(code="17", name_pl="sport"),
        "title": title,
        "organisation": organisation,
        "applied": amount,
        "awarded": amount,
        "award_date": datetime.date(2025, 3, 1),
        "start": datetime.date(2025, 4, 1),
        "end": None,
        "url": "http://example.org/",
    }


@settings(max_examples=60, deadline=None)
@given(name=TEXT, title=TEXT, amount=AMOUNT)
def test_the_csv_reads_back_exactly(name, title, amount):
    content = grants_csv([grant(name, title, amount)])
    (row,) = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert list(row) == CSV_COLUMNS
    assert row["recipient_name"] == name and row["title"] == title
    assert Decimal(row["amount_awarded"]) == amount and row["amount_awarded"] == f"{amount:.2f}"
    assert row["planned_end"] == ""


@settings(max_examples=60, deadline=None)
@given(label=TEXT, value=AMOUNT)
def test_a_chart_is_well_formed_whatever_the_label(label, value):
    svg = horizontal_bar_chart(chart_id="p", title=label, desc=label, series=[label], rows=[(label, [value])])
    root = ET.fromstring(str(svg))  # noqa: S314 - our own markup
    assert root.find("{http://www.w3.org/2000/svg}title").text == label


def test_characters_xml_does_not_allow_are_left_out_of_a_chart():
    svg = horizontal_bar_chart(chart_id="p", title="a\x00b\ufffe", desc="d", series=["s"], rows=[("x\x1f", [1])])
    root = ET.fromstring(str(svg))  # noqa: S314 - our own markup
    assert root.find("{http://www.w3.org/2000/svg}title").text == "ab"
