from celery import shared_task

from .annual import programme_report_reminders_write


@shared_task
def remind_programme_report():
    """Officials hear that last year's programme report is due by 31 May (beat; once per programme)."""
    return programme_report_reminders_write()
