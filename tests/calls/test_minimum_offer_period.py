"""Art. 13 ust. 1: offers may be filed for at least 21 days (a legal parameter) from the LAST of the three
publications, counted on the Warsaw wall clock; and art. 13 ust. 2–3: what an announcement must state.
"""

import datetime

import pytest
import time_machine
from django.utils import timezone
from django.utils.formats import date_format

from calls import services
from calls.announcement import announcement_problems, minimum_deadline
from calls.enums import StatutoryCriterion
from calls.models import Call, Criterion
from core.errors import DomainError
from core.models import LegalParameter, StoredDocument
from notifications.models import OutboxMessage
from tests.calls.helpers import local, status_changes, stored_status
from tests.factories import CallFactory, MediaOutletFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

BEFORE_EVERYTHING = local(2027, 1, 2, 9, 0)  # "now": before every publication used below
CHANNELS = ["published_bip_at", "published_board_at", "published_website_at"]


@pytest.fixture(autouse=True)
def now_before_publications():
    with time_machine.travel(BEFORE_EVERYTHING, tick=False):
        yield


def draft(last_publication, deadline, *, last_channel="published_website_at", **kwargs):
    """A complete draft whose publications end at ``last_publication`` (the other two 1 and 2 days earlier)."""
    others = [c for c in CHANNELS if c != last_channel]
    dates = {
        last_channel: last_publication,
        others[0]: last_publication - datetime.timedelta(days=2),
        others[1]: last_publication - datetime.timedelta(days=1),
    }
    return CallFactory(**dates, offer_deadline=deadline, **kwargs)


def deadline_messages(call):
    return [str(m) for m in announcement_problems(call).get("offer_deadline", [])]


def refusal_of_announce(call, actor):
    with pytest.raises(DomainError) as excinfo:
        services.call_announce(call=call, actor=actor)
    return excinfo.value


def elapsed(start, end):
    """Real time between two instants (subtracting datetimes of one zone would compare wall clocks)."""
    return end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)


def names_the_date(messages, earliest):
    shown = date_format(timezone.localtime(earliest), "DATETIME_FORMAT")
    return any(shown in m for m in messages)


# --- the 21 days, from the last of the three publications ---------------------------------------------


@pytest.mark.parametrize("last_channel", CHANNELS)
def test_deadline_exactly_21_days_after_the_last_publication_is_accepted(last_channel, official):
    # given the three publications on different days, `last_channel` the latest, 3 March 2027 10:15
    last = local(2027, 3, 3, 10, 15)
    call = draft(last, local(2027, 3, 24, 10, 15), last_channel=last_channel)
    # then the earliest lawful deadline is 21 days after the last publication, and this one meets it
    assert minimum_deadline(call) == local(2027, 3, 24, 10, 15)
    assert deadline_messages(call) == []
    # and the official can announce it
    services.call_announce(call=call, actor=official)
    assert stored_status(call) == "announced"


@pytest.mark.parametrize("last_channel", CHANNELS)
def test_deadline_one_minute_short_is_refused_naming_the_earliest_deadline(last_channel, official):
    # given a deadline one minute short of 21 days after the last publication
    # (but well over 21 days after the two earlier ones)
    last = local(2027, 3, 3, 10, 15)
    call = draft(last, local(2027, 3, 24, 10, 14), last_channel=last_channel)
    # when the official announces it, then it is refused on the deadline, naming the earliest allowed one
    error = refusal_of_announce(call, official)
    messages = [str(m) for m in error.errors["offer_deadline"]]
    assert names_the_date(messages, local(2027, 3, 24, 10, 15))
    assert error.code == "announcement_incomplete"
    # and nothing was written
    assert stored_status(call) == "draft"
    assert not status_changes(call).exists()


def test_spring_dst_change_counts_calendar_days_on_the_warsaw_clock(official):
    # given the last publication on 10 March 2027 12:00 CET; clocks go forward on 28 March
    last = local(2027, 3, 10, 12, 0)
    deadline = local(2027, 3, 31, 12, 0)  # CEST
    assert elapsed(last, deadline) == datetime.timedelta(days=21, hours=-1)  # only 21×24−1 hours pass
    call = draft(last, deadline)
    # then 31 March 12:00 is exactly 21 days later on the wall clock: accepted
    assert minimum_deadline(call) == deadline
    assert deadline_messages(call) == []
    services.call_announce(call=call, actor=official)
    assert stored_status(call) == "announced"


