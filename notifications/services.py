"""Writing notices to the outbox and delivering them (see ARCHITECTURE.md, "Side effects")."""

import functools
import logging
import smtplib
import threading
import time
import uuid
from datetime import timedelta
from email.charset import BASE64, Charset
from email.header import Header
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from core.models import StoredDocument

from .enums import Channel, DeliveryStatus
from .models import OutboxAttachment, OutboxMessage, message_id_for

logger = logging.getLogger(__name__)

# Seconds between attempts; every one must stay below the broker's visibility timeout (3600 s), or a
# retried task is redelivered by Redis while it waits. The task may override them (CELERY_TASK_ANNOTATIONS).
RETRY_DELAYS = [10, 30, 60, 300, 900, 1800]


def outbox_write(
    *,
    event,
    recipient,
    template,
    context,
    dedupe_key,
    channel=Channel.EMAIL,
    language="pl",
    unsubscribe_url="",
    attachments=(),
):
    """Render a notice and write it to the outbox inside the caller's transaction.

    Renders ``notifications/<template>_subject.txt``, ``_body.txt`` and ``_body.html`` in
    ``language``. ``unsubscribe_url`` is sent as List-Unsubscribe; ``attachments`` are
    ``(filename, StoredDocument)`` pairs, sent as PDF files. A second write with the same
    ``dedupe_key`` writes nothing. The delivery task is enqueued after commit; if the broker is down
    the row stays pending for the sweeper. Returns the message, or ``None`` when the key was already used.
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
                unsubscribe_url=unsubscribe_url,
            )
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(message=message, document=document, filename=filename)
                for filename, document in attachments
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


# Headers with non-ASCII text (the sender's name, most subjects) are given to Django already encoded (RFC 2047,
# base64, on one line): Django would encode them with the "shortest of base64 and quoted-printable" rule of
# Python's email package, which measures the quoted-printable length byte by byte, on every message, twice
# for the sender. It was the largest single cost of a delivery. The result decodes to the same text.
_UTF8_BASE64 = Charset("utf-8")
_UTF8_BASE64.header_encoding = BASE64


@functools.lru_cache(maxsize=256)
def _header(value):
    """``value`` as an ASCII header value: itself when ASCII, else encoded words on one line."""
    if value.isascii():
        return value
    return Header(value, _UTF8_BASE64).encode(linesep=" ")


@functools.lru_cache(maxsize=16)
def _sender(from_email):
    """``(envelope address, From header)`` for a sender such as ``Name <address>``."""
    name, address = parseaddr(from_email)
    if "@" not in address:  # not "Name <address>": left to Django, as it was
        return from_email, from_email
    # One encoded word for a non-ASCII name (split words would decode with a space between them in a name).
    return address, formataddr((name, address), charset=_UTF8_BASE64)


class _Mail(EmailMultiAlternatives):
    """Django's message with its MIME boundaries chosen here: Python's email package would compile a regular
    expression for each random boundary it makes (to check the text does not contain it), on every message.
    A boundary with 128 random bits cannot occur in the text by chance."""

    def message(self):
        message = super().message()
        for part in message.walk():
            if part.is_multipart() and part.get_boundary() is None:
                part.set_boundary(f"=_pozytek_{uuid.uuid4().hex}")
        return message


def _send(content, files):
    """Send one message (``content`` as read by :func:`_contents`; ``files``: document id -> bytes)."""
    envelope_from, from_header = _sender(settings.DEFAULT_FROM_EMAIL)
    mail = _Mail(
        subject=_header(content["subject"]),
        body=content["body_text"],
        from_email=envelope_from,
        to=[content["recipient"]],
        headers={
            "From": from_header,
            "Message-ID": message_id_for(content["dedupe_key"]),
            "X-Pozytek-Event": content["event"],
        },
        connection=_smtp_connection(),
    )
    if content["unsubscribe_url"]:  # media outlets: one-click unsubscribe (RFC 2369, RFC 8058)
        mail.extra_headers["List-Unsubscribe"] = f"<{content['unsubscribe_url']}>"
        mail.extra_headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if content["body_html"]:
        mail.attach_alternative(content["body_html"], "text/html")
    for filename, content_type, document_id in content["attachments"]:
        mail.attach(filename, files[document_id], content_type)
    mail.send(fail_silently=False)


# What delivery reads of a message. All of it is written with the row (and its attachments) in one transaction
# and never changed afterwards, so it is read once for a whole batch, without a lock; the lock taken per
# message (below) re-checks that the message is still pending.
CONTENT_FIELDS = ("pk", "event", "recipient", "subject", "body_text", "body_html", "dedupe_key", "unsubscribe_url")
ATTACHMENT_FIELDS = ("attachments__filename", "attachments__content_type", "attachments__document")


def _contents(message_ids):
    """The content of the pending messages among ``message_ids`` in one query, as ``{pk: dict}`` with each
    message's ``attachments`` as ``[(filename, content_type, document id)]``."""
    contents = {}
    rows = (
        OutboxMessage.objects.filter(pk__in=message_ids, status=DeliveryStatus.PENDING)
        .order_by("pk", "attachments__pk")
        .values_list(*CONTENT_FIELDS, *ATTACHMENT_FIELDS)
    )
    size = len(CONTENT_FIELDS)
    for row in rows:
        content = contents.get(row[0])
        if content is None:
            content = contents[row[0]] = dict(zip(CONTENT_FIELDS, row[:size], strict=True))
            content["attachments"] = []
        if row[size] is not None:
            content["attachments"].append(row[size:])
    return contents


