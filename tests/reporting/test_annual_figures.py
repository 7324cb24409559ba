"""The programme report's figures, counted from a built year (tests.reporting.annual_panel_requests)."""

from decimal import Decimal

import pytest

from reporting.annual import figures_freeze, figures_thaw, programme_report_figures
from tests.agreements.helpers import agreement
from tests.applications.helpers import offer
from tests.factories import CallFactory, ProgrammeFactory, TaskFactory

from .annual_panel_requests import EXPECTED, YEAR, annual_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return annual_world()


def test_the_figures_count_what_the_year_held(world):
    figures = programme_report_figures(programme=world.programme)

    assert figures["year"] == YEAR
    assert figures["calls"]["total"] == EXPECTED["calls_total"]  # the draft is not counted
    # announced in the year in Warsaw time: 23:30 UTC on 31 December is already the New Year there
    assert figures["calls"]["announced_in_year"] == EXPECTED["announced_in_year"]
    assert {row["status"]: row["count"] for row in figures["calls"]["by_status"]} == {
        "resolved": 1,
        "cancelled": 1,
        "completed": 1,
    }
    offers = figures["offers"]
    assert offers["received"] == EXPECTED["received"]  # neither the draft nor the withdrawn offer
    assert offers["formally_rejected"] == EXPECTED["formally_rejected"]
    assert offers["awarded"] == EXPECTED["awarded"]  # terminated after the agreement still had the grant
    assert offers["not_awarded"] == EXPECTED["not_awarded"]
    assert offers["terminated"] == EXPECTED["terminated"]

    funds = figures["funds"]
    assert funds["planned"] == EXPECTED["planned"]
    assert funds["awarded_offers"] == EXPECTED["awarded_offers"]
    assert funds["awarded_small_grants"] == EXPECTED["awarded_small"]
    assert funds["awarded"] == EXPECTED["awarded_total"]
    assert funds["paid"] == EXPECTED["paid"]  # the tranche paid in January of the next year is not
    assert funds["returned"] == EXPECTED["returned"]
    for value in funds.values():
        assert isinstance(value, Decimal) and value == value.quantize(Decimal("0.01"))

    assert figures["organisations"] == {"applicants": EXPECTED["applicants"], "awarded": EXPECTED["grantees"]}
    assert figures["small_grants"] == {
        "received": 4,
        "published": 3,
        "contracted": 1,
        "rejected": 1,
        "amount": Decimal("5000.00"),
    }


def test_the_figures_by_sphere_and_by_task_add_up(world):
    figures = programme_report_figures(programme=world.programme)
    spheres = {row["code"]: row for row in figures["spheres"]}

    assert list(spheres) == ["1", "3", "17"]  # in the order of art. 4
    assert spheres["17"]["planned"] == Decimal("120000.00")
    assert spheres["17"]["awarded"] == Decimal("2134.56")
    assert spheres["1"]["planned"] == Decimal("50000.50")
    assert spheres["1"]["awarded_offers"] == Decimal("800.00")
    # a sphere with no planned task but a small grant
    assert spheres["3"]["planned"] == Decimal("0.00")
    assert spheres["3"]["awarded_small_grants"] == Decimal("5000.00")
    assert sum(row["planned"] for row in figures["spheres"]) == figures["funds"]["planned"]
    assert sum(row["awarded"] for row in figures["spheres"]) == figures["funds"]["awarded"]

    tasks = {row["number"]: row for row in figures["tasks"]}
    assert tasks["1"]["calls"] == 2 and tasks["1"]["offers_received"] == 4 and tasks["1"]["offers_awarded"] == 2
    assert tasks["2"]["calls"] == 1 and tasks["2"]["awarded"] == Decimal("800.00")
    assert tasks["3"] == {**tasks["3"], "calls": 0, "offers_received": 0, "awarded": Decimal("0.00")}
    assert sum(row["awarded"] for row in figures["tasks"]) == figures["funds"]["awarded_offers"]


def test_an_empty_programme_reports_zeros():
    programme = ProgrammeFactory(year=2020)
    figures = programme_report_figures(programme=programme)
    assert figures["calls"]["total"] == 0
    assert figures["offers"]["received"] == 0
    assert figures["funds"]["awarded"] == Decimal("0.00")
    assert figures["spheres"] == [] and figures["tasks"] == []


def test_frozen_figures_read_back_exactly(world):
    figures = programme_report_figures(programme=world.programme)
    frozen = figures_freeze(figures)
    assert frozen["funds"]["awarded"] == "7934.56"
    assert figures_thaw(frozen) == figures


def _grow(programme, calls):
    for _ in range(calls):
        task = TaskFactory(programme=programme)
        call = CallFactory(task=task, status="resolved")
        agreement(call=call)
        offer(call, status="formally_rejected")


def test_the_number_of_queries_does_not_grow_with_calls_and_offers(django_assert_max_num_queries):
    programme = ProgrammeFactory(year=2024)
    _grow(programme, 1)
    with django_assert_max_num_queries(16) as small:
        programme_report_figures(programme=programme)
    _grow(programme, 6)
    with django_assert_max_num_queries(len(small.captured_queries)):
        figures = programme_report_figures(programme=programme)
    assert figures["offers"]["received"] == 14
    assert figures["offers"]["awarded"] == 7
