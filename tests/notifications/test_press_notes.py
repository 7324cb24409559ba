"""Results press notes: drafted at publication, reviewed and approved by an official, then one message
per consenting active outlet that wants results; automatic when the call says so."""

import pytest
from django.test import Client

from calls.models import Call
from core.errors import InvalidState
from core.models import StatusChange
from evaluation.decisions import results_publish
from notifications.enums import Channel, DeliveryStatus
from notifications.models import OutboxMessage, PressNote, PressNoteStatus
from notifications.press import press_note_approve
from notifications.services import outbox_deliver
from tests.evaluation.test_publish import decided_world
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db


def published(**kwargs):
    world = decided_world(**kwargs)
    results_publish(actor=world.approver, evaluation=world.evaluation)
    return world


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_official_sees_the_draft_with_its_generated_text_and_the_outlets_it_will_go_to():
    world = published()
    note = PressNote.objects.get(call=world.call)
    page = logged_in(world.official).get("/panel/press-notes/")
    assert page.status_code == 200 and note.subject in page.content.decode()
    detail = logged_in(world.official).get(f"/panel/press-notes/{note.pk}/").content.decode()
    assert world.offers[0].organisation.name in detail
    for outlet in world.outlets:
        assert outlet.name in detail
    assert not OutboxMessage.objects.filter(channel=Channel.MEDIA).exists()


def test_an_official_edits_then_approves_and_each_outlet_gets_the_edited_note_once():
    world = published()
    note = PressNote.objects.get(call=world.call)
    client = logged_in(world.official)

    saved = client.post(
        f"/panel/press-notes/{note.pk}/", {"subject": "Wyniki konkursu", "body": "Poprawiony tekst.", "action": "save"}
    )
    assert saved.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.body) == (PressNoteStatus.DRAFT, "Poprawiony tekst.")
    assert not OutboxMessage.objects.filter(channel=Channel.MEDIA).exists()

    approved = client.post(
        f"/panel/press-notes/{note.pk}/",
        {"subject": "Wyniki konkursu", "body": "Ostateczny tekst.", "action": "approve"},
    )
    assert approved.status_code == 302
    note.refresh_from_db()
    assert (note.status, note.approved_by) == (PressNoteStatus.APPROVED, world.official)
    press = list(OutboxMessage.objects.filter(event="results_published"))
    assert sorted(m.recipient for m in press) == sorted(o.email for o in world.outlets)
    for message in press:
        assert message.subject == "Wyniki konkursu"
        assert "Ostateczny tekst." in message.body_text and "Ostateczny tekst." in message.body_html
        assert message.unsubscribe_url and message.unsubscribe_url in message.body_text
    assert StatusChange.objects.filter(object_id=note.pk, transition="approve", actor=world.official).exists()

    # approving again sends nothing more
    with pytest.raises(InvalidState):
        press_note_approve(actor=world.official, note=note)
    assert OutboxMessage.objects.filter(event="results_published").count() == len(world.outlets)


def test_an_empty_text_is_refused_and_nothing_is_sent():
    world = published()
    note = PressNote.objects.get(call=world.call)
    response = logged_in(world.official).post(
        f"/panel/press-notes/{note.pk}/", {"subject": "Wyniki", "body": "", "action": "approve"}
    )
    assert response.status_code == 400
    assert PressNote.objects.get(pk=note.pk).status == PressNoteStatus.DRAFT
    assert not OutboxMessage.objects.filter(event="results_published").exists()


def test_a_call_with_automatic_press_notes_sends_at_publication_without_review():
    world = published(automatic=True)
    note = PressNote.objects.get(call=world.call)
    assert note.status == PressNoteStatus.APPROVED and note.approved_by is None
    assert OutboxMessage.objects.filter(event="results_published").count() == len(world.outlets)


def test_the_call_form_offers_the_choice(official):
    page = logged_in(official).get("/panel/calls/new/").content.decode()
    assert 'name="press_notes_automatic"' in page
    assert Call._meta.get_field("press_notes_automatic").default is False


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
def test_the_public_and_ngo_members_cannot_approve(role):
    world = published()
    note = PressNote.objects.get(call=world.call)
    client = Client() if role == "anonymous" else logged_in(make_ngo_member())
    response = client.post(f"/panel/press-notes/{note.pk}/", {"subject": "S", "body": "B", "action": "approve"})
    assert response.status_code == (302 if role == "anonymous" else 403)
    assert PressNote.objects.get(pk=note.pk).status == PressNoteStatus.DRAFT
    assert not OutboxMessage.objects.filter(event="results_published").exists()


def test_the_approved_note_carries_the_results_pdf_and_a_repeated_delivery_is_the_same_mail(mailbox):
    world = published()
    note = PressNote.objects.get(call=world.call)
    world.refresh()
    document = world.evaluation.results_document
    assert note.results_document == document

    press_note_approve(actor=world.official, note=note)

    message = OutboxMessage.objects.get(event="results_published", recipient=world.outlets[0].email)
    (attachment,) = message.attachments.all()
    assert (attachment.document, attachment.filename) == (document, f"wyniki-konkursu-{world.call.pk}.pdf")
    assert outbox_deliver(message_id=message.pk) == "sent"
    assert outbox_deliver(message_id=message.pk) == "skip"  # sent: never again
    # A crash after the server accepted the data and before the row was marked sent: delivered again, the
    # same mail (Message-ID, headers, file) the recipient can recognise.
    OutboxMessage.objects.filter(pk=message.pk).update(status=DeliveryStatus.PENDING)
    assert outbox_deliver(message_id=message.pk) == "sent"

    first, again = mailbox.to(world.outlets[0].email)
    for mail in (first, again):
        assert mail["Message-ID"] == message.message_id
        assert mail["List-Unsubscribe"].strip() == f"<{message.unsubscribe_url}>"
        (part,) = list(mail.iter_attachments())
        assert part.get_content_type() == "application/pdf"
        assert part.get_filename() == f"wyniki-konkursu-{world.call.pk}.pdf"
        assert part.get_content() == document.read() and part.get_content().startswith(b"%PDF")


def test_a_missing_results_file_fails_the_attempt_and_the_note_is_retried_not_sent_without_it(mailbox):
    world = published()
    note = PressNote.objects.get(call=world.call)
    press_note_approve(actor=world.official, note=note)
    message = OutboxMessage.objects.get(event="results_published", recipient=world.outlets[0].email)
    world.refresh()
    world.evaluation.results_document.file.delete(save=False)

    result = outbox_deliver(message_id=message.pk)

    assert isinstance(result, tuple) and result[0] == "retry"
    message.refresh_from_db()
    assert (message.status, message.attempts) == (DeliveryStatus.PENDING, 1)
    assert message.last_error
    assert not mailbox.to(world.outlets[0].email)
