"""Preparing a draft agreement for an awarded offer or a small grant, and settling it."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement
from agreements.services import agreement_prepare, agreement_settle
from applications.enums import ApplicationStatus
from applications.models import Application
from core.errors import DomainError, InvalidState, NotAllowed
from core.transitions import history
from smallgrants.enums import SmallGrantStatus
from tests.agreements.helpers import agreement, resolved_call, small_grant
from tests.applications.helpers import offer

# Service messages are compared in English (the source strings); the pages show them in Polish (test_pages).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal


def awarded_offer(amount="850.00"):
    call = resolved_call()
    application, member = offer(call, status=ApplicationStatus.AWARDED)
    application.awarded_amount = D(amount)
    application.save(update_fields=["awarded_amount"])
    return application, member


def test_prepare_for_an_awarded_offer_fills_the_defaults(official):
    application, _member = awarded_offer()
    made = agreement_prepare(actor=official, application=application)

    call = application.call
    today = timezone.localdate()
    assert made.status == AgreementStatus.DRAFT
    assert made.organisation == application.organisation
    assert made.number == f"{today.year}/1"
    assert made.form == call.task.form
    assert made.task_title == application.title
    assert (made.realisation_start, made.realisation_end) == (call.realisation_start, call.realisation_end)
    assert made.grant_amount == D("850.00")
    assert made.allowed_shift_percent == call.allowed_cost_shift_percent
    assert made.offer_content == application.content
    tranches = list(made.tranches.all())
    assert [(t.number, t.amount, t.due_on) for t in tranches] == [(1, D("850.00"), today + datetime.timedelta(days=14))]
    [change] = history(made)
    assert (change.transition, change.to_state, change.actor) == ("prepare", "draft", official)


def test_numbers_follow_each_other_within_the_year(official):
    first = agreement_prepare(actor=official, application=awarded_offer()[0])
    second = agreement_prepare(actor=official, application=awarded_offer()[0])
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"{year}/1", f"{year}/2")


def test_offer_content_is_a_copy_frozen_at_preparation(official):
    application, _member = awarded_offer()
    made = agreement_prepare(actor=official, application=application)
    application.content["task"]["place"] = "Gdzie indziej"
    application.save(update_fields=["content"])
    made.refresh_from_db()
    assert made.offer_content["task"]["place"] == "Zabrze, Dom Kultury"


@pytest.mark.parametrize(
    "status", [ApplicationStatus.SCORED, ApplicationStatus.UPDATE_SUBMITTED, ApplicationStatus.NOT_AWARDED]
)
def test_prepare_refuses_an_offer_that_is_not_awarded(official, status):
    application, _member = offer(resolved_call(), status=status)
    with pytest.raises(DomainError, match="only for an awarded offer"):
        agreement_prepare(actor=official, application=application)
    assert not Agreement.objects.exists()


def test_prepare_refuses_a_second_agreement(official):
    application, _member = awarded_offer()
    agreement_prepare(actor=official, application=application)
    with pytest.raises(DomainError, match="already has an agreement"):
        agreement_prepare(actor=official, application=application)
    assert Agreement.objects.count() == 1


def test_only_officials_prepare(approver):
    application, member = awarded_offer()
    for actor in (approver, member):
        with pytest.raises(NotAllowed):
            agreement_prepare(actor=actor, application=application)
    assert not Agreement.objects.exists()


def test_prepare_for_a_small_grant(official):
    grant = small_grant()
    made = agreement_prepare(actor=official, small_grant=grant)
    assert made.simplified
    assert made.grant_amount == D("7500.00")
    assert made.allowed_shift_percent == D("10.00")
    assert (made.realisation_start, made.realisation_end) == (grant.realisation_start, grant.realisation_end)
    assert made.offer_content == {"description": "Festyn"}
    assert made.tranches.get().amount == D("7500.00")


def test_prepare_refuses_a_small_grant_still_open_for_comments(official):
    with pytest.raises(DomainError, match="comment period closed"):
        agreement_prepare(actor=official, small_grant=small_grant(SmallGrantStatus.PUBLISHED))
    assert not Agreement.objects.exists()


def test_settle_moves_the_agreement_and_the_offer(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    application = made.application
    Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.REPORTED)

    agreement_settle(agreement=made, actor=official)

    made.refresh_from_db()
    application.refresh_from_db()
    assert made.status == AgreementStatus.SETTLED and made.settled_at is not None
    assert application.status == ApplicationStatus.SETTLED
    assert [c.transition for c in history(made)] == ["settle"]
    assert [c.transition for c in history(application)] == ["settle"]


def test_settle_refused_while_the_offer_is_not_reported_changes_nothing(official):
    made, _member = agreement(AgreementStatus.SIGNED)  # the offer is still in realisation
    with pytest.raises(InvalidState):
        agreement_settle(agreement=made, actor=official)
    made.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED and made.settled_at is None
    assert history(made) == []


@pytest.mark.django_db(transaction=True)
def test_two_agreements_prepared_at_the_same_moment_get_different_numbers():
    import threading

    from django.db import connection

    from tests.factories import UserFactory

    official = UserFactory(roles=["official"])
    offers = [awarded_offer()[0], awarded_offer()[0]]
    barrier = threading.Barrier(2)
    numbers, errors = [], []

    def prepare(application):
        try:
            barrier.wait(timeout=10)
            numbers.append(agreement_prepare(actor=official, application=application).number)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=prepare, args=(application,)) for application in offers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    year = timezone.localdate().year
    assert errors == []
    assert sorted(numbers) == [f"{year}/1", f"{year}/2"]
