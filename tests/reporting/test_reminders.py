"""Reminders with the clock moved: a report due in 7 days (once), an overdue report (once), a return
of funds due and overdue; a report submitted after its due date is accepted but marked late."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from notifications.models import OutboxMessage
from reporting import services
from reporting.models import FundsReturn, Report
from reporting.reminders import report_reminders_write, return_reminders_write
from reporting.tasks import remind_reports
from tests.agreements.helpers import agreement, resolved_call
from tests.reporting.helpers import report

pytestmark = pytest.mark.django_db
WARSAW = ZoneInfo("Europe/Warsaw")


def at(day, hour=9, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=WARSAW)


def reminders(member):
    notices = OutboxMessage.objects.filter(event="report_reminder", recipient=member.email)
    return list(notices)


def test_the_final_report_is_due_30_days_after_the_end_with_one_reminder_7_days_before_and_one_when_overdue():
    today = timezone.localdate()
    end = today + datetime.timedelta(days=5)
    made, member = agreement(call=resolved_call(realisation_end=end))
    due = end + datetime.timedelta(days=30)

    with time_machine.travel(at(due - datetime.timedelta(days=8)), tick=False):
        assert report_reminders_write() == 0
    with time_machine.travel(at(due - datetime.timedelta(days=7)), tick=False):
        assert report_reminders_write() == 1  # nobody opened the report yet: it is counted all the same
        assert report_reminders_write() == 0
    with time_machine.travel(at(due - datetime.timedelta(days=2)), tick=False):
        assert report_reminders_write() == 0  # once per report and kind
    (due_soon,) = reminders(member)
    assert made.task_title in due_soon.subject and "7" in due_soon.subject

    with time_machine.travel(at(due, 23, 59), tick=False):
        assert report_reminders_write() == 0  # due today: not overdue yet
    with time_machine.travel(at(due + datetime.timedelta(days=1), 0, 1), tick=False):
        assert remind_reports() == 1
        assert remind_reports() == 0
    assert len(reminders(member)) == 2


def test_a_report_submitted_after_the_end_of_its_due_day_in_warsaw_is_marked_late():
    made, member = agreement()
    draft, _ = report(made=made)
    due = draft.due_on
    with time_machine.travel(at(due, 23, 59), tick=False):
        on_time = services.report_submit(report=draft, actor=member)
    assert not on_time.late

    other, member2 = agreement()
    late_draft, _ = report(made=other)
    with time_machine.travel(at(late_draft.due_on + datetime.timedelta(days=1), 0, 1), tick=False):
        late = services.report_submit(report=late_draft, actor=member2)
    assert late.status == "submitted" and late.late
    assert Report.objects.get(pk=late.pk).late


def test_returns_of_funds_are_reminded_when_due_and_when_overdue_once_each():
    accepted, member = report("accepted")
    today = timezone.localdate()
    FundsReturn.objects.create(
        agreement=accepted.agreement,
        report=accepted,
        amount=Decimal("55.00"),
        due_on=today + datetime.timedelta(days=10),
    )
    assert return_reminders_write() == 0
    with time_machine.travel(at(today + datetime.timedelta(days=3)), tick=False):
        assert return_reminders_write() == 1
        assert return_reminders_write() == 0
    with time_machine.travel(at(today + datetime.timedelta(days=11)), tick=False):
        assert return_reminders_write() == 1
    notices = OutboxMessage.objects.filter(event="funds_return_reminder", recipient=member.email)
    assert notices.count() == 2 and all("55,00" in n.body_text for n in notices)
