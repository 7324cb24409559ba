"""Reminders about reports and returns of funds, run by beat (see ``reporting.tasks``).

- a report due in :data:`REMINDER_DAYS` days (or fewer) and a report overdue: to the members of the
  organisation, each once per report and kind (the outbox's dedupe key), the final report counted
  also before its row exists (nobody opened it yet); the same reports are listed to officials in the
  panel (``/panel/reports/``);
- a return of funds due in :data:`REMINDER_DAYS` days and one overdue: to the members, once each.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from notifications.services import outbox_write

from .enums import ReportKind
from .notices import members
from .selectors import due_reports, open_returns

REMINDER_DAYS = 7


def _report_key(item):
    return f"report:{item.report.pk}" if item.report else f"agreement:{item.agreement.pk}:final"


def report_reminders_write(*, today=None):
    """Write the due-soon and overdue reminders of reports; returns how many notices were written.
    Effects: outbox rows, one transaction per report."""
    today = today or timezone.localdate()
    written = 0
    batches = [(item, False) for item in due_reports(on=today, within_days=REMINDER_DAYS)]
    batches += [(item, True) for item in due_reports(on=today)]
    for item, overdue in batches:
        kind = "overdue" if overdue else "due"
        kind_label = ReportKind(item.kind).label
        with transaction.atomic():
            for user in members(item.agreement.organisation_id):
                message = outbox_write(
                    event="report_reminder",
                    recipient=user.email,
                    template="report_reminder",
                    context={
                        "person": user,
                        "agreement": item.agreement,
                        "organisation": item.agreement.organisation,
                        "report": item.report,
                        "due_on": item.due_on,
                        "kind_label": kind_label,
                        "overdue": overdue,
                    },
                    dedupe_key=f"report_reminder:{kind}:{_report_key(item)}:{item.due_on.isoformat()}:user:{user.pk}",
                )
                written += message is not None
    return written


def return_reminders_write(*, today=None):
    """Write the due-soon and overdue reminders of returns of funds not yet paid back in full."""
    today = today or timezone.localdate()
    written = 0
    for funds_return in open_returns():
        if funds_return.due_on < today:
            kind = "overdue"
        elif funds_return.due_on <= today + datetime.timedelta(days=REMINDER_DAYS):
            kind = "due"
        else:
            continue
        agreement = funds_return.agreement
        with transaction.atomic():
            for user in members(agreement.organisation_id):
                message = outbox_write(
                    event="funds_return_reminder",
                    recipient=user.email,
                    template="funds_return_reminder",
                    context={
                        "person": user,
                        "agreement": agreement,
                        "organisation": agreement.organisation,
                        "funds_return": funds_return,
                        "overdue": kind == "overdue",
                    },
                    dedupe_key=f"funds_return_reminder:{kind}:{funds_return.pk}:user:{user.pk}",
                )
                written += message is not None
    return written
