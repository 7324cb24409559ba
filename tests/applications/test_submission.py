"""Submitting and withdrawing an offer: the deadline on the server clock, one submission, who may."""

import datetime
import threading

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from applications import services
from applications.enums import ApplicationStatus
from applications.models import Application
from core.errors import DomainError, InvalidState, NotAllowed
from core.models import StatusChange
from notifications.models import OutboxMessage
from organisations.models import Membership
from tests.factories import CallFactory, OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

STATES = [s.value for s in ApplicationStatus]
# transition -> (states it may start from, who may run it)
EXPECTED = {
    "submit": ({"draft", "returned_for_correction"}, {"member"}),
    "withdraw": ({"submitted", "returned_for_correction", "formally_accepted"}, {"member"}),
}
ROLES = ["anonymous", "member", "other_member", "official", "approver"]


def open_call(**kwargs):
    published = timezone.now() - datetime.timedelta(days=2)
    kwargs.setdefault("offer_deadline", published + datetime.timedelta(days=25))
    return CallFactory(status="announced", published_bip_at=published, **kwargs)


def offer(call=None, status=ApplicationStatus.DRAFT):
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    application = Application.objects.create(
        call=call or open_call(), organisation=organisation, title="Wakacje w mieście", status=status
    )
    return application, member


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
    return services.application_withdraw(application=application, actor=user, reason="Rezygnujemy.")


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
        assert application.status == ("submitted" if transition == "submit" else "withdrawn")
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
