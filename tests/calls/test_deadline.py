"""The offer deadline: no offer after it whatever the stored status says; the beat task closes calls at it."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from calls.models import Call
from calls.selectors import open_calls
from calls.services import calls_close_due
from calls.tasks import close_due_calls
from tests.calls.helpers import local, status_changes, stored_status
from tests.factories import CallFactory

pytestmark = pytest.mark.django_db

SECOND = datetime.timedelta(seconds=1)


def announced(deadline, **kwargs):
    """An announced call with ``deadline``, published 30 days before it."""
    return CallFactory(
        status="announced", published_bip_at=deadline - datetime.timedelta(days=30), offer_deadline=deadline, **kwargs
    )


# --- accepts_offers -------------------------------------------------------------------------------------


def test_offers_are_accepted_until_one_second_before_the_deadline():
    deadline = local(2027, 5, 14, 15, 0)
    call = Call.objects.get(pk=announced(deadline).pk)
    assert call.accepts_offers(now=deadline - SECOND) is True
    assert call.accepts_offers(now=deadline) is False
    assert call.accepts_offers(now=deadline + SECOND) is False


def test_offers_are_refused_after_the_deadline_although_the_call_is_still_stored_as_announced():
    # given an announced call whose deadline has just passed, and the beat task has not run yet
    deadline = local(2027, 5, 14, 15, 0)
    call = announced(deadline)
    with time_machine.travel(deadline + SECOND, tick=False):
        call = Call.objects.get(pk=call.pk)
        assert call.status == "announced"
        # then it does not accept offers and is not listed among open calls
        assert call.accepts_offers() is False
        assert call.pk not in [c.pk for c in open_calls()]
    with time_machine.travel(deadline - SECOND, tick=False):
        # while one second earlier it did
        assert call.accepts_offers() is True
        assert call.pk in [c.pk for c in open_calls()]


def test_the_public_page_stops_offering_at_the_deadline(client):
    # given an announced call listed on the home page
    deadline = local(2027, 5, 14, 15, 0)
    call = announced(deadline)
    with time_machine.travel(deadline - SECOND, tick=False):
        assert call.pk in [c.pk for c in client.get("/").context["open_calls"]]
        assert client.get(f"/calls/{call.pk}/").context["accepts_offers"] is True
    # when the deadline passes (no beat run), then the page says it no longer accepts offers
    with time_machine.travel(deadline, tick=False):
        assert call.pk not in [c.pk for c in client.get("/").context["open_calls"]]
        assert client.get(f"/calls/{call.pk}/").context["accepts_offers"] is False


@pytest.mark.parametrize("status", ["draft", "closed", "in_evaluation", "resolved", "completed", "cancelled"])
def test_only_an_announced_call_accepts_offers(status):
    deadline = local(2027, 5, 14, 15, 0)
    call = CallFactory(status=status, published_bip_at=deadline - datetime.timedelta(days=30), offer_deadline=deadline)
    assert call.accepts_offers(now=deadline - datetime.timedelta(days=1)) is False


def test_deadline_in_the_repeated_hour_of_the_autumn_change():
    # given a deadline at 02:30 on 31 October 2027 after the clocks went back (CET, 01:30 UTC)
    deadline = local(2027, 10, 31, 2, 30, fold=1)
    assert deadline.astimezone(datetime.UTC) == datetime.datetime(2027, 10, 31, 1, 30, tzinfo=datetime.UTC)
    call = Call.objects.get(pk=announced(deadline).pk)
    first_0230 = local(2027, 10, 31, 2, 30, fold=0)  # 00:30 UTC, an hour earlier
    # then offers are still accepted at the first 02:30 and until a second before the second one
    assert call.accepts_offers(now=first_0230) is True
    assert call.accepts_offers(now=deadline - SECOND) is True
    assert call.accepts_offers(now=deadline) is False
    # and the deadline is stored as that instant (compared in UTC: Python never finds a fold=1 time
    # equal to one in another zone)
    assert Call.objects.get(pk=call.pk).offer_deadline == deadline.astimezone(datetime.UTC)


def test_deadline_right_after_the_spring_change():
    # given a deadline at 03:00 CEST on 28 March 2027 (01:00 UTC; the clock jumps 02:00 → 03:00)
    deadline = local(2027, 3, 28, 3, 0)
    call = Call.objects.get(pk=announced(deadline).pk)
    # then 01:59:59 CET, one second earlier, still accepts offers
    assert call.accepts_offers(now=local(2027, 3, 28, 1, 59, 59)) is True
    assert call.accepts_offers(now=deadline) is False


# --- calls_close_due (the beat task) -------------------------------------------------------------------


def test_the_beat_task_closes_only_announced_calls_past_their_deadline():
    # given calls in several states around "now"
    now = timezone.now()
    due = announced(now - datetime.timedelta(minutes=1))
    due_exactly = announced(now.replace(microsecond=0) - SECOND)
    still_open = announced(now + datetime.timedelta(hours=1))
    others = [
        CallFactory(status=s, published_bip_at=now - datetime.timedelta(days=40))
        for s in ["closed", "in_evaluation", "resolved", "completed", "cancelled"]
    ]
    for c in others:
        Call.objects.filter(pk=c.pk).update(offer_deadline=now - datetime.timedelta(days=10))
    past_draft = CallFactory(published_bip_at=now - datetime.timedelta(days=40))
    Call.objects.filter(pk=past_draft.pk).update(offer_deadline=now - datetime.timedelta(days=10))

    # when the beat task runs
    closed = calls_close_due()

    # then it closed the two due calls, by the system, and touched nothing else
    assert closed == 2
    for call in [due, due_exactly]:
        assert stored_status(call) == "closed"
        change = status_changes(call).get()
        assert (change.transition, change.from_state, change.to_state, change.actor) == (
            "close",
            "announced",
            "closed",
            None,
        )
    assert stored_status(still_open) == "announced"
    assert stored_status(past_draft) == "draft"
    for c in others:
        assert stored_status(c) == c.status
    assert not status_changes(still_open).exists()


def test_the_beat_task_is_idempotent():
    # given a call past its deadline, closed by a first run
    call = announced(timezone.now() - datetime.timedelta(minutes=5))
    assert close_due_calls() == 1  # the Celery task body, run in-process
    # when it runs again, then nothing more is closed and the history keeps one entry
    assert close_due_calls() == 0
    assert stored_status(call) == "closed"
    assert status_changes(call).count() == 1


def test_the_beat_task_closes_at_the_deadline_across_the_autumn_change():
    # given a deadline in the repeated hour (02:30 CET, the second 02:30 on 31 October 2027)
    deadline = local(2027, 10, 31, 2, 30, fold=1)
    call = announced(deadline)
    # when the beat runs at the first 02:30 (CEST), then the call stays open
    with time_machine.travel(local(2027, 10, 31, 2, 30, fold=0), tick=False):
        assert calls_close_due() == 0
    with time_machine.travel(deadline - SECOND, tick=False):
        assert calls_close_due() == 0
    # and at the deadline it closes
    with time_machine.travel(deadline, tick=False):
        assert calls_close_due() == 1
    assert stored_status(call) == "closed"


# --- times that do not exist, or exist twice, on the Warsaw clock -------------------------------------------

DST_GAPS = [
    pytest.param("2027-03-28T02:30", id="spring-gap-does-not-exist"),
    pytest.param("2027-10-31T02:30", id="autumn-hour-happens-twice"),
]


@pytest.mark.parametrize("typed", DST_GAPS)
def test_the_panel_refuses_a_deadline_the_warsaw_clock_cannot_place(typed, official):
    # given an official typing a deadline in the hour skipped or repeated by a DST change
    task = CallFactory().task
    client = Client(raise_request_exception=False)
    client.force_login(official)
    calls = Call.objects.count()
    response = client.post("/panel/calls/new/", {"task": task.pk, "title": "Konkurs", "offer_deadline": typed})
    # then the form refuses it on the field instead of guessing an hour
    assert response.status_code == 400
    assert "offer_deadline" in response.context["form"].errors
    assert Call.objects.count() == calls


@pytest.mark.parametrize("typed", DST_GAPS)
def test_the_api_refuses_a_local_deadline_the_warsaw_clock_cannot_place(typed, official):
    # given a draft and a client sending a deadline without an offset, in the skipped or repeated hour
    call = CallFactory()
    before = Call.objects.get(pk=call.pk).offer_deadline
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(official)
    response = client.patch(f"/api/v1/calls/{call.pk}/", {"offer_deadline": f"{typed}:00"}, format="json")
    # then it is refused on the field (as the panel does), and the stored deadline is unchanged
    assert response.status_code == 400, response.content[:300]
    assert "offer_deadline" in response.json()["errors"]
    assert Call.objects.get(pk=call.pk).offer_deadline == before
