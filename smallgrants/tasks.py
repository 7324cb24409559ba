from celery import shared_task

from .services import small_grants_close_due


@shared_task
def close_due_comments():
    """Close the comments of published small grants whose comment period is over (beat)."""
    return small_grants_close_due()
