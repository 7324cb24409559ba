"""Reads and the one write of the officials' delivery dashboard."""

from functools import partial

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from core.errors import InvalidState
from core.transitions import record_change

from .enums import DeliveryStatus
from .models import OutboxMessage
from .services import enqueue_delivery


def notice_list(*, status="", event="", recipient=""):
    queryset = OutboxMessage.objects.all()
    if status:
        queryset = queryset.filter(status=status)
    if event:
        queryset = queryset.filter(event=event)
    if recipient:
        queryset = queryset.filter(recipient__icontains=recipient.strip())
    return queryset


def notice_events():
    return list(OutboxMessage.objects.order_by("event").values_list("event", flat=True).distinct())


def notice_counts():
    counts = dict.fromkeys(DeliveryStatus.values, 0)
    for row in OutboxMessage.objects.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def notice_retry(*, actor, message):
    """Send a failed notice again: back to pending with a fresh count of attempts, enqueued after
    commit (the sweeper picks it up if the broker is down). Effects: the row, a StatusChange row with
    who retried and the attempts and error before."""
    with transaction.atomic():
        locked = OutboxMessage.objects.select_for_update().get(pk=message.pk)
        if locked.status != DeliveryStatus.FAILED:
            raise InvalidState(_("Only a notice whose delivery failed can be sent again."))
        record_change(
            locked,
            transition="retry",
            from_state=DeliveryStatus.FAILED,
            to_state=DeliveryStatus.PENDING,
            actor=actor,
            data={"attempts": locked.attempts, "last_error": locked.last_error},
        )
        locked.status = DeliveryStatus.PENDING
        locked.attempts = 0
        locked.next_attempt_at = None
        locked.save(update_fields=["status", "attempts", "next_attempt_at"])
        transaction.on_commit(partial(enqueue_delivery, locked.pk), robust=True)
        return locked
