"""Writing notices to the outbox and delivering them (see ARCHITECTURE.md, "Side effects")."""

import logging
import smtplib
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .enums import Channel, DeliveryStatus
from .models import OutboxMessage

logger = logging.getLogger(__name__)

# Seconds between attempts; every one must stay below the broker's visibility timeout (3600 s), or a
# retried task is redelivered by Redis while it waits. The task may override them (CELERY_TASK_ANNOTATIONS).
RETRY_DELAYS = [10, 30, 60, 300, 900, 1800]


def outbox_write(*, event, recipient, template, context, dedupe_key, channel=Channel.EMAIL, language="pl"):
    """Render a notice and write it to the outbox inside the caller's transaction.

    Renders ``notifications/<template>_subject.txt``, ``_body.txt`` and ``_body.html`` in
    ``language``. A second write with the same ``dedupe_key`` writes nothing. The delivery task is
    enqueued after commit; if the broker is down the row stays pending for the sweeper.
    Returns the message, or ``None`` when the key was already used.
    """
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        subject = " ".join(render_to_string(f"notifications/{template}_subject.txt", context).split())
        body_text = render_to_string(f"notifications/{template}_body.txt", context)
        body_html = render_to_string(f"notifications/{template}_body.html", context)
    try:
        with transaction.atomic():
            message = OutboxMessage.objects.create(
                channel=channel,
                event=event,
                recipient=recipient,
                subject=subject[:300],
                body_text=body_text,
                body_html=body_html,
                dedupe_key=dedupe_key,
            )
    except IntegrityError:
        return None
    enqueue_after_commit(message.pk)
    return message


def enqueue_delivery(message_id):
    """Hand a message to Celery. A broker outage is logged, never raised: the sweeper retries."""
    from .tasks import deliver_outbox_message

    try:
        deliver_outbox_message.apply_async((message_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the row stays pending
        logger.warning("Could not enqueue outbox message %s; the sweeper will retry.", message_id, exc_info=True)


# An event that tells many people (results to every applicant, a call to every organisation of a sphere)
# writes many rows in one transaction: their deliveries go to Celery in tasks of up to BATCH_SIZE ids, so
# the per-task cost (broker round trips, acknowledgement) is paid once per batch. Each message is still
# delivered in its own transaction with its own row lock, so a crash mid-batch loses nothing and re-sends
# nothing already marked sent (the redelivered batch skips those).
BATCH_SIZE = 20


def enqueue_deliveries(message_ids):
    """Hand messages to Celery in batches; a broker outage is logged, never raised (the sweeper retries)."""
    from .tasks import deliver_outbox_messages

    message_ids = list(message_ids)
    for start in range(0, len(message_ids), BATCH_SIZE):
        batch = message_ids[start : start + BATCH_SIZE]
        try:
            deliver_outbox_messages.apply_async((batch,), retry=False)
        except Exception:  # noqa: BLE001 - any broker failure; the rows stay pending
            logger.warning("Could not enqueue outbox messages %s; the sweeper will retry.", batch, exc_info=True)


class _AfterCommit:
    """The outbox messages written in the current transaction, enqueued together once it commits."""

    def __init__(self):
        self.ids = []

    def __call__(self):
        ids, self.ids = self.ids, []
        enqueue_deliveries(ids)


def enqueue_after_commit(message_id):
    """Enqueue the message's delivery once the current transaction commits (at once outside one)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        enqueue_deliveries([message_id])
        return
    pending = getattr(connection, "_outbox_after_commit", None)
    # A rolled-back transaction (or savepoint) drops its on-commit callbacks: start a new batch then.
    if pending is None or not any(func is pending for _, func, _ in connection.run_on_commit):
        pending = connection._outbox_after_commit = _AfterCommit()
        transaction.on_commit(pending, robust=True)
    pending.ids.append(message_id)


PERMANENT_SMTP_CODES = range(500, 600)


def _is_permanent(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code in PERMANENT_SMTP_CODES for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code in PERMANENT_SMTP_CODES
    return False


# One SMTP connection per process and thread (a Celery pool child delivers many notices one after
# another), reused while the settings are the same; dropped after any error and after SMTP_IDLE_SECONDS of
# silence, and checked with NOOP when it has idled, so a connection the server closed is never used blindly.
# Other backends (files, locmem) get a connection of their own per message, as Django does by default.
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
SMTP_IDLE_SECONDS = 30
SMTP_CHECK_AFTER_SECONDS = 1
_smtp = threading.local()


def _smtp_settings_key():
    return (
        settings.EMAIL_BACKEND,
        settings.EMAIL_HOST,
        settings.EMAIL_PORT,
        settings.EMAIL_HOST_USER,
        settings.EMAIL_USE_TLS,
        settings.EMAIL_USE_SSL,
    )


def _drop_smtp_connection():
    connection, _smtp.connection, _smtp.key = getattr(_smtp, "connection", None), None, None
    if connection is not None:
        try:
            connection.close()
        except Exception:  # noqa: BLE001, S110 - closing a broken connection may fail; it is gone either way
            pass


def _smtp_connection():
    """This thread's open SMTP connection (a new one when needed); ``None`` for other mail backends."""
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return None
    key, now = _smtp_settings_key(), time.monotonic()
    connection = getattr(_smtp, "connection", None)
    if connection is not None:
        idle = now - _smtp.used_at
        alive = _smtp.key == key and idle < SMTP_IDLE_SECONDS
        if alive and idle > SMTP_CHECK_AFTER_SECONDS and getattr(connection, "connection", None) is not None:
            try:
                alive = connection.connection.noop()[0] == 250
            except (smtplib.SMTPException, OSError):
                alive = False
        if not alive:
            _drop_smtp_connection()
            connection = None
    if connection is None:
        connection = get_connection(fail_silently=False)
        connection.open()
        _smtp.connection, _smtp.key = connection, key
    _smtp.used_at = now
    return connection


def _send(message):
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id, "X-Pozytek-Event": message.event},
        connection=_smtp_connection(),
    )
    if message.unsubscribe_url:  # media outlets: one-click unsubscribe (RFC 2369, RFC 8058)
        mail.extra_headers["List-Unsubscribe"] = f"<{message.unsubscribe_url}>"
        mail.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    mail.send(fail_silently=False)


