"""Writing notices to the outbox and delivering them (see ARCHITECTURE.md, "Side effects")."""

import logging
import smtplib
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .enums import Channel, DeliveryStatus
from .models import OutboxMessage

logger = logging.getLogger(__name__)

RETRY_DELAYS = [10, 30, 60, 300, 900, 1800]  # seconds; all below the broker's visibility timeout


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
    transaction.on_commit(partial(enqueue_delivery, message.pk), robust=True)
    return message


def enqueue_delivery(message_id):
    """Hand a message to Celery. A broker outage is logged, never raised: the sweeper retries."""
    from .tasks import deliver_outbox_message

    try:
        deliver_outbox_message.apply_async((message_id,), retry=False)
    except Exception:  # noqa: BLE001 - any broker failure; the row stays pending
        logger.warning("Could not enqueue outbox message %s; the sweeper will retry.", message_id, exc_info=True)


PERMANENT_SMTP_CODES = range(500, 600)


def _is_permanent(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code in PERMANENT_SMTP_CODES for code, _ in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code in PERMANENT_SMTP_CODES
    return False


def _send(message):
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.recipient],
        headers={"Message-ID": message.message_id, "X-Pozytek-Event": message.event},
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    mail.send(fail_silently=False)


def outbox_deliver(*, message_id):
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
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if _is_permanent(exc) or message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                message.status = DeliveryStatus.FAILED
                message.next_attempt_at = None
                message.save(update_fields=["attempts", "last_error", "status", "next_attempt_at"])
                logger.error("Notice %s failed for good: %s", message.pk, message.last_error)
                return "failed"
            delay = RETRY_DELAYS[min(message.attempts - 1, len(RETRY_DELAYS) - 1)]
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
    for pk in ids:
        enqueue_delivery(pk)
    return len(ids)
