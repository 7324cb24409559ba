"""Publishing the results: everything in one transaction, one notice per applicant and one press note per
consenting media outlet delivered by a real worker to the SMTP server, and nothing twice."""

import time
from collections import Counter
from decimal import Decimal
from email.utils import getaddresses

import pytest
from django.conf import settings
from django.utils import timezone

from applications.enums import ApplicationStatus
from calls.enums import CallStatus
from calls.models import Call
from core.errors import DomainError, InvalidState, NotAllowed
from core.transitions import history
from evaluation.decisions import applicant_address, decision_prepare, results_publish
from evaluation.enums import EvaluationStatus
from evaluation.models import Decision, Evaluation
from notifications.enums import Channel, DeliveryStatus
from notifications.models import OutboxMessage, PressNote, PressNoteStatus
from notifications.press import press_note_approve
from organisations.models import Organisation
from tests.calls.helpers import pdf_text
from tests.conftest import wait_for
from tests.evaluation.results_world import Scored
from tests.factories import MediaOutletFactory

D = Decimal


def decided_world(*, automatic=False, **kwargs):
    """Three scored offers with decisions: awarded in full, partly, not at all; two outlets that want
    results, three that must not hear of them. ``automatic``: the call's press notes go out without review."""
    world = Scored(funds=D("10000.00"), **kwargs)
    Call.objects.filter(pk=world.call.pk).update(press_notes_automatic=automatic)
    world.call.press_notes_automatic = automatic
    full = world.add("6000.00", [45, 44, 46], title="Półkolonie nad wodą")
    partial = world.add("5000.00", [40, 41, 39], title="Turniej szachowy")
    refused = world.add("2000.00", [20, 21, 22], title="Festyn rodzinny")
    decision_prepare(
        actor=world.approver, application=full, awarded=True, amount=D("6000.00"), reason="Najwyżej oceniona."
    )
    decision_prepare(
        actor=world.approver, application=partial, awarded=True, amount=D("4000.00"), reason="Wyczerpanie środków."
    )
    decision_prepare(actor=world.approver, application=refused, awarded=False, reason="Brak środków.")
    world.outlets = [MediaOutletFactory(wants_results=True), MediaOutletFactory(wants_results=True)]
    MediaOutletFactory(active=False)
    MediaOutletFactory(wants_results=False)
    MediaOutletFactory(consent_at=None)
    return world


def recipients_of(mailbox):
    with mailbox.lock:
        messages = list(mailbox.messages)
    return Counter(addr.lower() for m in messages for _, addr in getaddresses(m.get_all("To", [])))


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


# --- One transaction ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_publishing_decides_every_offer_resolves_the_call_and_stores_the_documents_at_once():
    world = decided_world()
    full, partial, refused = world.offers

    results_publish(actor=world.approver, evaluation=world.evaluation)

    world.refresh()
    evaluation = world.evaluation
    assert evaluation.status == EvaluationStatus.PUBLISHED and evaluation.published_at is not None
    assert (full.status, full.awarded_amount) == (ApplicationStatus.AWARDED, D("6000.00"))
    assert (partial.status, partial.awarded_amount) == (ApplicationStatus.UPDATE_REQUIRED, D("4000.00"))
    assert (refused.status, refused.awarded_amount) == (ApplicationStatus.NOT_AWARDED, None)
    assert set(Decision.objects.values_list("published_at", flat=True)) == {evaluation.published_at}
    world.call.refresh_from_db()
    assert world.call.status == CallStatus.RESOLVED
    # each offer's history carries the decision and its reason
    change = history(partial)[-1]
    assert (change.transition, change.actor, change.reason) == (
        "award_partially",
        world.approver,
        "Wyczerpanie środków.",
    )
    assert change.data == {"amount": "4000.00", "requested": "5000.00"}
    # the results PDF: who gets how much, and the offers not chosen
    text = pdf_text(evaluation.results_document.read())
    assert "Wyniki otwartego konkursu ofert" in text
    assert "Półkolonie nad wodą" in text and "6 000,00 zł" in text
    assert "Turniej szachowy" in text and "4 000,00 zł" in text
    assert "Oferty niewybrane" in text and "Festyn rodzinny" in text
    # the committee's protocol was stored before the results went out
    protocol = pdf_text(evaluation.protocol_document.read())
    assert "Protokół z prac komisji konkursowej" in protocol and "Linia odcięcia" in protocol


