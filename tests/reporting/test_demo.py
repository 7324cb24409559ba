"""The demo reports: a submitted final report for a reported offer, idempotent."""

import pytest

from applications.enums import ApplicationStatus
from applications.models import Application
from reporting.content import report_blockers
from reporting.demo import seed_demo
from reporting.models import Report
from tests.agreements.helpers import agreement

pytestmark = pytest.mark.django_db


def test_the_demo_gives_reported_agreements_a_complete_submitted_final_report():
    made, _member = agreement()
    Application.objects.filter(pk=made.application_id).update(status=ApplicationStatus.REPORTED)
    in_realisation, _ = agreement()

    assert seed_demo() == 1
    assert seed_demo() == 0
    report = Report.objects.get()
    assert report.agreement == made and report.status == "submitted"
    assert report_blockers(report) == []
    assert not in_realisation.reports.exists()
