from celery import shared_task

from .reminders import report_reminders_write, return_reminders_write


@shared_task
def remind_reports():
    """Members hear that a report or a return of funds is due in 7 days, and that it is overdue (beat; once each)."""
    return report_reminders_write() + return_reminders_write()
