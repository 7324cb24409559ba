"""Legal parameters: the value in force on a date applies; a missing one is a clear refusal, not a crash."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from calls.announcement import announcement_problems
from calls.services import call_announce
from core.enums import LEGAL_PARAMETER_SEED, LegalParameterKey
from core.errors import DomainError
from core.legal import legal_parameter
from core.models import LegalParameter
from tests.calls.helpers import local
from tests.factories import CallFactory, UserFactory

pytestmark = pytest.mark.django_db

KEY = LegalParameterKey.SMALL_GRANT_MAX_AMOUNT
SEEDED_FROM = datetime.date(2019, 3, 1)  # the seed migration's effective date
RAISED_FROM = datetime.date(2026, 7, 1)


@pytest.fixture
def raised_cap(db):
    """An amendment: the small-grant cap goes up to 20 000 PLN from 1 July 2026."""
    return LegalParameter.objects.create(key=KEY, value=Decimal("20000.00"), effective_from=RAISED_FROM)


def test_every_parameter_of_law_md_is_seeded():
    for key, value in LEGAL_PARAMETER_SEED.items():
        assert legal_parameter(key, on=datetime.date(2026, 1, 1)) == Decimal(value)


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (RAISED_FROM - datetime.timedelta(days=1), Decimal("10000.00")),
        (RAISED_FROM, Decimal("20000.00")),
        (RAISED_FROM + datetime.timedelta(days=365), Decimal("20000.00")),
        (SEEDED_FROM, Decimal("10000.00")),
    ],
    ids=["day-before", "effective-day", "year-after", "first-day-of-the-seed"],
)
def test_the_value_in_force_on_the_date_applies(on, expected, raised_cap):
    assert legal_parameter(KEY, on=on) == expected


def test_a_later_row_does_not_change_the_past_even_when_entered_first(raised_cap):
    # given a third row effective between the two, entered after the later one
    LegalParameter.objects.create(key=KEY, value=Decimal("15000.00"), effective_from=datetime.date(2025, 1, 1))
    assert legal_parameter(KEY, on=datetime.date(2024, 12, 31)) == Decimal("10000.00")
    assert legal_parameter(KEY, on=datetime.date(2025, 6, 1)) == Decimal("15000.00")
    assert legal_parameter(KEY, on=datetime.date(2026, 7, 1)) == Decimal("20000.00")


def test_other_parameters_are_not_affected(raised_cap):
    assert legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_DAYS, on=RAISED_FROM) == Decimal("90")


def test_a_date_before_any_row_is_a_clear_refusal():
    with pytest.raises(DomainError) as excinfo:
        legal_parameter(KEY, on=SEEDED_FROM - datetime.timedelta(days=1))
    error = excinfo.value
    assert error.code == "legal_parameter_missing"
    assert KEY.value in str(error.message)
    assert "2019-02-28" in str(error.message)


def test_a_deleted_parameter_is_a_clear_refusal():
    LegalParameter.objects.filter(key=KEY).delete()
    with pytest.raises(DomainError) as excinfo:
        legal_parameter(KEY, on=datetime.date(2026, 5, 1))
    assert excinfo.value.code == "legal_parameter_missing"
    assert KEY.value in str(excinfo.value.message)


def test_a_missing_minimum_offer_period_stops_the_announcement_with_the_reason():
    # given no minimum offer period at all
    LegalParameter.objects.filter(key=LegalParameterKey.MIN_OFFER_PERIOD_DAYS).delete()
    call = CallFactory()
    # then the announcement check lists the missing parameter as a problem (not a crash)
    problems = announcement_problems(call)
    assert any(LegalParameterKey.MIN_OFFER_PERIOD_DAYS.value in str(m) for m in problems["published_bip_at"])
    # and announcing is refused with it
    with pytest.raises(DomainError) as excinfo:
        call_announce(call=call, actor=UserFactory(roles=["official"]))
    assert "published_bip_at" in excinfo.value.errors


def test_a_finished_call_from_before_the_first_parameter_still_has_its_public_page():
    # given a completed call published before the system's first legal parameter (imported history)
    call = CallFactory(
        status="completed", published_bip_at=local(2018, 9, 3, 10, 0), offer_deadline=local(2018, 10, 1, 10, 0)
    )
    # then its public page opens (the minimum deadline is simply not shown)
    response = Client().get(f"/calls/{call.pk}/")
    assert response.status_code == 200
    assert call.title in response.content.decode()


def test_a_draft_with_a_mistyped_publication_year_still_opens_in_the_panel(official):
    # given a draft whose three publication dates were typed with the year 2016 instead of 2026
    typo = local(2016, 11, 20, 9, 0)
    call = CallFactory(published_bip_at=typo, published_board_at=typo, published_website_at=typo)
    client = Client()
    client.force_login(official)
    # then the official can still open the call (to see and fix what is wrong)
    response = client.get(f"/panel/calls/{call.pk}/")
    assert response.status_code == 200
    assert call.title in response.content.decode()
