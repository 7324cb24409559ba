"""The offer's cost calculation (section V): totals, shares and checks against the call, to the grosz."""

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from applications.budget import (
    ADMIN,
    CallLimits,
    CostLine,
    ProblemCode,
    Sources,
    check_budget,
    percent_shares,
    summarise,
)
from calls.enums import TaskForm

D = Decimal
CENT = D("0.01")
FAST = settings(max_examples=200, deadline=None)


def grosze(n):
    """``n`` grosze as PLN with two places."""
    return D(n).scaleb(-2).quantize(CENT)


def line(activity="1", unit_cost="100.00", quantity="1", year=1, offeror="", **parts):
    """A line financed wholly by the grant unless other parts are given."""
    value = (D(unit_cost) * D(quantity)).quantize(CENT, rounding=ROUND_HALF_UP)
    other = sum((D(v) for v in parts.values()), D("0.00"))
    parts.setdefault("grant", value - other)
    return CostLine(activity, "koszt", "szt.", D(unit_cost), D(quantity), year=year, offeror=offeror, **parts)


def sources_of(lines, **overrides):
    """The V.B table that agrees with ``lines`` (non-financial counted as personal)."""
    values = {
        "grant": sum((x.grant for x in lines), D("0.00")),
        "own_financial": sum((x.own_financial for x in lines), D("0.00")),
        "own_personal": sum((x.own_non_financial for x in lines), D("0.00")),
        "beneficiary_fees": sum((x.beneficiary_fees for x in lines), D("0.00")),
    }
    values.update(overrides)
    return Sources(**values)


def codes(problems):
    return [p.code for p in problems]


# --- property tests ---------------------------------------------------------------------------


@st.composite
def cost_lines(draw):
    years = draw(st.integers(1, 3))
    offerors = [f"org{i}" for i in range(draw(st.integers(1, 3)))]
    activities = ["1", "2", "3", *([ADMIN] if draw(st.booleans()) else [])]
    lines = []
    for _ in range(draw(st.integers(1, 12))):
        unit_cost = grosze(draw(st.integers(1, 10_000_000)))  # 0.01 – 100 000.00
        quantity = grosze(draw(st.integers(1, 1_000_000)))  # 0.01 – 10 000.00
        value = int((unit_cost * quantity).quantize(CENT, rounding=ROUND_HALF_UP) * 100)
        financial = draw(st.integers(0, value))
        non_financial = draw(st.integers(0, value - financial))
        fees = draw(st.integers(0, value - financial - non_financial))
        lines.append(
            CostLine(
                activity=draw(st.sampled_from(activities)),
                name="koszt",
                unit="godz.",
                unit_cost=unit_cost,
                quantity=quantity,
                year=draw(st.integers(1, years)),
                offeror=draw(st.sampled_from(offerors)),
                grant=grosze(value - financial - non_financial - fees),
                own_financial=grosze(financial),
                own_non_financial=grosze(non_financial),
                beneficiary_fees=grosze(fees),
            )
        )
    return lines, offerors, years


@FAST
@given(cost_lines())
def test_totals_are_the_sums_of_the_line_values_and_rounding_never_creates_or_loses_a_grosz(drawn):
    lines, offerors, _years = drawn
    summary = summarise(lines, sources_of(lines), offerors)
    # each value rounded half up to the grosz once, independently of the module
    rounded = [(x.unit_cost * x.quantity).quantize(CENT, rounding=ROUND_HALF_UP) for x in lines]
    assert [x.value for x in lines] == rounded
    assert summary.costs.total == sum(rounded, D("0.00"))
    assert summary.costs.total == summary.costs.total.quantize(CENT)
    exact = sum((x.unit_cost * x.quantity for x in lines), D("0"))
    assert abs(summary.costs.total - exact) <= D("0.005") * len(lines)
    assert summary.activities_total.total + summary.admin.total == summary.costs.total
    assert sum((a.total for a in summary.activities.values()), D("0.00")) == summary.activities_total.total
    assert summary.admin.total == sum((v for x, v in zip(lines, rounded, strict=True) if x.activity == ADMIN), D("0"))
    for key, amounts in summary.activities.items():
        assert amounts.total == sum((v for x, v in zip(lines, rounded, strict=True) if x.activity == key), D("0"))


