"""The Call state machine as a table: every state × every transition × every role, in the service and the API.

The expected table (``tests.calls.helpers.EXPECTED``) is written out from ARCHITECTURE.md, not derived
from the code under test, so a wrong check in ``calls.rules`` or a wrong source state on the model fails here.
"""

import datetime
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework.test import APIClient

from calls import services
from calls.models import Call
from calls.rules import CALL_TRANSITION_CHECKS
from core.errors import InvalidState, NotAllowed
from core.models import StoredDocument
from core.transitions import available_transitions
from notifications.models import OutboxMessage
from tests.calls.helpers import (
    ACTORS,
    CANCEL_BODY,
    EXPECTED,
    STATES,
    TRANSITIONS,
    actor_of,
    call_in_state,
    expected_available,
    role_may,
    state_allows,
    status_changes,
    stored_status,
)
from tests.factories import MediaOutletFactory

pytestmark = pytest.mark.django_db

API_ROLES = [r for r in ACTORS if r != "system"]
STAFF = {"official", "approver"}


def run_service(call, transition, actor):
    if transition == "announce":
        return services.call_announce(call=call, actor=actor)
    if transition == "cancel":
        return services.call_cancel(call=call, actor=actor, **CANCEL_BODY)
    return services.call_transition(call=call, name=transition, actor=actor, reason="Test")


def _cells(roles):
    return [
        pytest.param(state, transition, role, id=f"{state}-{transition}-{role}")
        for state in STATES
        for transition in TRANSITIONS
        for role in roles
    ]


@pytest.mark.parametrize(("state", "transition", "role"), _cells(ACTORS))
def test_service_runs_exactly_the_transitions_in_the_table(state, transition, role, user_of_role):
    # given a complete call in `state` (deadline passed unless it is a draft), an actor of `role`,
    # and a newsroom that is told of announcements and cancellations
    call = call_in_state(state)
    actor = actor_of(role, user_of_role)
    MediaOutletFactory()
    target = EXPECTED[transition][2]

    if state_allows(transition, state) and role_may(transition, role):
        # when the actor runs the transition, then the call moves and the history has one entry
        run_service(call, transition, actor)
        assert stored_status(call) == target
        changes = list(status_changes(call))
        assert len(changes) == 1
        change = changes[0]
        assert (change.transition, change.from_state, change.to_state) == (transition, state, target)
        assert change.actor == actor  # None for the scheduler
        if transition == "cancel":
            assert change.reason == CANCEL_BODY["reason"]
            assert change.data["ground"] == CANCEL_BODY["ground"]
            assert Call.objects.get(pk=call.pk).cancellation_ground == CANCEL_BODY["ground"]
        notices = OutboxMessage.objects.filter(channel="media")
        assert notices.count() == (1 if transition in {"announce", "cancel"} else 0)
        if transition == "announce":
            announced = Call.objects.get(pk=call.pk)
            assert announced.announcement_id is not None
            assert announced.announced_at is not None
        return

    # when a refused actor tries, then the refusal says whether it is the role or the state
    expected_error = InvalidState if role_may(transition, role) else NotAllowed
    with pytest.raises((NotAllowed, InvalidState)) as excinfo:
        run_service(call, transition, actor)
    assert type(excinfo.value) is expected_error
    assert str(excinfo.value.message).strip(), "a refusal must say why"
    # and nothing changed
    assert stored_status(call) == state
    assert not status_changes(call).exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.parametrize(("state", "role"), [pytest.param(s, r, id=f"{s}-{r}") for s in STATES for r in ACTORS])
def test_available_transitions_match_the_table(state, role, user_of_role):
    # given a call in `state` whose deadline has passed (a draft's has not)
    call = Call.objects.get(pk=call_in_state(state).pk)
    actor = actor_of(role, user_of_role)
    # when the transitions offered to `role` are listed, then they are exactly the table's
    assert set(available_transitions(call, actor, CALL_TRANSITION_CHECKS)) == expected_available(state, role)


