"""Reports in a given state for the reporting tests, on the agreements of tests/agreements/helpers.py
(one cost line of 1 000,00 zł planned, 900,00 zł from the grant; one tranche of 900,00 zł paid)."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from reporting.content import initial_content
from reporting.enums import ReportKind
from reporting.models import Report
from tests.agreements.helpers import agreement


def filled_content(made, *, total="1000,00", grant="900,00", own_financial="100,00"):
    """The report content of ``made`` (an agreement) with nothing blocking submission."""
    content = initial_content(made)
    content["results_text"] = "Wszystkie rezultaty osiągnięte: 30 dzieci."
    content["activities"] = [{"done": "Zajęcia sportowe odbyły się codziennie."} for _row in content["activities"]]
    content["lines"] = [
        {
            "total": total,
            "grant": grant,
            "own_financial": own_financial,
            "own_non_financial": "",
            "beneficiary_fees": "",
        }
        for _row in content["lines"]
    ]
    content["contribution"] = "Brak wkładu osobowego."
    return content


def report(status="draft", *, kind=ReportKind.FINAL, content=None, made=None, due_on=None, **agreement_kwargs):
    """(report, member): a report of a signed agreement in ``status``, written straight to the DB."""
    if made is None:
        made, member = agreement(**agreement_kwargs)
    else:
        member = None
    now = timezone.now()
    created = Report.objects.create(
        agreement=made,
        kind=kind,
        status=status,
        period_start=made.realisation_start,
        period_end=made.realisation_end,
        due_on=due_on or made.realisation_end + datetime.timedelta(days=30),
        content=filled_content(made) if content is None else content,
        submitted_at=now if status != "draft" else None,
        correction_due=timezone.localdate() + datetime.timedelta(days=7) if status == "returned" else None,
        accepted_at=now if status == "accepted" else None,
    )
    if status != "draft" and kind == ReportKind.FINAL and made.application_id:
        # as report_submit leaves it: the offer is reported once its final report is submitted
        Application.objects.filter(pk=made.application_id).update(status=ApplicationStatus.REPORTED)
        made.application.refresh_from_db()
    return created, member
