"""The officials' delivery dashboard: pending, sent and failed notices, what a person was sent, the
message as sent, and sending a failed one again (with who did it on record)."""

import pytest
from django.test import Client
from django.utils import timezone

from core.transitions import history
from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db


def notice(key, **fields):
    defaults = {
        "event": "call_announced",
        "recipient": "anna@example.org",
        "subject": f"Temat {key}",
        "body_text": f"Treść {key}",
        "body_html": f"<p>Treść {key}</p>",
        "dedupe_key": key,
    }
    return OutboxMessage.objects.create(**{**defaults, **fields})


@pytest.fixture
def notices():
    return {
        "pending": notice("p"),
        "sent": notice(
            "s", status=DeliveryStatus.SENT, sent_at=timezone.now(), attempts=1, recipient="jan@example.org"
        ),
        "failed": notice(
            "f",
            status=DeliveryStatus.FAILED,
            attempts=8,
            last_error="SMTPRecipientsRefused: 550 No such user",
            event="results_outcome",
        ),
    }


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_dashboard_lists_every_notice_with_attempts_and_last_error(official, notices):
    page = logged_in(official).get("/panel/notices/").content.decode()
    for message in notices.values():
        assert message.subject in page
    assert "550 No such user" in page


@pytest.mark.parametrize(
    "query, expected",
    [
        ("status=failed", {"failed"}),
        ("status=sent", {"sent"}),
        ("event=results_outcome", {"failed"}),
        ("recipient=JAN@example", {"sent"}),
        ("recipient=anna", {"pending", "failed"}),
    ],
)
def test_filters_by_status_event_and_what_a_person_was_sent(official, notices, query, expected):
    page = logged_in(official).get(f"/panel/notices/?{query}").content.decode()
    shown = {name for name, message in notices.items() if f">{message.subject}<" in page}
    assert shown == expected


def test_the_detail_shows_the_message_as_sent(official, notices):
    message = notices["sent"]
    page = logged_in(official).get(f"/panel/notices/{message.pk}/").content.decode()
    assert message.body_text in page and message.recipient in page
    assert message.message_id.strip("<>") in page
    assert "srcdoc=" in page  # the HTML part, shown in a sandboxed frame
    assert "/retry/" not in page  # only a failed notice can be sent again


def test_an_official_retries_a_failed_notice_and_it_is_delivered(
    official, notices, mailbox, django_capture_on_commit_callbacks
):
    failed = notices["failed"]
    client = logged_in(official)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        response = client.post(f"/panel/notices/{failed.pk}/retry/")
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts, failed.next_attempt_at) == (DeliveryStatus.PENDING, 0, None)
    assert len(enqueued) == 1  # the delivery is enqueued after commit
    change = history(failed)[-1]
    assert (change.transition, change.actor, change.from_state, change.to_state) == (
        "retry",
        official,
        "failed",
        "pending",
    )
    assert change.data == {"attempts": 8, "last_error": "SMTPRecipientsRefused: 550 No such user"}

    assert outbox_deliver(message_id=failed.pk) == "sent"
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.SENT and failed.last_error == ""
    assert [m["Subject"] for m in mailbox.messages] == [failed.subject]


def test_only_a_failed_notice_can_be_retried(official, notices):
    sent = notices["sent"]
    response = logged_in(official).post(f"/panel/notices/{sent.pk}/retry/")
    assert response.status_code in (400, 409)
    sent.refresh_from_db()
    assert sent.status == DeliveryStatus.SENT


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
def test_the_dashboard_is_closed_to_the_public_and_ngo_members(role, notices):
    client = Client() if role == "anonymous" else logged_in(make_ngo_member())
    failed = notices["failed"]
    for url in ["/panel/notices/", f"/panel/notices/{failed.pk}/"]:
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403)
        assert failed.body_text not in response.content.decode()
    response = client.post(f"/panel/notices/{failed.pk}/retry/")
    assert response.status_code == (302 if role == "anonymous" else 403)
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED
