"""Announcing a call sends its notices for real: outbox rows → Celery worker on Redis → SMTP server.

Every test here uses the real pieces from tests/conftest.py: a ``celery worker`` child process on the
test database and the test Redis, and an aiosmtpd server in this process. Tests that need a worker
commit their data (transactional tests).
"""

import time
from collections import Counter
from email.utils import getaddresses

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from calls.enums import CallStatus
from calls.models import Call
from calls.services import call_announce
from core.errors import InvalidState
from core.models import StatusChange
from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver, outbox_sweep, outbox_write
from tests.conftest import wait_for
from tests.factories import CallFactory, MediaOutletFactory, OrganisationFactory

pytestmark = pytest.mark.celery

committed = pytest.mark.django_db(transaction=True)

TITLE = "Konkurs „Zdrowe Zabrze” — zajęcia sportowe dla dzieci i młodzieży"


def make_audience():
    """A call in sphere 17 and who should (and should not) hear of it; returns (call, expected recipients)."""
    call = CallFactory(title=TITLE)
    outlets = [MediaOutletFactory(), MediaOutletFactory()]
    MediaOutletFactory(active=False)
    MediaOutletFactory(wants_calls=False)
    organisations = [
        OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"]),
        OrganisationFactory(
            verified_at=timezone.now(), sphere_codes=["1", "17"]
        ),  # two spheres, one of them the call's: one notice
    ]
    OrganisationFactory(verified_at=timezone.now(), sphere_codes=["1"])  # another sphere
    OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"], wants_call_notices=False)  # opted out
    OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"], email="")  # nowhere to write to
    OrganisationFactory(sphere_codes=["17"])  # not verified yet: not in the public register
    return call, [o.email for o in outlets] + [o.email for o in organisations]


def recipients_of(mailbox):
    """How many messages each address received (exact addresses, not substrings)."""
    with mailbox.lock:
        messages = list(mailbox.messages)
    return Counter(addr.lower() for m in messages for _, addr in getaddresses(m.get_all("To", [])))


def assert_each_once(mailbox, expected, settle=1.5):
    """Wait for one message per expected recipient, then a little longer: still exactly one each."""
    wait_for(
        lambda: set(recipients_of(mailbox)) >= set(expected),
        timeout=30,
        message=f"a notice to each of {expected} (got {dict(recipients_of(mailbox))})",
    )
    time.sleep(settle)
    assert recipients_of(mailbox) == Counter({address: 1 for address in expected})


def all_rows_sent(count):
    rows = list(OutboxMessage.objects.all())
    return len(rows) == count and all(r.status == DeliveryStatus.SENT for r in rows)


def deliveries_received(worker):
    return [line for line in worker.log if "deliver_outbox_message" in line and "received" in line]


# --- 1a. The whole way round ------------------------------------------------------------------


@committed
def test_announcing_a_call_delivers_one_notice_to_each_media_outlet_and_organisation_in_its_sphere(
    celery_worker, mailbox, official
):
    call, expected = make_audience()

    call_announce(call=call, actor=official)

    assert_each_once(mailbox, expected)
    wait_for(lambda: all_rows_sent(len(expected)), timeout=10, message="every outbox row marked sent")

    rows = {row.recipient: row for row in OutboxMessage.objects.all()}
    assert set(rows) == set(expected)
    public_url = f"{settings.SITE_URL}/calls/{call.pk}/"
    message_ids = set()
    for message in mailbox.messages:
        (_, address), *_ = getaddresses(message.get_all("To"))
        row = rows[address]
        assert TITLE in message["Subject"]
        assert message["From"] == settings.DEFAULT_FROM_EMAIL
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        assert plain is not None and plain.get_content_type() == "text/plain"
        assert html is not None and html.get_content_type() == "text/html"
        assert TITLE in plain.get_content()
        assert public_url in plain.get_content()
        assert public_url in html.get_content()
        assert message["Message-ID"] == row.message_id
        message_ids.add(message["Message-ID"])
        assert row.status == DeliveryStatus.SENT
        assert row.attempts == 1
        assert row.sent_at is not None
        assert row.last_error == ""
    assert len(message_ids) == len(expected)


# --- 1b. Redis down during the announcement ---------------------------------------------------


@committed
def test_a_broker_outage_neither_blocks_the_announcement_nor_loses_its_notices(
    celery_worker, redis_server, mailbox, official
):
    call, expected = make_audience()

    redis_server.stop()
    try:
        started = time.monotonic()
        call_announce(call=call, actor=official)
        took = time.monotonic() - started

        assert Call.objects.get(pk=call.pk).status == CallStatus.ANNOUNCED
        assert StatusChange.objects.filter(object_id=call.pk, transition="announce").count() == 1
        rows = list(OutboxMessage.objects.all())
        assert sorted(r.recipient for r in rows) == sorted(expected)
        assert {r.status for r in rows} == {DeliveryStatus.PENDING}
        time.sleep(1)
        assert len(mailbox) == 0
    finally:
        if not redis_server.ping():
            redis_server.start()

    # The worker kept running through the outage and must reconnect; the sweeper re-enqueues.
    assert outbox_sweep() == len(expected)
    assert_each_once(mailbox, expected)
    wait_for(lambda: all_rows_sent(len(expected)), timeout=10, message="every outbox row marked sent")

    assert outbox_sweep() == 0
    time.sleep(1.5)
    assert recipients_of(mailbox) == Counter({address: 1 for address in expected})
    assert all(r.status == DeliveryStatus.SENT for r in OutboxMessage.objects.all())

    # Checked last so that the recovery above is exercised either way: the official's request must
    # not hang on a dead broker (the outbox keeps the notices; the sweeper hands them over later).
    assert took < 5, f"announcing took {took:.1f}s while Redis was down ({len(expected)} notices)"


