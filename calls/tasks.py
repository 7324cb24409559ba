from celery import shared_task

from .services import calls_close_due


@shared_task
def close_due_calls():
    return calls_close_due()