@pytest.mark.parametrize("role", ["official", "system"])
def test_an_announced_call_cannot_be_closed_before_its_deadline(role, user_of_role):
    # given an announced call whose deadline is tomorrow
    call = call_in_state(
        "announced",
        published_bip_at=timezone.now() - datetime.timedelta(days=29),
        offer_deadline=timezone.now() + datetime.timedelta(days=1),
    )
    actor = actor_of(role, user_of_role)
    # then closing is not offered, and trying it is refused for the state, with nothing written
    assert "close" not in available_transitions(Call.objects.get(pk=call.pk), actor, CALL_TRANSITION_CHECKS)
    with pytest.raises(InvalidState):
        services.call_transition(call=call, name="close", actor=actor)
    assert stored_status(call) == "announced"
    assert not status_changes(call).exists()


def test_an_announced_call_cannot_be_cancelled_before_its_deadline(official):
    # given an announced call still open for offers (art. 18a: lack of offers is known only at the deadline)
    call = call_in_state(
        "announced",
        published_bip_at=timezone.now() - datetime.timedelta(days=2),
        offer_deadline=timezone.now() + datetime.timedelta(days=25),
    )
    assert set(available_transitions(Call.objects.get(pk=call.pk), official, CALL_TRANSITION_CHECKS)) == set()
    # when the official tries to cancel it, then it is refused and stays announced
    with pytest.raises(InvalidState):
        services.call_cancel(call=call, actor=official, **CANCEL_BODY)
    assert stored_status(call) == "announced"
    assert not status_changes(call).exists()


def test_an_anonymous_visitor_is_not_the_scheduler():
    # given an announced call past its deadline: the scheduler (actor None) may close it
    call = call_in_state("announced")
    # when an anonymous visitor (not None) tries, then it is refused
    with pytest.raises(NotAllowed):
        services.call_transition(call=call, name="close", actor=AnonymousUser())
    assert stored_status(call) == "announced"


def test_a_refused_announcement_leaves_no_document_behind(official, settings, tmp_path):
    # given an already announced call and a media outlet that would be told of an announcement
    settings.MEDIA_ROOT = str(tmp_path)
    MediaOutletFactory()
    call = call_in_state("announced")
    documents = StoredDocument.objects.count()
    # when the official tries to announce it again
    with pytest.raises(InvalidState):
        services.call_announce(call=call, actor=official)
    # then no document row and no file were left behind, and no notice was written
    assert StoredDocument.objects.count() == documents
    assert [p for p in Path(tmp_path).rglob("*") if p.is_file()] == []
    assert not OutboxMessage.objects.exists()


# --- the same matrix through the REST API --------------------------------------------------------------


def _api(user):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("state", "transition", "role"), _cells(API_ROLES))
def test_api_runs_exactly_the_transitions_in_the_table(state, transition, role, user_of_role):
    # given a call in `state` and a client of `role`
    call = call_in_state(state)
    user = user_of_role(role)
    body = CANCEL_BODY if transition == "cancel" else {}
    target = EXPECTED[transition][2]

    # when the client posts the transition
    response = _api(user).post(f"/api/v1/calls/{call.pk}/{transition}/", body, format="json")
    data = response.json()

    if state_allows(transition, state) and role_may(transition, role):
        # then it answers the new representation, with what the user may do next
        assert response.status_code == 200, data
        assert data["id"] == call.pk
        assert data["status"] == target
        assert set(data["available_transitions"]) == expected_available(
            target, role, deadline_passed=transition != "announce"
        )
        assert stored_status(call) == target
        assert status_changes(call).get().actor == user
        return

    # then a refusal is a JSON error with a stable code and a message
    if not role_may(transition, role):
        expected = {403, 404} if (state == "draft" and role not in STAFF) else {403}
    else:
        expected = {409}
    assert response.status_code in expected, data
    assert isinstance(data.get("code"), str) and data["code"]
    assert isinstance(data.get("message"), str) and data["message"].strip()
    # and nothing changed
    assert stored_status(call) == state
    assert not status_changes(call).exists()
