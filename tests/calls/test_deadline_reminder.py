"""Three days before a call's offer deadline, the members of organisations still holding a draft offer
in it are reminded — once per offer, by the beat task registered in the schedule."""

import datetime

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from applications.enums import ApplicationStatus
from calls.enums import CallStatus
from calls.reminders import deadline_reminders_write
from calls.tasks import remind_offer_deadlines
from notifications.models import OutboxMessage
from notifications.preferences import preferences_save
from organisations.models import Membership
from tests.applications.helpers import offer
from tests.calls.helpers import local
from tests.factories import CallFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

# The day after the spring clock change; offsets are taken in UTC (aware arithmetic in a zone is wall-clock
# arithmetic: 3 days "before" 30 March 12:00 on the Warsaw clock is only 71 real hours).
DEADLINE = local(2026, 3, 30, 12, 0).astimezone(datetime.UTC)


@pytest.fixture
def call():
    return CallFactory(status=CallStatus.ANNOUNCED, published_bip_at=local(2026, 2, 20), offer_deadline=DEADLINE)


def reminders():
    return OutboxMessage.objects.filter(event="deadline_reminder")


def test_members_of_organisations_with_a_draft_are_reminded_once_within_3_days(call):
    draft, member = offer(call)
    second_member = make_ngo_member(draft.organisation)
    opted_out = make_ngo_member(draft.organisation)
    preferences_save(user=opted_out, choices={"deadline_reminder": False})
    pending = UserFactory()  # asked to join, not confirmed: not told
    Membership.objects.create(user=pending, organisation=draft.organisation)
    submitted, submitter = offer(call, status=ApplicationStatus.SUBMITTED)
    elsewhere, other = offer(
        CallFactory(status=CallStatus.ANNOUNCED, offer_deadline=DEADLINE + datetime.timedelta(days=5))
    )

    # 3 days and 1 hour before: too early
    with time_machine.travel(DEADLINE - datetime.timedelta(days=3, hours=1), tick=False):
        assert deadline_reminders_write() == 0
    # 2 days 23 hours before: sent, to the confirmed members of the draft's organisation only
    with time_machine.travel(DEADLINE - datetime.timedelta(days=2, hours=23), tick=False):
        assert remind_offer_deadlines() == 2
    assert set(reminders().values_list("recipient", flat=True)) == {member.email, second_member.email}
    notice = reminders().get(recipient=member.email)
    assert call.title in notice.subject
    assert "30 marca 2026, 12:00" in notice.body_text  # the Warsaw wall clock
    assert f"/offers/{draft.pk}/edit/" in notice.body_text
    # every later run, until the deadline: nothing more
    for hours in (22, 12, 1):
        with time_machine.travel(DEADLINE - datetime.timedelta(hours=hours), tick=False):
            assert deadline_reminders_write() == 0
    assert reminders().count() == 2
    assert not reminders().filter(recipient__in=[opted_out.email, pending.email, submitter.email, other.email]).exists()


def test_no_reminder_after_the_deadline_or_for_a_call_no_longer_open(call):
    offer(call)
    with time_machine.travel(DEADLINE + datetime.timedelta(minutes=1), tick=False):
        assert deadline_reminders_write() == 0
    closed = CallFactory(status=CallStatus.CLOSED, offer_deadline=timezone.now() + datetime.timedelta(days=1))
    offer(closed)
    assert deadline_reminders_write() == 0
    assert not reminders().exists()


def test_the_reminder_is_in_the_beat_schedule():
    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "calls.tasks.remind_offer_deadlines"]
    assert len(entries) == 1
    # it runs at least hourly, so "3 days before" is kept to within the hour
    schedule = entries[0]["schedule"]
    assert len(schedule.hour) == 24 and len(schedule.minute) >= 1