# --- 1c. The same event twice -----------------------------------------------------------------


@committed
def test_the_same_event_fired_twice_gives_one_notice(celery_worker, mailbox, official):
    call, expected = make_audience()
    organisation = OrganisationFactory(verified_at=timezone.now(), sphere_codes=["2"], email="rada@ngo.example.org")
    notice = {
        "event": "call_reminder",
        "recipient": organisation.email,
        "template": "call_announced",
        "context": {"call": call, "task": call.task, "organisation": organisation},
        "dedupe_key": f"test-reminder:{call.pk}:{organisation.pk}",
    }

    first = outbox_write(**notice)
    second = outbox_write(**notice)

    assert first is not None
    assert second is None
    assert OutboxMessage.objects.filter(dedupe_key=notice["dedupe_key"]).count() == 1

    call_announce(call=call, actor=official)
    with pytest.raises(InvalidState):
        call_announce(call=call, actor=official)

    assert_each_once(mailbox, [*expected, organisation.email])
    assert OutboxMessage.objects.count() == len(expected) + 1
    assert StatusChange.objects.filter(object_id=call.pk, transition="announce").count() == 1


# --- 1d. SMTP refusals (delivered from this process) ------------------------------------------


def _one_notice(official):
    call = CallFactory(title=TITLE)
    outlet = MediaOutletFactory()
    call_announce(call=call, actor=official)  # not committed here: nothing is enqueued
    return OutboxMessage.objects.get(recipient=outlet.email)


@pytest.mark.django_db
def test_a_temporary_smtp_refusal_is_retried_and_then_delivered_once(mailbox, official):
    row = _one_notice(official)
    mailbox.refuse_with = "451 4.3.0 Try again later"

    result = outbox_deliver(message_id=row.pk)

    assert isinstance(result, tuple) and result[0] == "retry" and result[1] > 0
    row.refresh_from_db()
    assert row.status == DeliveryStatus.PENDING
    assert row.attempts == 1
    assert "451" in row.last_error and "Try again later" in row.last_error
    assert row.next_attempt_at is not None and row.next_attempt_at > timezone.now()
    assert len(mailbox) == 0
    assert outbox_sweep() == 0  # the sweeper respects the back-off

    mailbox.refuse_with = None
    assert outbox_deliver(message_id=row.pk) == "sent"

    row.refresh_from_db()
    assert row.status == DeliveryStatus.SENT
    assert row.attempts == 2
    assert row.last_error == ""
    assert recipients_of(mailbox) == Counter({row.recipient: 1})
    assert mailbox.messages[0]["Message-ID"] == row.message_id
    assert outbox_deliver(message_id=row.pk) == "skip"
    assert len(mailbox) == 1


@pytest.mark.django_db
def test_a_permanent_smtp_refusal_fails_the_notice_at_once(mailbox, official):
    row = _one_notice(official)
    mailbox.refuse_with = "550 5.1.1 No such user"

    assert outbox_deliver(message_id=row.pk) == "failed"

    row.refresh_from_db()
    assert row.status == DeliveryStatus.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error and "No such user" in row.last_error
    assert row.next_attempt_at is None
    mailbox.refuse_with = None
    assert outbox_sweep() == 0
    assert outbox_deliver(message_id=row.pk) == "skip"
    assert len(mailbox) == 0


@pytest.mark.django_db
def test_a_title_with_quotes_and_ampersand_reaches_the_subject_and_text_unescaped(mailbox, official):
    title = 'Sport & rekreacja: "Aktywne Zabrze" dla seniorów'
    call = CallFactory(title=title)
    outlet = MediaOutletFactory()
    organisation = OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"])
    call_announce(call=call, actor=official)

    for row in OutboxMessage.objects.all():
        assert outbox_deliver(message_id=row.pk) == "sent"

    assert set(recipients_of(mailbox)) == {outlet.email, organisation.email}
    for message in mailbox.messages:
        assert title in message["Subject"], message["Subject"]
        assert title in message.get_body(preferencelist=("plain",)).get_content()


# --- 1e. Nothing before commit ----------------------------------------------------------------


class RollBack(Exception):
    pass


@committed
def test_an_announcement_rolled_back_sends_nothing(celery_worker, mailbox, official):
    call, expected = make_audience()

    with pytest.raises(RollBack):
        with transaction.atomic():
            call_announce(call=call, actor=official)
            assert OutboxMessage.objects.count() == len(expected)  # written inside the transaction
            raise RollBack

    assert OutboxMessage.objects.count() == 0
    assert Call.objects.get(pk=call.pk).status == CallStatus.DRAFT
    assert not StatusChange.objects.filter(object_id=call.pk).exists()
    time.sleep(2)
    assert len(mailbox) == 0
    assert deliveries_received(celery_worker) == [], "a delivery was enqueued for a rolled-back change"

    # The worker was there all along: the same announcement, committed this time, is delivered.
    call_announce(call=Call.objects.get(pk=call.pk), actor=official)
    assert_each_once(mailbox, expected, settle=0.5)
    wait_for(lambda: deliveries_received(celery_worker), timeout=5, message="the worker's log of received deliveries")
