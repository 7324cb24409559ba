"""Reminders about calls run by beat: the offer deadline is near (see ``calls.tasks``)."""

import datetime
import math

from django.db import transaction
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from notifications.preferences import wants
from notifications.services import outbox_write
from organisations.models import Membership

from .enums import CallStatus

DEADLINE_REMINDER_BEFORE = datetime.timedelta(days=3)


def deadline_reminders_write(*, now=None):
    """Remind organisations holding a draft offer in a call whose offer deadline is at most 3 days away.

    Each confirmed, active member with an e-mail of the organisation, unless they turned this notice
    off, gets one notice per draft offer (the outbox's dedupe key), however often beat runs; nothing once the deadline has passed or for a
    call that no longer accepts offers. Returns how many notices were written. Effects: outbox rows,
    one transaction per offer.
    """
    now = now or timezone.now()
    drafts = (
        Application.objects.filter(
            status=ApplicationStatus.DRAFT,
            call__status=CallStatus.ANNOUNCED,
            call__offer_deadline__gt=now,
            call__offer_deadline__lte=now + DEADLINE_REMINDER_BEFORE,
        )
        .select_related("call", "organisation")
        .order_by("call__offer_deadline", "pk")
    )
    written = 0
    for application in drafts:
        members = (
            Membership.objects.filter(
                organisation=application.organisation,
                confirmed_at__isnull=False,
                user__is_active=True,
            )
            .exclude(user__email="")
            .select_related("user")
            .order_by("pk")
        )
        left = application.call.offer_deadline - now
        with transaction.atomic():
            for membership in members:
                if not wants(membership.user, "deadline_reminder"):
                    continue
                message = outbox_write(
                    event="deadline_reminder",
                    recipient=membership.user.email,
                    template="deadline_reminder",
                    context={
                        "person": membership.user,
                        "organisation": application.organisation,
                        "application": application,
                        "call": application.call,
                        "days_left": math.ceil(left / datetime.timedelta(days=1)),
                    },
                    dedupe_key=f"deadline_reminder:{application.call_id}:{application.pk}:{membership.user_id}",
                )
                written += message is not None
    return written
