"""The press note on a call's results carries the results PDF stored at publication as an attachment:
delivered by a real worker to the SMTP server, once per outlet, with its List-Unsubscribe headers and
its stable Message-ID; the applicants' notices carry no file."""

import time
from collections import Counter

import pytest

from evaluation.decisions import results_publish
from notifications.enums import DeliveryStatus
from notifications.models import OutboxAttachment, OutboxMessage, PressNote
from tests.conftest import wait_for
from tests.evaluation.test_publish import decided_world, recipients_of

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def pdf_parts(message):
    return [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]


def test_each_outlet_receives_the_press_note_with_the_results_pdf_attached_once(celery_worker, mailbox):
    world = decided_world(automatic=True)
    applicants = [a.organisation.email for a in world.offers]
    outlets = [o.email for o in world.outlets]

    results_publish(actor=world.approver, evaluation=world.evaluation)

    wait_for(
        lambda: set(recipients_of(mailbox)) >= set(applicants + outlets),
        timeout=40,
        message=f"a message to each of {applicants + outlets} (got {dict(recipients_of(mailbox))})",
    )
    time.sleep(1.5)  # anything sent twice would show up now
    assert recipients_of(mailbox) == Counter({address.lower(): 1 for address in applicants + outlets})
    wait_for(
        lambda: not OutboxMessage.objects.exclude(status=DeliveryStatus.SENT).exists(),
        timeout=10,
        message="every outbox row marked sent",
    )

    world.refresh()
    stored = world.evaluation.results_document.read()
    assert PressNote.objects.get(call=world.call).results_document_id == world.evaluation.results_document_id
    for outlet in world.outlets:
        (mail,) = mailbox.to(outlet.email)
        row = OutboxMessage.objects.get(event="results_published", recipient=outlet.email)
        (part,) = pdf_parts(mail)
        assert part.get_filename() == f"wyniki-konkursu-{world.call.pk}.pdf"
        assert part.get_content_disposition() == "attachment"
        content = part.get_content()
        assert content.startswith(b"%PDF") and content == stored
        # the note itself is still there, as text and HTML, with what media outlets' mail always carries
        assert world.call.title in mail.get_body(preferencelist=("plain",)).get_content()
        assert mail.get_body(preferencelist=("html",)) is not None
        assert mail["Message-ID"] == row.message_id
        assert mail["List-Unsubscribe"].strip() == f"<{row.unsubscribe_url}>"
        assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    for address in applicants:
        (mail,) = mailbox.to(address)
        assert not list(mail.iter_attachments())
    assert OutboxAttachment.objects.count() == len(world.outlets)