def _files(contents):
    """Every document the messages attach, each read once: document id -> its bytes, or the exception
    reading it raised (the attempts of the messages that attach it fail with that error, and are retried)."""
    ids = {document_id for content in contents for _, _, document_id in content["attachments"]}
    files = {}
    for pk, document in StoredDocument.objects.in_bulk(ids).items() if ids else ():
        try:
            files[pk] = document.read()
        except Exception as exc:  # noqa: BLE001 - any storage error; recorded on each message that attaches it
            files[pk] = exc
    return files


# The two statements of every delivery, in SQL: building them with the ORM cost more than running them. The lock
# is what ``select_for_update(skip_locked=True)`` emits: a row another worker holds is skipped, not waited for.
# (The table is OutboxMessage's; a test checks the name.)
_LOCK_SQL = (
    'SELECT "attempts" FROM "notifications_outboxmessage" WHERE "id" = %s AND "status" = %s FOR UPDATE SKIP LOCKED'
)


def _lock_sql():
    """The lock statement; SQLite (``make run``'s embedded default, one writer at a time, tasks run
    in-process) has no row locks, so there it is the plain SELECT."""
    if connection.features.has_select_for_update_skip_locked:
        return _LOCK_SQL
    return _LOCK_SQL.removesuffix(" FOR UPDATE SKIP LOCKED")


_SENT_SQL = (
    'UPDATE "notifications_outboxmessage" SET "attempts" = %s, "status" = %s, "sent_at" = %s, "last_error" = \'\', '
    '"next_attempt_at" = NULL WHERE "id" = %s'
)


def _deliver_one(content, files, retry_delays):
    """Lock the message, send it, mark it sent — in one transaction (see :func:`outbox_deliver`)."""
    pk = content["pk"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_lock_sql(), [pk, DeliveryStatus.PENDING])
        row = cursor.fetchone()
        if row is None:  # sent or failed meanwhile, or locked by a worker sending it now
            return "skip"
        attempts = row[0] + 1
        try:
            for _, _, document_id in content["attachments"]:
                file = files.get(document_id, StoredDocument.DoesNotExist(f"document {document_id}"))
                if isinstance(file, Exception):
                    raise file
            _send(content, files)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded on the row
            _drop_smtp_connection()  # its state is unknown after an error: the next attempt opens a new one
            error = f"{type(exc).__name__}: {exc}"[:2000]
            pending = OutboxMessage.objects.filter(pk=pk)
            if _is_permanent(exc) or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                pending.update(attempts=attempts, last_error=error, status=DeliveryStatus.FAILED, next_attempt_at=None)
                logger.error("Notice %s failed for good: %s", pk, error)
                return "failed"
            delay = retry_delays[min(attempts - 1, len(retry_delays) - 1)]
            pending.update(
                attempts=attempts, last_error=error, next_attempt_at=timezone.now() + timedelta(seconds=delay)
            )
            return ("retry", delay)
        cursor.execute(_SENT_SQL, [attempts, DeliveryStatus.SENT, timezone.now(), pk])
        return "sent"


def outbox_deliver_many(message_ids, *, retry_delays=RETRY_DELAYS):
    """Deliver a batch of messages, each in its own transaction; returns each one's result, in order.

    One query reads the content of the batch's pending messages (and the documents they attach are
    read once); then each message is delivered as :func:`outbox_deliver` says. A message sent
    meanwhile by another worker is skipped: its lock fails or it is no longer pending.
    """
    message_ids = list(message_ids)
    contents = _contents(message_ids)
    files = _files(contents.values())
    return [_deliver_one(contents[pk], files, retry_delays) if pk in contents else "skip" for pk in message_ids]


def outbox_deliver(*, message_id, retry_delays=RETRY_DELAYS):
    """Deliver one pending message: lock it, send, mark sent — in one transaction.

    Returns ``"sent"``, ``"skip"`` (already sent, failed, or being sent by another worker),
    ``"retry"`` with a delay in seconds as ``("retry", delay)``, or ``"failed"``.
    Holding the row lock while sending means two workers never send the same row at once, and a
    worker killed mid-send leaves the row pending (at-least-once, with a stable Message-ID). Each
    message is marked sent in its own transaction, committed before the next one is sent: a crash
    re-sends at most the one message whose data the server had accepted when the worker died.
    """
    (result,) = outbox_deliver_many([message_id], retry_delays=retry_delays)
    return result


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
