"""Reads for reports and returns: the officials' lists and the organisation's list."""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q
from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement

from .enums import ReportKind, ReportStatus
from .models import FundsReturn, Report
from .rules import EDITABLE_STATES
from .services import final_report_due


def reports_to_review():
    return (
        Report.objects.filter(status=ReportStatus.SUBMITTED)
        .select_related("agreement__organisation")
        .order_by("submitted_at", "pk")
    )


@dataclass
class DueReport:
    """A report that is due (or overdue): an existing row, or the final report of a signed agreement
    whose members have not opened it yet (``report`` None)."""

    agreement: Agreement
    kind: str
    due_on: object
    report: Report | None = None

    @property
    def days_overdue(self):
        return (timezone.localdate() - self.due_on).days

    @property
    def status(self):
        return self.report.status if self.report else ReportStatus.DRAFT

    def get_status_display(self):
        return self.report.get_status_display() if self.report else ReportStatus.DRAFT.label


def _deadline(report):
    if report.status == ReportStatus.RETURNED and report.correction_due:
        return report.correction_due
    return report.due_on


def due_reports(*, on=None, within_days=None, organisation=None):
    """Reports not submitted (draft, or returned for correction) of signed agreements, with their due
    date (for a returned one, the correction date); the final report counted also when its row does
    not exist yet. ``within_days`` None: those past due on ``on``; else those due in the next
    ``within_days`` days (today included). Sorted by due date."""
    on = on or timezone.localdate()
    agreements = Agreement.objects.filter(status=AgreementStatus.SIGNED).select_related("organisation")
    if organisation is not None:
        agreements = agreements.filter(organisation=organisation)
    reports = Report.objects.filter(agreement__in=agreements, status__in=EDITABLE_STATES).select_related(
        "agreement__organisation"
    )
    items = [DueReport(r.agreement, r.kind, _deadline(r), r) for r in reports]
    with_final = set(
        Report.objects.filter(agreement__in=agreements, kind=ReportKind.FINAL).values_list("agreement_id", flat=True)
    )
    for agreement in agreements.exclude(pk__in=with_final):
        items.append(DueReport(agreement, ReportKind.FINAL, final_report_due(agreement)))
    if within_days is None:
        chosen = [item for item in items if item.due_on < on]
    else:
        chosen = [item for item in items if on <= item.due_on <= on + datetime.timedelta(days=within_days)]
    return sorted(chosen, key=lambda item: (item.due_on, item.agreement.pk))


def open_returns():
    """Returns of funds not yet paid back in full, by due date."""
    return (
        FundsReturn.objects.filter(Q(returned_amount__isnull=True) | Q(returned_amount__lt=F("amount")))
        .select_related("agreement__organisation", "report")
        .order_by("due_on", "pk")
    )


def organisation_agreements(user):
    """The signed or settled agreements of the user's organisations, with their reports."""
    return (
        Agreement.objects.filter(
            organisation__memberships__user=user,
            organisation__memberships__confirmed_at__isnull=False,
            status__in=[AgreementStatus.SIGNED, AgreementStatus.SETTLED],
        )
        .distinct()
        .select_related("organisation")
        .prefetch_related("reports", "returns")
        .order_by("-realisation_end", "pk")
    )
