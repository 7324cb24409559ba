"""The agreement's state machine as a table: every state × every transition × every role (official,
approver, member of the agreement's organisation, member of another organisation, anonymous).

The expected table is written out from the issue, not derived from the code under test: officials
prepare and sign agreements, correct them before signing, settle and terminate them; the approver
and the organisation read; the organisation's part (bank account, signed file) is no transition.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from agreements import services
from agreements.enums import AgreementStatus
from agreements.models import Agreement
from agreements.rules import AGREEMENT_TRANSITION_CHECKS
from applications.enums import ApplicationStatus
from applications.models import Application
from core.errors import InvalidState, NotAllowed
from core.transitions import available_transitions, history
from notifications.models import OutboxMessage
from tests.agreements.helpers import agreement
from tests.factories import UserFactory, make_ngo_member

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

STATES = [s.value for s in AgreementStatus]
ROLES = ["official", "approver", "member", "other_member", "anonymous"]

# transition -> (the state it starts from, the state it leads to, what happens to the offer)
EXPECTED = {
    "mark_ready": ("draft", "ready", []),
    "reopen": ("ready", "draft", []),
    "sign": (
        "ready",
        "signed",
        [("contract", "awarded", "contracted"), ("start_realisation", "contracted", "in_realisation")],
    ),
    "settle": ("signed", "settled", [("settle", "reported", "settled")]),
    "terminate": ("signed", "terminated", [("terminate", "in_realisation", "terminated")]),
}
ALLOWED_ROLES = {"official"}


def run(transition, made, actor):
    if transition == "mark_ready":
        return services.agreement_mark_ready(agreement=made, actor=actor)
    if transition == "reopen":
        return services.agreement_reopen(agreement=made, actor=actor, reason="Poprawka")
    if transition == "sign":
        return services.agreement_sign(agreement=made, actor=actor, method="in_office", signed_on=timezone.localdate())
    if transition == "settle":
        return services.agreement_settle(agreement=made, actor=actor)
    return services.agreement_terminate(agreement=made, actor=actor, reason="Zadanie nie jest realizowane.")


def user_of(role, member):
    return {
        "official": lambda: UserFactory(roles=["official"]),
        "approver": lambda: UserFactory(roles=["approver"]),
        "member": lambda: member,
        "other_member": make_ngo_member,
        "anonymous": AnonymousUser,
    }[role]()


def snapshot(made):
    return (
        Agreement.objects.values_list("status", "document_id", "signed_at", "settled_at", "termination_reason").get(
            pk=made.pk
        ),
        Application.objects.values_list("status", flat=True).get(pk=made.application_id),
        len(history(made)),
        OutboxMessage.objects.count(),
    )


@pytest.mark.parametrize(
    ("state", "transition", "role"),
    [pytest.param(s, t, r, id=f"{s}-{t}-{r}") for s in STATES for t in EXPECTED for r in ROLES],
)
def test_the_services_run_exactly_the_transitions_in_the_table(state, transition, role):
    made, member = agreement(state)
    if state == "signed" and transition == "settle":
        # the final report was submitted: the offer waits for settlement
        Application.objects.filter(pk=made.application_id).update(status=ApplicationStatus.REPORTED)
    actor = user_of(role, member)
    source, target, offer_changes = EXPECTED[transition]
    allowed_now = available_transitions(made, actor, AGREEMENT_TRANSITION_CHECKS)

    if state == source and role in ALLOWED_ROLES:
        assert transition in allowed_now
        run(transition, made, actor)
        made.refresh_from_db()
        assert made.status == target
        assert [(c.transition, c.from_state, c.to_state, c.actor) for c in history(made)] == [
            (transition, source, target, actor)
        ]
        application = Application.objects.get(pk=made.application_id)
        assert [(c.transition, c.from_state, c.to_state) for c in history(application)] == offer_changes
        return

    assert transition not in allowed_now
    before = snapshot(made)
    expected_error = InvalidState if role in ALLOWED_ROLES else NotAllowed
    with pytest.raises((NotAllowed, InvalidState)) as refused:
        run(transition, made, actor)
    assert type(refused.value) is expected_error
    assert str(refused.value.message)
    assert snapshot(made) == before
