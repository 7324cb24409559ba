"""Every transition of a small grant tried from every state by every role: it happens exactly when the
role may run it and the state allows it; otherwise nothing changes and the refusal says why."""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import InvalidState, NotAllowed
from core.roles import APPROVER, OFFICIAL
from core.transitions import available_transitions
from smallgrants import services
from smallgrants.enums import SmallGrantStatus as S
from smallgrants.rules import SMALL_GRANT_TRANSITION_CHECKS
from tests.calls.helpers import status_changes
from tests.clients import api_client
from tests.factories import UserFactory, make_ngo_member
from tests.smallgrants.helpers import small_grant

pytestmark = pytest.mark.django_db

STATES = [S.DRAFT, S.SUBMITTED, S.PUBLISHED, S.COMMENTS_CLOSED, S.CONTRACTED, S.REJECTED, S.WITHDRAWN]
ROLES = ["official", "approver", "member", "other_member", "anonymous"]

# transition -> (source states, target, roles that may run it)
TRANSITIONS = {
    "submit": ([S.DRAFT], S.SUBMITTED, {"member"}),
    "withdraw": ([S.DRAFT, S.SUBMITTED], S.WITHDRAWN, {"member"}),
    "publish": ([S.SUBMITTED], S.PUBLISHED, {"official", "approver"}),
    "close_comments": ([S.PUBLISHED], S.COMMENTS_CLOSED, {"official", "approver"}),
    "reject": ([S.SUBMITTED, S.COMMENTS_CLOSED], S.REJECTED, {"official", "approver"}),
}


def run(name, grant, actor):
    if name == "submit":
        return services.small_grant_submit(small_grant=grant, actor=actor)
    if name == "withdraw":
        return services.small_grant_withdraw(small_grant=grant, actor=actor)
    if name == "publish":
        return services.small_grant_publish(small_grant=grant, actor=actor)
    if name == "close_comments":
        return services.small_grant_close_comments(small_grant=grant, actor=actor)
    return services.small_grant_reject(small_grant=grant, actor=actor, reason="Zadanie nie jest celowe.")


def actor(role, member):
    if role == "official":
        return UserFactory(roles=[OFFICIAL])
    if role == "approver":
        return UserFactory(roles=[APPROVER])
    if role == "member":
        return member
    if role == "other_member":
        return make_ngo_member()
    return AnonymousUser()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_matrix(name, state, role):
    sources, target, roles = TRANSITIONS[name]
    grant, member = small_grant(state)
    user = actor(role, member)
    expected = state in sources and role in roles
    assert (name in available_transitions(grant, user, SMALL_GRANT_TRANSITION_CHECKS)) is expected
    if expected:
        changed = run(name, grant, user)
        assert changed.status == target
        [change] = status_changes(grant)
        assert (change.transition, change.from_state, change.to_state) == (name, state, target)
    else:
        with pytest.raises((NotAllowed, InvalidState)) as refused:
            run(name, grant, user)
        assert str(refused.value.message)
        grant.refresh_from_db()
        assert grant.status == state
        assert not status_changes(grant).exists()


def test_the_comments_cannot_be_closed_before_the_period_ends(official):
    from django.utils import timezone

    until = timezone.now() + timezone.timedelta(hours=1)
    grant, _member = small_grant(S.PUBLISHED, comments_until=until)
    assert "close_comments" not in available_transitions(grant, official, SMALL_GRANT_TRANSITION_CHECKS)
    with pytest.raises(NotAllowed) as refused:
        services.small_grant_close_comments(small_grant=grant, actor=official)
    assert timezone.localtime(until).strftime("%d.%m.%Y %H:%M") in str(refused.value.message)
    grant.refresh_from_db()
    assert grant.status == S.PUBLISHED


VISIBLE_TO_ALL = {S.PUBLISHED, S.COMMENTS_CLOSED, S.CONTRACTED}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_transition_matrix_over_the_api(name, state, role):
    sources, target, roles = TRANSITIONS[name]
    grant, member = small_grant(state)
    user = actor(role, member)
    client = api_client(None if role == "anonymous" else user)
    body = {"reason": "Zadanie nie jest celowe."} if name == "reject" else {}
    response = client.post(f"/api/v1/small-grants/{grant.pk}/{name}/", body, format="json")
    if state in sources and role in roles:
        assert response.status_code == 200 and response.json()["status"] == target
        return
    if role == "anonymous":
        assert response.status_code in (401, 403)
    elif state not in VISIBLE_TO_ALL and role == "other_member":
        assert response.status_code == 404
    else:
        assert response.status_code in (403, 409) and response.json()["message"]
    grant.refresh_from_db()
    assert grant.status == state and not status_changes(grant).exists()