def test_spring_dst_change_one_minute_short_is_refused():
    # given the same publication and a deadline at 11:59 CEST on 31 March
    call = draft(local(2027, 3, 10, 12, 0), local(2027, 3, 31, 11, 59))
    # then it is refused, naming 31 March 12:00
    messages = deadline_messages(call)
    assert messages
    assert names_the_date(messages, local(2027, 3, 31, 12, 0))


def test_autumn_dst_change_counts_calendar_days_on_the_warsaw_clock():
    # given the last publication on 20 October 2027 12:00 CEST; clocks go back on 31 October
    last = local(2027, 10, 20, 12, 0)
    on_time = draft(last, local(2027, 11, 10, 12, 0))
    early = draft(last, local(2027, 11, 10, 11, 59))
    # then 10 November 12:00 CET is the earliest deadline and is accepted
    assert minimum_deadline(on_time) == local(2027, 11, 10, 12, 0)
    assert deadline_messages(on_time) == []
    # and 11:59 is refused although more than 21×24 hours have passed by then
    assert elapsed(last, local(2027, 11, 10, 11, 59)) > datetime.timedelta(days=21)
    messages = deadline_messages(early)
    assert messages
    assert names_the_date(messages, local(2027, 11, 10, 12, 0))


# --- the period is a legal parameter with an effective date -------------------------------------------


@pytest.fixture
def thirty_days_from_june_2027(db):
    return LegalParameter.objects.create(
        key="min_offer_period_days", value=30, effective_from=datetime.date(2027, 6, 1), source="nowelizacja (test)"
    )


def test_a_call_published_before_a_longer_period_takes_effect_needs_21_days(thirty_days_from_june_2027, official):
    # given the last publication on 31 May 2027, the day before 30 days take effect
    call = draft(local(2027, 5, 31, 12, 0), local(2027, 6, 21, 12, 0))
    # then 21 days are enough
    assert minimum_deadline(call) == local(2027, 6, 21, 12, 0)
    services.call_announce(call=call, actor=official)
    assert stored_status(call) == "announced"


def test_a_call_published_after_a_longer_period_takes_effect_needs_30_days(thirty_days_from_june_2027, official):
    # given the last publication at 00:30 on 1 June 2027 in Warsaw (still 31 May in UTC)
    last = local(2027, 6, 1, 0, 30)
    assert last.astimezone(datetime.UTC).date() == datetime.date(2027, 5, 31)
    short = draft(last, local(2027, 6, 22, 0, 30))
    # then 21 days are refused, naming the deadline 30 days on
    error = refusal_of_announce(short, official)
    assert names_the_date([str(m) for m in error.errors["offer_deadline"]], local(2027, 7, 1, 0, 30))
    assert stored_status(short) == "draft"
    # and 30 days are accepted
    enough = draft(last, local(2027, 7, 1, 0, 30))
    assert deadline_messages(enough) == []


def test_the_last_publication_decides_which_period_applies(thirty_days_from_june_2027):
    # given BIP in May but the notice board only on 2 June
    call = CallFactory(
        published_bip_at=local(2027, 5, 20, 9, 0),
        published_website_at=local(2027, 5, 21, 9, 0),
        published_board_at=local(2027, 6, 2, 9, 0),
        offer_deadline=local(2027, 6, 23, 9, 0),  # 21 days after the board
    )
    # then 30 days from 2 June apply
    assert minimum_deadline(call) == local(2027, 7, 2, 9, 0)
    assert names_the_date(deadline_messages(call), local(2027, 7, 2, 9, 0))


# --- art. 13 ust. 2–3: every item must be there ----------------------------------------------------------

ART13_FIELDS = [
    "task_type",
    "funds",
    "award_rules",
    "realisation_start",
    "realisation_end",
    "realisation_conditions",
    "offer_deadline",
    "procedure",
    "decision_by",
    "published_bip_at",
    "published_board_at",
    "published_website_at",
]
TEXT_FIELDS = {"task_type", "award_rules", "realisation_conditions", "procedure"}


@pytest.fixture
def audience(db):
    """A newsroom and an organisation of the call's sphere: an announcement would write notices to both."""
    MediaOutletFactory()
    OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"])


def complete_draft():
    return draft(local(2027, 3, 3, 10, 0), local(2027, 3, 31, 10, 0))