@pytest.mark.django_db
def test_publishing_writes_one_notice_per_applicant_and_a_press_note_draft_that_an_approval_sends_to_each_outlet():
    world = decided_world()
    results_publish(actor=world.approver, evaluation=world.evaluation)

    rows = list(OutboxMessage.objects.all())
    applicants = [r for r in rows if r.event == "results_outcome"]
    assert sorted(r.recipient for r in applicants) == sorted(a.organisation.email for a in world.offers)
    assert len(rows) == len(applicants)  # the press note waits for an official's review
    note = PressNote.objects.get(call=world.call)
    assert note.status == PressNoteStatus.DRAFT
    assert world.call.title in note.subject and world.offers[0].organisation.name in note.body

    assert press_note_approve(actor=world.official, note=note) == len(world.outlets)

    press = list(OutboxMessage.objects.filter(event="results_published"))
    assert sorted(r.recipient for r in press) == sorted(o.email for o in world.outlets)
    assert all(r.channel == Channel.MEDIA and r.unsubscribe_url for r in press)


@pytest.mark.django_db
def test_a_call_with_automatic_press_notes_sends_one_to_each_consenting_outlet_at_publication():
    world = decided_world(automatic=True)
    results_publish(actor=world.approver, evaluation=world.evaluation)

    rows = list(OutboxMessage.objects.all())
    applicants = [r for r in rows if r.event == "results_outcome"]
    press = [r for r in rows if r.event == "results_published"]
    assert sorted(r.recipient for r in applicants) == sorted(a.organisation.email for a in world.offers)
    assert sorted(r.recipient for r in press) == sorted(o.email for o in world.outlets)
    assert all(r.channel == Channel.MEDIA for r in press)
    assert len(rows) == len(applicants) + len(press)
    note = PressNote.objects.get(call=world.call)
    assert note.status == PressNoteStatus.APPROVED and note.approved_by is None


@pytest.mark.django_db
def test_publishing_is_refused_until_every_scored_offer_has_a_decision_and_nothing_changes():
    world = Scored()
    decided = world.add("1000.00", [40])
    undecided = world.add("1000.00", [30], title="Bez decyzji")
    decision_prepare(actor=world.approver, application=decided, awarded=True, amount=D("1000"), reason="Dobra.")

    with pytest.raises(DomainError) as caught:
        results_publish(actor=world.approver, evaluation=world.evaluation)

    assert caught.value.code == "decisions_missing"
    assert any("Bez decyzji" in message for message in caught.value.errors["__all__"])
    world.refresh()
    assert world.evaluation.status == EvaluationStatus.CLOSED
    assert {decided.status, undecided.status} == {ApplicationStatus.SCORED}
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_only_the_approver_publishes(user_of_role):
    world = decided_world()
    for actor in (world.official, world.members[0].user, user_of_role("ngo_member")):
        with pytest.raises(NotAllowed):
            results_publish(actor=actor, evaluation=world.evaluation)
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == EvaluationStatus.CLOSED


@pytest.mark.django_db
def test_a_failure_half_way_leaves_nothing_published(monkeypatch):
    world = decided_world()

    def broken(evaluation):
        raise RuntimeError("WeasyPrint crashed")

    # the offers have been decided and the notices written when the results PDF fails
    monkeypatch.setattr("evaluation.documents.results_pdf", broken)
    with pytest.raises(RuntimeError):
        results_publish(actor=world.approver, evaluation=world.evaluation)

    world.refresh()
    world.call.refresh_from_db()
    assert world.evaluation.status == EvaluationStatus.CLOSED and world.evaluation.results_document is None
    assert world.evaluation.protocol_document is None
    assert world.call.status == CallStatus.IN_EVALUATION
    assert all(a.status == ApplicationStatus.SCORED for a in world.offers)
    assert not Decision.objects.filter(published_at__isnull=False).exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_results_of_a_cancelled_call_are_not_published():
    world = decided_world()
    Call.objects.filter(pk=world.call.pk).update(status=CallStatus.CANCELLED)
    with pytest.raises(InvalidState):
        results_publish(actor=world.approver, evaluation=world.evaluation)
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == EvaluationStatus.CLOSED