@FAST
@given(cost_lines())
def test_per_year_and_per_offeror_sums_equal_the_total(drawn):
    lines, offerors, years = drawn
    summary = summarise(lines, sources_of(lines), offerors)
    total = summary.costs.total
    assert sum(summary.costs.by_year.values(), D("0.00")) == total
    assert sum((a.total for a in summary.offerors.values()), D("0.00")) == total
    assert list(summary.offerors)[: len(offerors)] == offerors
    for amounts in [*summary.activities.values(), summary.admin, *summary.offerors.values()]:
        assert sum(amounts.by_year.values(), D("0.00")) == amounts.total
    for year in range(1, years + 1):
        by_activity = sum((a.in_year(year) for a in summary.activities.values()), D("0.00"))
        assert by_activity + summary.admin.in_year(year) == summary.costs.in_year(year)
        assert sum((a.in_year(year) for a in summary.offerors.values()), D("0.00")) == summary.costs.in_year(year)


@FAST
@given(cost_lines(), st.data())
def test_shares_sum_to_exactly_100_and_a_consistent_budget_has_no_problems(drawn, data):
    lines, offerors, years = drawn
    non_financial = sum((x.own_non_financial for x in lines), D("0.00"))
    personal = grosze(data.draw(st.integers(0, int(non_financial * 100))))
    sources = sources_of(lines, own_personal=personal, own_in_kind=non_financial - personal)
    summary = summarise(lines, sources, offerors)
    shares = summary.shares
    assert check_budget(summary, years=years) == []
    if summary.costs.total == 0:  # e.g. 0.01 × 0.01 rounds to 0.00
        assert set(dataclasses.astuple(shares)) == {D("0.00")}
        return
    assert shares.total == D("100.00")
    assert shares.grant + shares.own_contribution + shares.beneficiary_fees == D("100.00")
    assert shares.own_contribution == shares.own_financial + shares.own_non_financial
    assert shares.own_non_financial == shares.own_personal + shares.own_in_kind
    total = sources.total
    for name in ("grant", "own_financial", "own_non_financial", "beneficiary_fees"):
        share = getattr(shares, name)
        assert share == share.quantize(CENT)
        assert abs(share - getattr(sources, name) * 100 / total) < CENT


@FAST
@given(st.lists(st.integers(0, 10**12).map(grosze), min_size=1, max_size=8))
def test_largest_remainder_shares_always_sum_to_100_and_stay_within_a_hundredth(amounts):
    shares = percent_shares(amounts)
    total = sum(amounts, D("0"))
    if total == 0:
        assert set(shares) == {D("0.00")}
        return
    assert sum(shares, D("0.00")) == D("100.00")
    for amount, share in zip(amounts, shares, strict=True):
        assert abs(share - amount * 100 / total) < CENT
        assert amount != 0 or share == 0


# --- line value and types ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("unit_cost", "quantity", "value"),
    [("0.01", "0.5", "0.01"), ("0.05", "0.1", "0.01"), ("2.50", "0.01", "0.03"), ("33.33", "3", "99.99")],
)
def test_a_line_value_is_rounded_half_up_to_the_grosz(unit_cost, quantity, value):
    assert line(unit_cost=unit_cost, quantity=quantity).value == D(value)


def test_rounding_happens_once_per_line_not_on_the_total():
    # three lines of 0.005 each: 0.01 each after rounding, so 0.03 in total (not round(0.015) = 0.02)
    lines = [line(unit_cost="0.01", quantity="0.5") for _ in range(3)]
    assert summarise(lines, sources_of(lines)).costs.total == D("0.03")


def test_float_amounts_are_refused():
    with pytest.raises(TypeError):
        CostLine("1", "koszt", "szt.", 0.1, D("1"))
    with pytest.raises(TypeError):
        Sources(grant=10.0)
    with pytest.raises(ValueError):
        CostLine("1", "koszt", "szt.", D("NaN"), D("1"))
    assert CostLine(2, "koszt", "szt.", "12.50", 3).activity == "2"


# --- checks against the call, at their edges --------------------------------------------------


def supported(lines, sources, **limits):
    return codes(check_budget(summarise(lines, sources), CallLimits(TaskForm.SUPPORTING, **limits)))