def outbox_deliver(*, message_id, retry_delays=RETRY_DELAYS):
    """Deliver one pending message: lock it, send, mark sent — in one transaction.

    Returns ``"sent"``, ``"skip"`` (already sent, failed, or being sent by another worker),
    ``"retry"`` with a delay in seconds as ``("retry", delay)``, or ``"failed"``.
    Holding the row lock while sending means two workers never send the same row at once, and a
    worker killed mid-send leaves the row pending (at-least-once, with a stable Message-ID).
    """
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=DeliveryStatus.PENDING)
            .first()
        )
        if message is None:
            return "skip"
        message.attempts += 1
        try:
            _send(message)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            _drop_smtp_connection()  # its state is unknown after an error: the next attempt opens a new one
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_permanent(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = DeliveryStatus.FAILED
                message.next_attempt_at = None
                message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                logger.error("Notice %s failed for good: %s", message.pk, message.last_error)
                return "failed"
            delay = retry_delays[min(message.attempts - 1, len(retry_delays) - 1)]
            message.next_attempt_at = timezone.now() + timedelta(seconds=delay)
            message.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            return ("retry", delay)
        message.status = DeliveryStatus.SENT
        message.sent_at = timezone.now()
        message.last_error = ""
        message.next_attempt_at = None
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", "next_attempt_at"])
        return "sent"


def outbox_sweep(*, limit=1000):
    """Re-enqueue pending messages the broker may have lost; returns how many were enqueued."""
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.OUTBOX_SWEEP_AFTER_SECONDS)
    ids = list(
        OutboxMessage.objects.filter(status=DeliveryStatus.PENDING, created_at__lte=cutoff)
        .exclude(next_attempt_at__gt=now)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    enqueue_deliveries(ids)
    return len(ids)