@pytest.mark.django_db
def test_one_address_per_applicant_the_organisation_then_the_offers_contact_then_an_admin():
    world = Scored()
    application = world.add("1000.00", [40])
    assert applicant_address(application) == application.organisation.email
    Organisation.objects.filter(pk=application.organisation_id).update(email="")
    application.refresh_from_db()
    assert applicant_address(application) == "anna@example.org"  # section II of the offer
    application.content = {**application.content, "contact": {"email": "to nie adres"}}
    assert applicant_address(application) == application.ngo_member.email  # the confirmed admin


@pytest.mark.django_db
def test_a_second_publication_is_refused_and_writes_nothing():
    world = decided_world()
    results_publish(actor=world.approver, evaluation=world.evaluation)
    count = OutboxMessage.objects.count()
    with pytest.raises(InvalidState):
        results_publish(actor=world.approver, evaluation=world.evaluation)
    assert OutboxMessage.objects.count() == count


# --- Delivered for real ----------------------------------------------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_each_applicant_one_notice_and_each_outlet_one_press_note_and_never_twice(
    celery_worker, mailbox
):
    world = decided_world(automatic=True)
    full, partial, refused = world.offers
    expected = [a.organisation.email for a in world.offers] + [o.email for o in world.outlets]

    results_publish(actor=world.approver, evaluation=world.evaluation)

    wait_for(
        lambda: set(recipients_of(mailbox)) >= set(expected),
        timeout=40,
        message=f"a message to each of {expected} (got {dict(recipients_of(mailbox))})",
    )
    time.sleep(1.5)
    assert recipients_of(mailbox) == Counter({address.lower(): 1 for address in expected})
    wait_for(
        lambda: all(r.status == DeliveryStatus.SENT for r in OutboxMessage.objects.all()),
        timeout=10,
        message="every outbox row marked sent",
    )

    messages = {getaddresses(m.get_all("To"))[0][1]: m for m in mailbox.messages}
    results_url = f"{settings.SITE_URL}/calls/{world.call.pk}/results/"
    partial_mail = body_of(messages[partial.organisation.email])
    assert "Turniej szachowy" in partial_mail and "4\u00a0000,00\u00a0zł" in partial_mail
    assert "Wyczerpanie środków." in partial_mail
    assert f"{settings.SITE_URL}/offers/{partial.pk}/update/" in partial_mail
    assert "Brak środków." in body_of(messages[refused.organisation.email])
    assert "Najwyżej oceniona." in body_of(messages[full.organisation.email])
    press = body_of(messages[world.outlets[0].email])
    for text in (world.call.title, full.organisation.name, "6\u00a0000,00\u00a0zł", partial.organisation.name):
        assert text in press
    assert results_url in press and f"{settings.SITE_URL}/calls/{world.call.pk}/results.pdf" in press
    press_mail = messages[world.outlets[0].email]
    assert press_mail["List-Unsubscribe"].strip().startswith(f"<{settings.SITE_URL}/media/unsubscribe/")
    assert press_mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe" not in messages[full.organisation.email]
    assert full.organisation.name not in body_of(messages[refused.organisation.email])  # each hears of its own

    # publishing again: refused, and nothing more is sent
    with pytest.raises(InvalidState):
        results_publish(actor=world.approver, evaluation=world.evaluation)
    time.sleep(2)
    assert recipients_of(mailbox) == Counter({address.lower(): 1 for address in expected})
    assert Evaluation.objects.get(pk=world.evaluation.pk).published_at < timezone.now()