def test_a_complete_announcement_writes_notices(audience, official):
    # given a complete draft and an audience (the control for the tests below)
    call = complete_draft()
    assert announcement_problems(call) == {}
    # when announced, then the status changes, one history entry, a document and two notices are written
    services.call_announce(call=call, actor=official)
    assert stored_status(call) == "announced"
    assert status_changes(call).count() == 1
    assert OutboxMessage.objects.count() == 2
    assert Call.objects.get(pk=call.pk).announcement is not None


EMPTY_CASES = [pytest.param(f, "" if f in TEXT_FIELDS else None, id=f"{f}-missing") for f in ART13_FIELDS] + [
    pytest.param(f, "  \n ", id=f"{f}-whitespace") for f in sorted(TEXT_FIELDS)
]


@pytest.mark.parametrize(("field", "empty"), EMPTY_CASES)
def test_each_missing_art13_item_is_reported_and_blocks_announcing(field, empty, audience, official):
    # given a complete draft with `field` left empty
    call = complete_draft()
    Call.objects.filter(pk=call.pk).update(**{field: empty})
    call = Call.objects.get(pk=call.pk)
    # then the missing item is reported on its field
    problems = announcement_problems(call)
    assert field in problems
    assert all(str(m).strip() for m in problems[field])
    # and announcing is refused with the same field, writing nothing
    documents = StoredDocument.objects.count()
    error = refusal_of_announce(call, official)
    assert error.code == "announcement_incomplete"
    assert field in error.errors
    assert stored_status(call) == "draft"
    assert not status_changes(call).exists()
    assert not OutboxMessage.objects.exists()
    assert StoredDocument.objects.count() == documents


def test_zero_funds_are_refused():
    call = complete_draft()
    Call.objects.filter(pk=call.pk).update(funds=0)
    assert "funds" in announcement_problems(Call.objects.get(pk=call.pk))


def test_a_call_without_criteria_cannot_be_announced(official):
    # given a complete draft with no criteria at all
    call = draft(local(2027, 3, 3, 10, 0), local(2027, 3, 31, 10, 0), criteria=False)
    # then announcing is refused (art. 13 ust. 2 pkt 6 / art. 15)
    error = refusal_of_announce(call, official)
    assert "__all__" in error.errors
    assert stored_status(call) == "draft"


def test_supporting_needs_the_maximum_grant_share(official):
    call = draft(local(2027, 3, 3, 10, 0), local(2027, 3, 31, 10, 0), max_grant_share_percent=None)
    error = refusal_of_announce(call, official)
    assert "max_grant_share_percent" in error.errors


def test_a_task_ending_before_it_starts_is_refused():
    call = complete_draft()
    Call.objects.filter(pk=call.pk).update(
        realisation_start=datetime.date(2027, 6, 1), realisation_end=datetime.date(2027, 5, 1)
    )
    assert "realisation_end" in announcement_problems(Call.objects.get(pk=call.pk))


def test_choosing_offers_before_the_deadline_is_refused():
    call = complete_draft()
    Call.objects.filter(pk=call.pk).update(decision_by=datetime.date(2027, 3, 30))
    assert "decision_by" in announcement_problems(Call.objects.get(pk=call.pk))


def test_a_draft_whose_deadline_has_passed_cannot_be_announced(official):
    # given a draft prepared last year with a deadline already gone
    call = draft(local(2026, 11, 1, 10, 0), local(2026, 12, 1, 10, 0))
    # then announcing is refused on the deadline
    error = refusal_of_announce(call, official)
    assert "offer_deadline" in error.errors
    assert stored_status(call) == "draft"


@pytest.mark.parametrize("missing", [c for c in StatutoryCriterion], ids=[c.value for c in StatutoryCriterion])
def test_a_supporting_call_missing_a_statutory_criterion_cannot_be_announced(missing, official):
    # given a complete supporting draft from which one of the six criteria of art. 15 ust. 1 was removed
    call = complete_draft()
    assert call.form == "supporting"
    Criterion.objects.filter(call=call, statutory=missing).delete()
    assert call.criteria.exists()
    # then announcing is refused: the committee must consider every statutory criterion, even for one offer
    error = refusal_of_announce(call, official)
    assert error.code == "announcement_incomplete"
    assert stored_status(call) == "draft"
    assert not status_changes(call).exists()
