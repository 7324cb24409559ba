"""What an announcement must contain (art. 13 ust. 1–3) and what it states about past grants."""

from datetime import timedelta

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from applications.enums import GRANTED_STATES
from core.enums import LegalParameterKey
from core.errors import DomainError
from core.legal import legal_parameter

from .enums import CallStatus, TaskForm, statutory_criteria_for


def minimum_deadline(call):
    """The earliest offer deadline the law allows, or ``None`` until all three publications are dated.

    Art. 13 ust. 1: at least N days (a legal parameter, 21 today) from the last of the three
    publications — and never from before the call is announced here, so back-dated publication
    dates cannot shorten the period. Days are counted on the Warsaw wall clock, so a DST change in
    between neither shortens nor lengthens it. The parameter in force on that starting date applies.
    """
    last = call.last_publication_at
    if last is None:
        return None
    local = timezone.localtime(max(last, announcement_moment(call)))
    days = int(legal_parameter(LegalParameterKey.MIN_OFFER_PERIOD_DAYS, on=local.date()))
    naive = local.replace(tzinfo=None) + timedelta(days=days)
    return timezone.make_aware(naive)


def announcement_moment(call):
    """When the call was (or, for a draft, would now be) announced."""
    return call.announced_at or timezone.now()


def minimum_deadline_for_display(call):
    """:func:`minimum_deadline`, or ``None`` when no parameter covers the date (pages must still open)."""
    try:
        return minimum_deadline(call)
    except DomainError:
        return None


def announcement_problems(call):
    """Everything that stops ``call`` from being announced, as ``{field: [message, ...]}``."""
    problems = {}

    def add(field, message):
        problems.setdefault(field, []).append(message)

    required = {
        "title": _("Give the call a title."),
        "task_type": _("State the type of the task (art. 13 ust. 2 pkt 1)."),
        "funds": _("State the public funds allocated to the task (art. 13 ust. 2 pkt 2)."),
        "award_rules": _("State the rules for awarding grants (art. 13 ust. 2 pkt 3)."),
        "realisation_start": _("State when the task starts (art. 13 ust. 2 pkt 4)."),
        "realisation_end": _("State when the task ends (art. 13 ust. 2 pkt 4)."),
        "realisation_conditions": _("State the conditions for carrying out the task (art. 13 ust. 2 pkt 4)."),
        "offer_deadline": _("Set the offer deadline (art. 13 ust. 2 pkt 5)."),
        "procedure": _("Describe the procedure for choosing offers (art. 13 ust. 2 pkt 6)."),
        "decision_by": _("Set the date by which offers will be chosen (art. 13 ust. 2 pkt 6)."),
        "published_bip_at": _("Give the date of publication in the Public Information Bulletin (art. 13 ust. 3)."),
        "published_board_at": _("Give the date of posting on the notice board (art. 13 ust. 3)."),
        "published_website_at": _("Give the date of publication on the website (art. 13 ust. 3)."),
    }
    for field, message in required.items():
        value = getattr(call, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            add(field, message)

    if call.funds is not None and call.funds <= 0:
        add("funds", _("The funds allocated must be more than zero."))
    if call.realisation_start and call.realisation_end and call.realisation_end < call.realisation_start:
        add("realisation_end", _("The task cannot end before it starts."))
    if call.offer_deadline and call.decision_by and call.decision_by < timezone.localdate(call.offer_deadline):
        add("decision_by", _("Offers cannot be chosen before the offer deadline."))
    if call.pk:
        present = set(call.criteria.values_list("statutory", flat=True))
        for criterion in statutory_criteria_for(call.form if call.task_id else None):
            if criterion not in present:
                add(
                    "__all__",
                    _("The statutory criterion “%(name)s” (art. 15 ust. 1) is missing.") % {"name": criterion.label},
                )
    if call.task_id and call.form == TaskForm.SUPPORTING and call.max_grant_share_percent is None:
        add("max_grant_share_percent", _("In supporting, state the maximum share of the grant in the task's cost."))

    try:
        earliest = minimum_deadline(call)
    except DomainError as exc:  # no legal parameter covers the publication date (a mistyped year?)
        add("published_bip_at", exc.message)
        earliest = None
    if earliest is not None and call.offer_deadline is not None and call.offer_deadline < earliest:
        start = max(call.last_publication_at, announcement_moment(call))
        days = (timezone.localdate(earliest) - timezone.localdate(start)).days
        add(
            "offer_deadline",
            ngettext(
                "The offer deadline must be at least %(days)d day after the last publication: "
                "no earlier than %(earliest)s.",
                "The offer deadline must be at least %(days)d days after the last publication: "
                "no earlier than %(earliest)s.",
                days,
            )
            % {"days": days, "earliest": date_format(timezone.localtime(earliest), "DATETIME_FORMAT")},
        )
    if call.offer_deadline is not None and call.status == CallStatus.DRAFT and call.deadline_passed():
        add("offer_deadline", _("The offer deadline has already passed."))
    return problems


def same_type_grants(call):
    """Art. 13 ust. 2 pkt 7: grants for tasks of the same type (sphere) in the year of the announcement
    and the year before (by programme year).

    Computed from the system's own data: for each year, the funds allocated in announced calls of
    the same sphere and the grants awarded in them. Two queries.
    """
    from applications.models import Application

    from .models import Call

    year = timezone.localtime(announcement_moment(call)).year
    years = [year - 1, year]
    base = (
        Call.objects.filter(task__sphere_id=call.task.sphere_id, task__programme__year__in=years)
        .exclude(status__in=[CallStatus.DRAFT, CallStatus.CANCELLED])
        .exclude(pk=call.pk)
    )
    allocated = {
        row["task__programme__year"]: row
        for row in base.values("task__programme__year").annotate(calls=Count("pk"), allocated=Sum("funds"))
    }
    awarded = {
        row["call__task__programme__year"]: row
        for row in Application.objects.filter(call__in=base, status__in=GRANTED_STATES)
        .values("call__task__programme__year")
        .annotate(grants=Count("pk"), awarded=Sum("awarded_amount", filter=Q(awarded_amount__isnull=False)))
    }
    result = []
    for y in years:
        a = allocated.get(y, {})
        w = awarded.get(y, {})
        result.append(
            {
                "year": y,
                "calls": a.get("calls", 0),
                "allocated": a.get("allocated") or 0,
                "grants": w.get("grants", 0),
                "awarded": w.get("awarded") or 0,
            }
        )
    return result
