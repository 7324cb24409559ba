"""The caps of art. 19a, checked on submission with the values in force on the submission date."""

import datetime
from decimal import Decimal

import pytest
import time_machine

from core.enums import LegalParameterKey
from core.errors import DomainError
from core.models import LegalParameter
from core.money import format_pln
from smallgrants.caps import cap_refusals
from smallgrants.enums import SmallGrantStatus
from smallgrants.services import small_grant_submit
from tests.calls.helpers import local
from tests.factories import OrganisationFactory
from tests.smallgrants.helpers import content, small_grant

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 3, 1)
ON = datetime.date(2026, 12, 1)


def zl(amount):
    return format_pln(Decimal(amount))


def grant_of(amount, **kwargs):
    kwargs.setdefault("start", START)
    made, _member = small_grant(grant=Decimal(amount), **kwargs)
    return made


@pytest.mark.parametrize(("amount", "refused"), [("10000.00", False), ("10000.01", True)])
def test_the_grant_per_task_at_the_edge(amount, refused):
    refusals = cap_refusals(grant_of(amount), on=ON)
    assert bool(refusals) is refused
    if refused:
        [refusal] = refusals
        assert zl("10000.01") in refusal and zl("10000.00") in refusal


@pytest.mark.parametrize(("days", "refused"), [(90, False), (91, True)])
def test_the_duration_counts_both_ends_at_the_edge(days, refused):
    refusals = cap_refusals(grant_of("1000.00", days=days), on=ON)
    assert bool(refusals) is refused
    if refused:
        assert "91" in refusals[0] and "90" in refusals[0]


@pytest.mark.parametrize(("amount", "refused"), [("5000.00", False), ("5000.01", True)])
def test_the_organisation_total_in_the_year_at_the_edge(amount, refused):
    organisation = OrganisationFactory(verified_at=local(2026, 1, 1))
    grant_of("10000.00", organisation=organisation, status=SmallGrantStatus.PUBLISHED)
    grant_of("5000.00", organisation=organisation, status=SmallGrantStatus.SUBMITTED)
    refusals = cap_refusals(grant_of(amount, organisation=organisation), on=ON)
    assert bool(refusals) is refused
    if refused:
        [refusal] = refusals
        assert zl("20000.01") in refusal and zl("20000.00") in refusal and "2027" in refusal


def test_only_received_grants_of_the_same_start_year_count_for_the_organisation():
    organisation = OrganisationFactory(verified_at=local(2026, 1, 1))
    for status in (SmallGrantStatus.DRAFT, SmallGrantStatus.WITHDRAWN, SmallGrantStatus.REJECTED):
        grant_of("10000.00", organisation=organisation, status=status)
    # a grant of the organisation starting in 2026 belongs to another year
    grant_of(
        "10000.00", organisation=organisation, status=SmallGrantStatus.CONTRACTED, start=datetime.date(2026, 12, 1)
    )
    grant_of("10000.00", organisation=organisation, status=SmallGrantStatus.SUBMITTED)
    assert cap_refusals(grant_of("10000.00", organisation=organisation), on=ON) == []
    # another submitted one in 2027 now tips it over
    grant_of("0.01", organisation=organisation, status=SmallGrantStatus.COMMENTS_CLOSED)
    assert zl("20000.01") in cap_refusals(grant_of("10000.00", organisation=organisation), on=ON)[0]


@pytest.mark.parametrize(("amount", "refused"), [("5000.00", False), ("5000.01", True)])
def test_the_pool_share_of_the_planned_grant_funds_at_the_edge(amount, refused):
    # 20 % of 100 000,00 zł planned in the 2027 programme = 20 000,00 zł for small grants
    for share in ("8000.00", "7000.00"):
        grant_of(share, status=SmallGrantStatus.PUBLISHED, planned=Decimal("100000.00"))
    refusals = cap_refusals(grant_of(amount, planned=Decimal("100000.00")), on=ON)
    assert bool(refusals) is refused
    if refused:
        [refusal] = refusals
        assert zl("20000.01") in refusal and zl("20000.00") in refusal and zl("100000.00") in refusal
        assert "20%" in refusal


def test_every_broken_cap_is_listed():
    refusals = cap_refusals(grant_of("25000.00", days=120, planned=Decimal("100000.00")), on=ON)
    assert len(refusals) == 4


@pytest.fixture
def raised_caps(db):
    """An amendment: 20 000 per task, 40 000 per organisation and 30 % from 1 January 2027."""
    raised = datetime.date(2027, 1, 1)
    for key, value in (
        (LegalParameterKey.SMALL_GRANT_MAX_AMOUNT, "20000.00"),
        (LegalParameterKey.SMALL_GRANT_MAX_PER_ORGANISATION_YEAR, "40000.00"),
        (LegalParameterKey.SMALL_GRANT_MAX_SHARE_PERCENT, "30"),
    ):
        LegalParameter.objects.create(key=key, value=Decimal(value), effective_from=raised)


def test_an_offer_submitted_before_the_amendment_is_held_to_the_old_cap(raised_caps):
    made = grant_of("15000.00")
    with time_machine.travel(local(2026, 12, 31, 23, 59), tick=False):
        with pytest.raises(DomainError) as refused:
            small_grant_submit(small_grant=made, actor=made.created_by)
    assert refused.value.code == "caps_exceeded"
    [refusal] = refused.value.errors["__all__"]
    assert zl("15000.00") in refusal and zl("10000.00") in refusal
    made.refresh_from_db()
    assert made.status == SmallGrantStatus.DRAFT and made.content == content(
        START, made.realisation_end, grant="15000,00"
    )


def test_an_offer_submitted_after_the_amendment_gets_the_new_cap(raised_caps):
    made = grant_of("15000.00")
    # midnight in Warsaw on 1 January is still 31 December in UTC: the Warsaw date counts
    with time_machine.travel(local(2027, 1, 1, 0, 30), tick=False):
        submitted = small_grant_submit(small_grant=made, actor=made.created_by)
    assert submitted.status == SmallGrantStatus.SUBMITTED


def test_the_raised_organisation_cap_applies_after_the_amendment(raised_caps):
    organisation = OrganisationFactory(verified_at=local(2026, 1, 1))
    grant_of("20000.00", organisation=organisation, status=SmallGrantStatus.PUBLISHED)
    made = grant_of("20000.00", organisation=organisation)
    before = cap_refusals(made, on=datetime.date(2026, 12, 31))
    assert any(zl("40000.00") in refusal and zl("20000.00") in refusal for refusal in before)
    assert cap_refusals(made, on=datetime.date(2027, 1, 1)) == []


@pytest.mark.parametrize("typed", ["1e26", "1E+30", "999999999999999"])
def test_an_amount_no_budget_has_is_not_an_amount(typed):
    from smallgrants.content import money

    assert money(typed) is None
