"""Submitting and withdrawing an offer: the deadline on the server clock, one submission, who may."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from applications import services
from applications.enums import ApplicationStatus
from core.errors import DomainError, InvalidState, NotAllowed
from core.models import StatusChange
from notifications.models import OutboxMessage
from organisations.models import Membership
from tests.applications.helpers import all_met, offer, open_call
from tests.factories import CallFactory, OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

STATES = [s.value for s in ApplicationStatus]
# transition -> (states it may start from, who may run it)
EXPECTED = {
    "submit": ({"draft", "returned_for_correction"}, {"member"}),
    "withdraw": ({"submitted", "returned_for_correction", "formally_accepted"}, {"member"}),
    "accept_formally": ({"submitted"}, {"official"}),
    "return_for_correction": ({"submitted"}, {"official"}),
    "reject_formally": ({"submitted"}, {"official"}),
}
TARGET = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "accept_formally": "formally_accepted",
    "return_for_correction": "returned_for_correction",
    "reject_formally": "formally_rejected",
}
ROLES = ["anonymous", "member", "other_member", "official", "approver"]


def actor(role, application, member):
    return {
        "anonymous": None,
        "member": member,
        "other_member": make_ngo_member(OrganisationFactory(verified_at=timezone.now())),
        "official": UserFactory(roles=["official"]),
        "approver": UserFactory(roles=["approver"]),
    }[role]


def run(transition, application, user):
    if transition == "submit":
        return services.application_submit(application=application, actor=user)
    if transition == "withdraw":
        return services.application_withdraw(application=application, actor=user, reason="Rezygnujemy.")
    if transition == "accept_formally":
        return services.application_accept_formally(
            application=application, actor=user, checklist=all_met(application.call)
        )
    if transition == "return_for_correction":
        due = timezone.now() + datetime.timedelta(days=7)
        return services.application_return_for_correction(
            application=application, actor=user, defects=["Brak podpisu."], due=due
        )
    return services.application_reject_formally(application=application, actor=user, reason="Oferta po terminie.")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("transition", list(EXPECTED))
def test_offer_transition_matrix(transition, state, role):
    application, member = offer(status=state)
    user = actor(role, application, member)
    sources, roles = EXPECTED[transition]
    if state in sources and role in roles:
        run(transition, application, user)
        application.refresh_from_db()
        assert application.status == TARGET[transition]
        assert StatusChange.objects.filter(object_id=application.pk, transition=transition).count() == 1
    else:
        with pytest.raises((NotAllowed, InvalidState, DomainError)):
            run(transition, application, user)
        application.refresh_from_db()
        assert application.status == state
        assert not StatusChange.objects.filter(object_id=application.pk).exists()


def test_a_submission_one_second_before_the_deadline_is_accepted_and_confirmed():
    call = open_call()
    application, member = offer(call)
    UserFactory(roles=["official"])
    with time_machine.travel(call.offer_deadline - datetime.timedelta(seconds=1), tick=False):
        services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    assert application.status == "submitted"
    assert application.submitted_at == call.offer_deadline - datetime.timedelta(seconds=1)
    assert application.confirmation_number.endswith(f"/{call.pk}/{application.pk:05d}")
    confirmation = OutboxMessage.objects.get(event="application_submitted")
    assert confirmation.recipient == member.email
    assert application.confirmation_number in confirmation.subject
    assert OutboxMessage.objects.filter(event="application_received").count() == 1


@pytest.mark.parametrize("after", [datetime.timedelta(0), datetime.timedelta(seconds=1)])
def test_a_submission_at_or_after_the_deadline_is_refused_and_the_draft_kept(after):
    call = open_call()
    application, member = offer(call)
    with time_machine.travel(call.offer_deadline + after, tick=False), pytest.raises(DomainError) as refused:
        services.application_submit(application=application, actor=member)
    # the stored status still says "announced" (the beat has not closed it): the clock decides
    assert call.status == "announced"
    assert refused.value.code == "deadline_passed"
    application.refresh_from_db()
    assert application.status == "draft" and application.title == "Wakacje w mieście"
    assert not OutboxMessage.objects.exists()


def test_an_unverified_organisation_cannot_start_an_offer():
    organisation = OrganisationFactory()
    member = make_ngo_member(organisation)
    with pytest.raises(NotAllowed):
        services.application_create(actor=member, organisation=organisation, call=open_call(), title="Oferta")


def test_a_member_starts_an_offer_in_an_open_call_but_not_in_a_closed_one():
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    draft = services.application_create(actor=member, organisation=organisation, call=open_call(), title="Oferta")
    assert draft.status == "draft" and draft.created_by == member
    closed = CallFactory(status="closed")
    with pytest.raises(NotAllowed):
        services.application_create(actor=member, organisation=organisation, call=closed, title="Oferta")


@pytest.mark.django_db(transaction=True)
def test_two_submissions_at_the_same_moment_give_one():
    application, member = offer()
    Membership.objects.filter(user=member).update(role="admin")
    barrier = threading.Barrier(2)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            services.application_submit(application=application, actor=member)
            outcomes.append("submitted")
        except InvalidState:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["refused", "submitted"]
    assert StatusChange.objects.filter(object_id=application.pk, transition="submit").count() == 1
    assert OutboxMessage.objects.filter(event="application_submitted").count() == 1


def test_a_returned_offer_is_resubmitted_within_the_correction_window_even_after_the_call_deadline():
    call = open_call()
    application, member = offer(call, status="submitted")
    official = UserFactory(roles=["official"])
    due = call.offer_deadline + datetime.timedelta(days=7)
    with time_machine.travel(call.offer_deadline + datetime.timedelta(days=1), tick=False):
        services.application_return_for_correction(
            application=application, actor=official, defects=["Brak podpisu osoby upoważnionej.", " "], due=due
        )
        notice = OutboxMessage.objects.get(event="application_returned_for_correction")
        assert "Brak podpisu osoby upoważnionej." in notice.body_text
    with time_machine.travel(due - datetime.timedelta(seconds=1), tick=False):
        services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_correction_after_its_deadline_is_refused():
    application, member = offer(status="submitted")
    official = UserFactory(roles=["official"])
    due = timezone.now() + datetime.timedelta(days=7)
    services.application_return_for_correction(application=application, actor=official, defects=["Brak"], due=due)
    with time_machine.travel(due, tick=False), pytest.raises(DomainError) as refused:
        services.application_submit(application=application, actor=member)
    assert refused.value.code == "deadline_passed"
    application.refresh_from_db()
    assert application.status == "returned_for_correction"


@pytest.mark.parametrize(
    ("defects", "due_in", "field"),
    [([], datetime.timedelta(days=7), "defects"), (["Brak"], datetime.timedelta(seconds=-1), "due")],
)
def test_returning_needs_defects_and_a_future_deadline(defects, due_in, field):
    application, _ = offer(status="submitted")
    official = UserFactory(roles=["official"])
    with pytest.raises(DomainError) as refused:
        services.application_return_for_correction(
            application=application, actor=official, defects=defects, due=timezone.now() + due_in
        )
    assert field in refused.value.errors
    application.refresh_from_db()
    assert application.status == "submitted"


def test_a_formal_rejection_needs_a_reason_and_tells_the_members():
    application, member = offer(status="submitted")
    official = UserFactory(roles=["official"])
    with pytest.raises(DomainError):
        services.application_reject_formally(application=application, actor=official, reason=" ")
    services.application_reject_formally(application=application, actor=official, reason="Oferta niekompletna.")
    notice = OutboxMessage.objects.get(event="application_formally_rejected")
    assert notice.recipient == member.email and "Oferta niekompletna." in notice.body_text
