from celery import shared_task

from .reminders import deadline_reminders_write
from .services import calls_close_due


@shared_task
def close_due_calls():
    return calls_close_due()


@shared_task
def remind_offer_deadlines():
    """Organisations with a draft offer hear that the offer deadline is 3 days away (beat; once per offer)."""
    return deadline_reminders_write()
