from celery import shared_task

from .services import scoring_reminders_write


@shared_task
def remind_scoring():
    """Daily reminders to the committee as the call's decision date nears (beat; once per member per day)."""
    return scoring_reminders_write()
