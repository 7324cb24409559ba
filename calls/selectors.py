"""Reads for the programme, tasks and calls; every query shape here is constant in the row count."""

import re

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from applications.enums import GRANTED_STATES

from .enums import CallStatus
from .models import AnnualProgramme, Call, PublicTask
from .rules import visible_calls_q


def programme_years():
    return list(AnnualProgramme.objects.order_by("-year").values_list("year", flat=True))


def programme_for_year(year):
    return AnnualProgramme.objects.filter(year=year).first()


def _natural(number):
    """Sort key for task numbers as people read them: 2 before 10, 1.2 before 1.10."""
    return [int(part) if part.isascii() and part.isdigit() else part for part in re.split(r"(\d+)", number or "")]


def programme_tasks(*, programme, user=None):
    """The programme's tasks in their numbered order, with sphere and the calls ``user`` may see.

    Two queries whatever the number of tasks.
    """
    calls = Call.objects.filter(visible_calls_q(user)).order_by("offer_deadline", "pk")
    granted = Q(calls__applications__status__in=GRANTED_STATES)
    tasks = (
        PublicTask.objects.filter(programme=programme)
        .annotate(awarded=Sum("calls__applications__awarded_amount", filter=granted))
        .select_related("sphere")
        .prefetch_related(Prefetch("calls", queryset=calls, to_attr="visible_calls"))
    )
    return sorted(tasks, key=lambda t: (_natural(t.number), t.pk))


def programme_totals(tasks):
    planned = sum((t.planned_funds for t in tasks), start=0)
    awarded = sum((t.awarded or 0 for t in tasks), start=0)
    return {"tasks": len(tasks), "planned_funds": planned, "awarded": awarded}


def open_calls(*, now=None):
    """Calls accepting offers now, soonest deadline first."""
    now = now or timezone.now()
    return list(
        Call.objects.filter(status=CallStatus.ANNOUNCED, offer_deadline__gt=now)
        .select_related("task__sphere", "task__programme")
        .order_by("offer_deadline")
    )


def call_list(*, user):
    return Call.objects.filter(visible_calls_q(user)).select_related("task__sphere", "task__programme")