def test_grant_share_exactly_at_the_cap_is_accepted_and_one_grosz_over_is_refused():
    at_cap = [line(unit_cost="1000.00", grant="800.00", own_financial="200.00")]
    assert supported(at_cap, sources_of(at_cap), max_grant_share_percent=D("80")) == []
    over = [line(unit_cost="1000.00", grant="800.01", own_financial="199.99")]
    problems = check_budget(
        summarise(over, sources_of(over)), CallLimits(TaskForm.SUPPORTING, max_grant_share_percent=D("80"))
    )
    assert codes(problems) == [ProblemCode.GRANT_SHARE_OVER_CAP]
    assert problems[0].field == "sources.grant"
    with translation.override("en"):
        assert "at most 800,00\xa0zł may be requested" in problems[0].text


def test_grant_share_cap_is_compared_exactly_not_on_a_rounded_percentage():
    # 80 % of 333.33 is 266.664: 266.66 fits, 266.67 (80.0018 %, shown as 80.00 %) does not
    fits = [line(unit_cost="333.33", grant="266.66", own_financial="66.67")]
    assert supported(fits, sources_of(fits), max_grant_share_percent=D("80")) == []
    over = [line(unit_cost="333.33", grant="266.67", own_financial="66.66")]
    assert supported(over, sources_of(over), max_grant_share_percent=D("80")) == [ProblemCode.GRANT_SHARE_OVER_CAP]


def test_administrative_costs_exactly_at_the_cap_are_accepted_and_one_grosz_over_is_refused():
    limits = CallLimits(TaskForm.ENTRUSTING, max_admin_cost_percent=D("10"))
    at_cap = [line(unit_cost="900.00"), line(activity=ADMIN, unit_cost="100.00")]
    assert check_budget(summarise(at_cap, sources_of(at_cap)), limits) == []
    over = [line(unit_cost="899.99"), line(activity=ADMIN, unit_cost="100.01")]
    problems = check_budget(summarise(over, sources_of(over)), limits)
    assert codes(problems) == [ProblemCode.ADMIN_COSTS_OVER_CAP]
    assert problems[0].field == "admin"


def test_supporting_with_zero_own_contribution_is_refused():
    lines = [line(unit_cost="1000.00", beneficiary_fees="100.00")]
    assert supported(lines, sources_of(lines)) == [ProblemCode.NO_OWN_CONTRIBUTION]
    with_personal = [line(unit_cost="1000.00", own_non_financial="0.01")]
    assert supported(with_personal, sources_of(with_personal)) == []


def test_entrusting_with_zero_own_contribution_is_accepted_and_the_grant_share_cap_does_not_apply():
    lines = [line(unit_cost="1000.00")]
    limits = CallLimits(TaskForm.ENTRUSTING, max_grant=D("1000.00"), max_grant_share_percent=D("50"))
    assert check_budget(summarise(lines, sources_of(lines)), limits) == []


def test_requested_grant_at_the_maximum_is_accepted_and_one_grosz_over_is_refused():
    lines = [line(unit_cost="5000.00")]
    summary = summarise(lines, sources_of(lines))
    assert check_budget(summary, CallLimits(TaskForm.ENTRUSTING, max_grant=D("5000.00"))) == []
    problems = check_budget(summary, CallLimits(TaskForm.ENTRUSTING, max_grant=D("4999.99")))
    assert codes(problems) == [ProblemCode.GRANT_OVER_MAXIMUM]


def test_sources_not_matching_the_costs_by_one_grosz_are_refused():
    lines = [line(unit_cost="1000.00")]
    problems = check_budget(summarise(lines, sources_of(lines, grant=D("999.99"))))
    assert ProblemCode.SOURCES_TOTAL_MISMATCH in codes(problems)
    problems = check_budget(summarise(lines, sources_of(lines, own_in_kind=D("0.01"))))
    assert ProblemCode.SOURCES_TOTAL_MISMATCH in codes(problems)
    with translation.override("en"):
        text = next(p for p in problems if p.code == ProblemCode.SOURCES_TOTAL_MISMATCH).text
    assert text == "The sources of financing add up to 1\xa0000,01\xa0zł but the total costs are 1\xa0000,00\xa0zł."


def test_sources_table_must_agree_with_the_lines_row_by_row():
    lines = [line(unit_cost="1000.00", own_financial="100.00")]
    swapped = Sources(grant=D("800.00"), own_financial=D("200.00"))
    problems = check_budget(summarise(lines, swapped))
    assert codes(problems) == [ProblemCode.SOURCE_LINES_MISMATCH, ProblemCode.SOURCE_LINES_MISMATCH]
    assert [p.field for p in problems] == ["sources.grant", "sources.own_financial"]


