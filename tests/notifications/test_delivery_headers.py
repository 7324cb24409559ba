"""What a delivered notice looks like to its recipient: the sender's name and the subject, in Polish,
decode to exactly what was written (encoded once by delivery, not by Django), whatever their length;
text and HTML alternatives; no attachment unless the notice has one."""

import pytest
from django.conf import settings

from notifications.models import OutboxMessage
from notifications.services import outbox_deliver

pytestmark = pytest.mark.django_db

SUBJECTS = [
    "Plain ASCII subject",
    "Wyniki otwartego konkursu ofert — Zdrowe Zabrze 2026",
    "Zażółć gęślą jaźń:" + " długi temat wiadomości o konkursie na zadanie publiczne" * 4,
]


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_subject_and_sender_decode_to_what_was_written(mailbox, subject, settings):
    settings.DEFAULT_FROM_EMAIL = '"Centrum Organizacji Pozarządowych, Urząd Miasta" <cop@pozytek.local>'
    message = OutboxMessage.objects.create(
        event="x",
        recipient="osoba@example.org",
        subject=subject,
        body_text="Treść wiadomości.",
        body_html="<p>Treść wiadomości.</p>",
        dedupe_key=f"test-headers:{len(subject)}",
    )

    assert outbox_deliver(message_id=message.pk) == "sent"

    (mail,) = mailbox.to("osoba@example.org")
    assert str(mail["Subject"]).strip() == subject  # (Django folds the subject to a line of its own: a space)
    assert mail["From"].addresses[0].display_name == "Centrum Organizacji Pozarządowych, Urząd Miasta"
    assert mail["From"].addresses[0].addr_spec == "cop@pozytek.local"
    assert mail["Message-ID"] == message.message_id
    assert mail.get_body(preferencelist=("plain",)).get_content().strip() == "Treść wiadomości."
    assert "Treść wiadomości." in mail.get_body(preferencelist=("html",)).get_content()
    assert not list(mail.iter_attachments())


def test_the_default_sender_is_sent_as_configured(mailbox):
    message = OutboxMessage.objects.create(
        event="x", recipient="ktos@example.org", subject="S", body_text="T", dedupe_key="test-headers-default"
    )
    assert outbox_deliver(message_id=message.pk) == "sent"
    (mail,) = mailbox.to("ktos@example.org")
    assert mail["From"] == settings.DEFAULT_FROM_EMAIL
