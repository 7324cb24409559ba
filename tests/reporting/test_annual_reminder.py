"""Officials are reminded to publish last year's programme report before 31 May (beat task)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from core.enums import LegalParameterKey
from core.models import LegalParameter
from core.roles import APPROVER, OFFICIAL
from notifications.models import OutboxMessage
from reporting.annual_tasks import remind_programme_report
from reporting.models import ProgrammeReport
from tests.factories import ProgrammeFactory, UserFactory, make_ngo_member

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.annual_test_urls")]

YEAR = 2025


def at(month, day, hour=9):
    """A moment of the year after the programme's, Warsaw time."""
    return time_machine.travel(timezone.make_aware(datetime.datetime(YEAR + 1, month, day, hour)), tick=False)


@pytest.fixture
def people():
    return {
        "official": UserFactory(roles=[OFFICIAL]),
        "second_official": UserFactory(roles=[OFFICIAL]),
        "inactive_official": UserFactory(roles=[OFFICIAL], is_active=False),
        "approver": UserFactory(roles=[APPROVER]),
        "ngo_member": make_ngo_member(),
    }


@pytest.fixture
def programme():
    return ProgrammeFactory(year=YEAR, title="Program współpracy na rok 2025")


def reminders():
    return OutboxMessage.objects.filter(event="programme_report_reminder")


def test_officials_are_reminded_once_when_the_window_opens(programme, people):
    # the default: 30 days before 31 May, i.e. from 1 May
    with at(4, 30, hour=23):
        assert remind_programme_report() == 0
    with at(5, 1, hour=0):
        assert remind_programme_report() == 2
    assert sorted(reminders().values_list("recipient", flat=True)) == sorted(
        [people["official"].email, people["second_official"].email]
    )
    message = reminders().get(recipient=people["official"].email)
    assert programme.title in message.subject
    assert f"/panel/programme-report/{YEAR}/" in message.body_text
    assert "31" in message.body_text
    # beat runs again the same day and the next days: nothing more
    with at(5, 1, hour=12):
        assert remind_programme_report() == 0
    with at(5, 20):
        assert remind_programme_report() == 0
    assert reminders().count() == 2


def test_no_reminder_once_the_report_is_published(programme, people):
    ProgrammeReport.objects.create(programme=programme, published_at=timezone.now(), data={"year": YEAR})
    with at(5, 15):
        assert remind_programme_report() == 0
    assert not reminders().exists()


def test_an_unpublished_report_after_the_due_date_is_still_reminded_once_as_overdue(programme, people):
    with at(6, 5):
        assert remind_programme_report() == 2
        assert remind_programme_report() == 0
    body = " ".join(reminders().first().body_text.split())
    with translation.override("pl"):
        overdue = gettext(
            "The report on the implementation of “%(title)s” was due by %(due)s (art. 5a ust. 3) and has not been "
            "published yet."
        ) % {"title": programme.title, "due": date_format(datetime.date(YEAR + 1, 5, 31), "j E Y")}
    assert overdue in body


def test_no_reminder_without_last_years_programme(people):
    ProgrammeFactory(year=YEAR + 1)  # only this year's programme exists
    with at(5, 15):
        assert remind_programme_report() == 0
    assert not reminders().exists()


def test_the_window_follows_the_legal_parameter_in_force(programme, people):
    LegalParameter.objects.create(
        key=LegalParameterKey.PROGRAMME_REPORT_REMINDER_DAYS,
        value=Decimal("10"),
        effective_from=datetime.date(YEAR + 1, 1, 1),
    )
    with at(5, 20):
        assert remind_programme_report() == 0
    with at(5, 21):
        assert remind_programme_report() == 2