def test_line_parts_not_adding_up_to_the_value_by_one_grosz_are_refused():
    lines = [line(unit_cost="100.00", grant="99.99", own_financial="0.00")]
    problems = check_budget(summarise(lines, sources_of(lines, grant=D("100.00"))))
    assert codes(problems) == [ProblemCode.LINE_PARTS_MISMATCH, ProblemCode.SOURCE_LINES_MISMATCH]
    assert (problems[0].line, problems[0].field) == (0, "parts_total")


def test_negative_amounts_zero_quantity_and_extra_decimal_places_are_refused():
    bad = [
        CostLine("1", "koszt", "szt.", D("-10.00"), D("1"), grant=D("-10.00")),
        CostLine("1", "koszt", "szt.", D("10.00"), D("0"), grant=D("0.00")),
        CostLine("1", "koszt", "szt.", D("10.005"), D("1.001"), grant=D("10.02")),
    ]
    problems = check_budget(summarise(bad, sources_of(bad)))
    found = {(p.code, p.line, p.field) for p in problems}
    assert (ProblemCode.NEGATIVE_AMOUNT, 0, "unit_cost") in found
    assert (ProblemCode.NEGATIVE_AMOUNT, 0, "grant") in found
    assert (ProblemCode.NEGATIVE_AMOUNT, None, "sources.grant") not in found  # -10 + 0 + 10.02 > 0
    assert (ProblemCode.QUANTITY_NOT_POSITIVE, 1, "quantity") in found
    assert (ProblemCode.TOO_MANY_DECIMAL_PLACES, 2, "unit_cost") in found
    assert (ProblemCode.TOO_MANY_DECIMAL_PLACES, 2, "quantity") in found
    negative_source = check_budget(summarise([line()], Sources(grant=D("110.00"), own_financial=D("-10.00"))))
    assert (ProblemCode.NEGATIVE_AMOUNT, "sources.own_financial") in {(p.code, p.field) for p in negative_source}


def test_years_and_offerors_of_a_joint_offer_are_checked():
    lines = [line(year=1, offeror="a"), line(year=3, offeror="b"), line(year=2, offeror="x")]
    problems = check_budget(summarise(lines, sources_of(lines), offerors=["a", "b"]), years=2)
    assert {(p.code, p.line) for p in problems} == {(ProblemCode.INVALID_YEAR, 1), (ProblemCode.UNKNOWN_OFFEROR, 2)}


def test_an_empty_budget_is_reported_and_has_no_shares():
    summary = summarise([], Sources())
    assert codes(check_budget(summary)) == [ProblemCode.NO_COST_LINES]
    assert summary.shares.total == D("0.00")


def test_a_summary_whose_years_offerors_or_activities_do_not_add_up_is_refused():
    lines = [line(unit_cost="100.00", year=1), line(activity=ADMIN, unit_cost="10.00", year=2)]
    summary = summarise(lines, sources_of(lines))
    costs = dataclasses.replace(summary.costs, by_year={1: D("100.00"), 2: D("9.99")})
    offerors = {"": dataclasses.replace(summary.offerors[""], total=D("110.01"))}
    admin = dataclasses.replace(summary.admin, total=D("0.00"))
    tampered = dataclasses.replace(summary, costs=costs, offerors=offerors, admin=admin)
    assert codes(check_budget(tampered)) == [
        ProblemCode.ACTIVITY_SUM_MISMATCH,
        ProblemCode.YEAR_SUM_MISMATCH,
        ProblemCode.OFFEROR_SUM_MISMATCH,
    ]


def test_shares_of_the_sources_table_round_consistently():
    sources = Sources(grant=D("1.00"), own_financial=D("1.00"), own_personal=D("0.50"), own_in_kind=D("0.50"))
    shares = summarise([line(unit_cost="3.00")], sources).shares
    assert (shares.grant, shares.own_financial, shares.own_non_financial) == (D("33.34"), D("33.33"), D("33.33"))
    assert (shares.own_personal, shares.own_in_kind) == (D("16.67"), D("16.66"))
    assert shares.own_contribution == D("66.66")


def test_call_limits_are_read_from_a_call():
    class Task:
        form = TaskForm.SUPPORTING

    class Call:
        task = Task()
        funds = D("50000.00")
        max_grant_share_percent = D("90.00")
        max_admin_cost_percent = None

    limits = CallLimits.from_call(Call())
    assert limits == CallLimits(TaskForm.SUPPORTING, D("50000.00"), D("90.00"), None)
