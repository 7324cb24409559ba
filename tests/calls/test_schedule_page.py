"""The reminder schedule page: officials and the approver see beat's periodic tasks read-only, in Warsaw time."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from calls.schedule_views import TASK_DESCRIPTIONS
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def periodic_tasks():
    warsaw = CrontabSchedule.objects.create(minute="*/15", hour="*", timezone=ZoneInfo("Europe/Warsaw"))
    office = CrontabSchedule.objects.create(minute="15", hour="8-16", timezone=ZoneInfo("Europe/Warsaw"))
    minute = IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)
    return [
        PeriodicTask.objects.create(
            name="remind-offer-deadlines",
            task="calls.tasks.remind_offer_deadlines",
            crontab=warsaw,
            last_run_at=datetime.datetime(2026, 7, 1, 10, 0, tzinfo=datetime.UTC),  # 12:00 in Warsaw (summer)
        ),
        PeriodicTask.objects.create(
            name="remind-committee-scoring", task="evaluation.tasks.remind_scoring", crontab=office, enabled=False
        ),
        PeriodicTask.objects.create(name="sweep-outbox", task="notifications.tasks.sweep_outbox", interval=minute),
    ]


@pytest.mark.parametrize("role", ["official", "approver"])
def test_staff_see_every_periodic_task_with_its_description_schedule_and_last_run(role, periodic_tasks, user_of_role):
    client = Client()
    client.force_login(user_of_role(role))
    response = client.get("/panel/schedule/")
    assert response.status_code == 200
    page = response.content.decode()
    with translation.override("pl"):
        for task in periodic_tasks:
            assert task.name in page
            assert task.task in page
            assert escape(str(TASK_DESCRIPTIONS[task.task])) in page
        assert escape(gettext("every %(n)s minutes") % {"n": "15"}) in page
        assert "1 lipca 2026, 12:00:00" in page  # the last run on the Warsaw clock
        assert gettext("no") in page  # the disabled one
    # the close-calls entry of the settings is not stored yet: it is listed as such
    assert "close-calls-at-deadline" in page


def test_the_page_is_read_only(periodic_tasks, official):
    client = Client()
    client.force_login(official)
    assert client.post("/panel/schedule/", {"enabled": ""}).status_code == 405
    assert PeriodicTask.objects.filter(enabled=True).count() == 2


def test_others_are_kept_out(periodic_tasks):
    assert Client().get("/panel/schedule/")["Location"].startswith("/accounts/login/")
    client = Client()
    client.force_login(make_ngo_member())
    response = client.get("/panel/schedule/")
    assert response.status_code == 403
    assert "remind-offer-deadlines" not in response.content.decode()
