"""The report's state machine as a table: every state × every transition × every role (official,
approver, member of the organisation, member of another organisation, anonymous).

Written out from the issue and ARCHITECTURE.md, not derived from the code: members submit a draft
or a returned report; officials return a submitted report for correction or accept it.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from core.errors import InvalidState, NotAllowed
from core.transitions import available_transitions
from notifications.models import OutboxMessage
from reporting import services
from reporting.enums import ReportStatus
from reporting.models import Report
from reporting.rules import REPORT_TRANSITION_CHECKS
from tests.calls.helpers import status_changes
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.reporting.helpers import report

pytestmark = pytest.mark.django_db

STATES = [s.value for s in ReportStatus]
ROLES = ["official", "approver", "member", "other_member", "anonymous"]

# transition -> (states it starts from, roles that may run it, the state it leads to)
EXPECTED = {
    "submit": ({"draft", "returned"}, {"member"}, "submitted"),
    "return_for_correction": ({"submitted"}, {"official"}, "returned"),
    "accept": ({"submitted"}, {"official"}, "accepted"),
}
SERVICES = {
    "submit": lambda r, a: services.report_submit(report=r, actor=a),
    "return_for_correction": lambda r, a: services.report_return_for_correction(report=r, actor=a, comments="Popraw."),
    "accept": lambda r, a: services.report_accept(report=r, actor=a),
}


def actor(role, member):
    if role == "official":
        return UserFactory(roles=["official"])
    if role == "approver":
        return UserFactory(roles=["approver"])
    if role == "member":
        return member
    if role == "other_member":
        return make_ngo_member(OrganisationFactory())
    return AnonymousUser()


@pytest.mark.parametrize(
    ("state", "transition", "role"),
    [pytest.param(s, t, r, id=f"{s}-{t}-{r}") for s in STATES for t in EXPECTED for r in ROLES],
)
def test_the_services_run_exactly_the_transitions_in_the_table(state, transition, role):
    subject, member = report(state)
    user = actor(role, member)
    sources, roles, target = EXPECTED[transition]
    allowed = state in sources and role in roles

    assert (transition in available_transitions(subject, user, REPORT_TRANSITION_CHECKS)) is allowed
    if allowed:
        SERVICES[transition](subject, user)
        assert Report.objects.get(pk=subject.pk).status == target
        assert [c.transition for c in status_changes(subject)] == [transition]
    else:
        notices_before = OutboxMessage.objects.count()
        with pytest.raises((NotAllowed, InvalidState)):
            SERVICES[transition](subject, user)
        assert Report.objects.get(pk=subject.pk).status == state
        assert not status_changes(subject).exists()
        assert OutboxMessage.objects.count() == notices_before
