"""The reminder schedule for officials (``/panel/schedule/``): the periodic tasks beat runs, read-only.

The schedule is kept in the database by django-celery-beat (synced from ``CELERY_BEAT_SCHEDULE`` when
beat starts); administrators change it in the Django admin.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django_celery_beat.models import PeriodicTask

from core.views import staff_required

TASK_DESCRIPTIONS = {
    "calls.tasks.close_due_calls": gettext_lazy(
        "Closes announced calls whose offer deadline has passed (no offer is accepted after it in any case)."
    ),
    "calls.tasks.remind_offer_deadlines": gettext_lazy(
        "Reminds the members of organisations holding a draft offer that the call's offer deadline is 3 days "
        "away (once per offer)."
    ),
    "notifications.tasks.sweep_outbox": gettext_lazy(
        "Hands again to the workers the notices waiting in the outbox that the queue may have lost."
    ),
    "evaluation.tasks.remind_scoring": gettext_lazy(
        "Reminds committee members to sign the impartiality declaration and to score the offers as the date "
        "for choosing offers nears (at most once a day per member)."
    ),
    "smallgrants.tasks.close_due_comments": gettext_lazy(
        "Closes the comment period of small grant offers (art. 19a) once its last day has passed."
    ),
    "reporting.tasks.remind_reports": gettext_lazy(
        "Reminds organisations of reports due in 7 days or overdue, and of returns of funds due or overdue (once each)."
    ),
    "reporting.annual_tasks.remind_programme_report": gettext_lazy(
        "Reminds officials to publish last year's programme report (due by 31 May), once per programme."
    ),
    "celery.backend_cleanup": gettext_lazy("Celery's housekeeping: removes expired task results."),
}


def _crontab_text(crontab):
    minute, hour = crontab.minute, crontab.hour
    if minute == "*" and hour == "*":
        text = _("every minute")
    elif minute.startswith("*/") and hour == "*":
        text = _("every %(n)s minutes") % {"n": minute[2:]}
    elif minute.isdigit() and hour == "*":
        text = _("every hour at minute %(minute)s") % {"minute": minute}
    elif minute.isdigit() and hour.isdigit():
        text = _("every day at %(time)s") % {"time": f"{int(hour):02d}:{int(minute):02d}"}
    elif minute.isdigit() and "-" in hour and hour.replace("-", "").isdigit():
        first, last = hour.split("-")
        text = _("every hour from %(first)s to %(last)s") % {
            "first": f"{int(first):02d}:{int(minute):02d}",
            "last": f"{int(last):02d}:{int(minute):02d}",
        }
    else:
        text = _("minute %(minute)s, hour %(hour)s") % {"minute": minute, "hour": hour}
    days = (crontab.day_of_month, crontab.month_of_year, crontab.day_of_week)
    if days != ("*", "*", "*"):
        text += " " + _("(day of month %(dom)s, month %(month)s, day of week %(dow)s)") % {
            "dom": days[0],
            "month": days[1],
            "dow": days[2],
        }
    zone = str(crontab.timezone)
    if zone != settings.TIME_ZONE:
        text += " " + _("(time zone %(zone)s)") % {"zone": zone}
    return text


def _schedule_text(task):
    if task.crontab_id:
        return _crontab_text(task.crontab)
    if task.interval_id:
        return str(task.interval)
    if task.clocked_id:
        return _("once, at %(time)s") % {
            "time": timezone.localtime(task.clocked.clocked_time).strftime("%Y-%m-%d %H:%M")
        }
    if task.solar_id:
        return str(task.solar)
    return "—"


def _next_run(task, now):
    if not task.enabled or task.clocked_id:
        return None
    try:
        return now + task.schedule.remaining_estimate(task.last_run_at or now)
    except Exception:  # noqa: BLE001 - an unusual schedule is shown without its next run
        return None


@staff_required
@require_GET
def schedule(request):
    """The periodic tasks (name, task, schedule in Warsaw time, enabled, last and next run), read-only."""
    now = timezone.now()
    tasks = PeriodicTask.objects.select_related("crontab", "interval", "clocked", "solar").order_by("name")
    rows = [
        {
            "task": task,
            "description": TASK_DESCRIPTIONS.get(task.task, task.description),
            "schedule": _schedule_text(task),
            "next_run": _next_run(task, now),
        }
        for task in tasks
    ]
    stored = {row["task"].name for row in rows}
    not_stored = [
        {"name": name, "task": entry["task"], "description": TASK_DESCRIPTIONS.get(entry["task"], "")}
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if name not in stored
    ]
    return render(request, "panel/schedule.html", {"rows": rows, "not_stored": not_stored})
