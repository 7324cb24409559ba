"""The settlement of a grant (reporting.settlement): the allowed increase per line, the excess,
the unused grant and the total to return, to the grosz."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.settlement import Line, settle

GROSZ = Decimal("0.01")
amounts = st.decimals(min_value=0, max_value=Decimal("99999.99"), places=2, allow_nan=False, allow_infinity=False)
shifts = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def lines(draw):
    planned_total = draw(amounts)
    planned_grant = draw(st.decimals(min_value=0, max_value=planned_total, places=2))
    actual_total = draw(amounts)
    actual_grant = draw(st.decimals(min_value=0, max_value=actual_total, places=2))
    return Line("koszt", planned_total, planned_grant, actual_total, actual_grant)


@given(st.lists(lines(), max_size=8), shifts, amounts)
def test_the_return_is_to_the_grosz_never_negative_and_never_above_the_grant_paid(items, shift, paid):
    result = settle(items, shift_percent=shift, grant_paid=paid)
    assert result.to_return.as_tuple().exponent == -2
    assert Decimal("0.00") <= result.to_return <= paid
    assert result.unused >= 0
    for line in result.lines:
        assert line.excess.as_tuple().exponent == -2
        assert line.excess >= 0
        assert line.flagged == (line.line.actual_total > line.line.planned_total * (100 + shift) / 100)
        if not line.flagged:
            assert line.excess == 0


@given(st.lists(lines(), max_size=8), shifts, amounts)
def test_the_return_is_the_unused_grant_plus_the_excess_when_within_the_grant_paid(items, shift, paid):
    result = settle(items, shift_percent=shift, grant_paid=paid)
    spent = sum((line.actual_grant for line in items), Decimal("0"))
    unused = max(paid - spent, Decimal("0"))
    assert result.unused == unused
    assert result.to_return == min(unused + result.excess, paid)


@pytest.mark.parametrize(
    ("actual_total", "actual_grant", "flagged", "excess"),
    [
        ("1100.00", "1000.00", False, "0.00"),  # exactly planned × 1.10: allowed
        ("1100.01", "1000.01", True, "0.01"),  # one grosz more, paid by the grant
        ("1100.01", "900.00", True, "0.00"),  # one grosz more, paid from own funds: no excess of the grant
        ("1200.00", "1100.00", True, "100.00"),
    ],
)
def test_the_allowed_increase_at_its_edge(actual_total, actual_grant, flagged, excess):
    line = Line(
        "Wynagrodzenie trenera", Decimal("1000.00"), Decimal("900.00"), Decimal(actual_total), Decimal(actual_grant)
    )
    result = settle([line], shift_percent=Decimal("10"), grant_paid=Decimal("2000.00"))
    (checked,) = result.lines
    assert checked.flagged is flagged
    assert checked.excess == Decimal(excess)


def test_one_grosz_over_the_limit_paid_by_the_grant_is_returned():
    line = Line("Sala", Decimal("1000.00"), Decimal("900.00"), Decimal("1100.01"), Decimal("1000.01"))
    result = settle([line], shift_percent=Decimal("10"), grant_paid=Decimal("1000.01"))
    assert result.unused == Decimal("0.00")
    assert result.to_return == Decimal("0.01")


def test_an_unused_grant_is_returned_and_rounding_happens_once_per_line():
    # planned 333,33 × 1,15 = 383,3295: 383,33 is one grosz above the exact limit, so it is flagged
    over = Line("Materiały", Decimal("333.33"), Decimal("333.33"), Decimal("383.33"), Decimal("383.33"))
    under = Line("Catering", Decimal("500.00"), Decimal("500.00"), Decimal("400.00"), Decimal("400.00"))
    result = settle([over, under], shift_percent=Decimal("15"), grant_paid=Decimal("833.33"))
    assert [line.flagged for line in result.lines] == [True, False]
    assert result.lines[0].excess == Decimal("0.00")  # 0,0005 rounds half up to 0,00
    assert result.unused == Decimal("50.00")
    assert result.to_return == Decimal("50.00")


def test_float_is_refused():
    with pytest.raises(TypeError):
        Line("x", 1.0, Decimal("1"), Decimal("1"), Decimal("1"))
