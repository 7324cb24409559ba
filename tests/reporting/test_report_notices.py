"""The notices of a report's life reach the people's inboxes through the real SMTP server and worker."""

import pytest

from reporting import services
from reporting.models import Report
from tests.agreements.helpers import agreement
from tests.conftest import wait_for
from tests.reporting.helpers import filled_content, report

pytestmark = pytest.mark.django_db(transaction=True)


def bodies(mailbox, address):
    return [(m["Subject"], m.get_body(preferencelist=("plain",)).get_content()) for m in mailbox.to(address)]


def test_submission_return_acceptance_and_the_return_of_funds_reach_the_members(celery_worker, mailbox, official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))

    services.report_submit(report=draft, actor=member)
    wait_for(lambda: mailbox.to(member.email) and mailbox.to(official.email), timeout=30, message="submission notices")
    ((subject, body),) = bodies(mailbox, member.email)
    assert made.task_title in subject and made.organisation.name in subject
    assert f"/reports/{draft.pk}/" in body
    ((staff_subject, staff_body),) = bodies(mailbox, official.email)
    assert made.organisation.name in staff_subject and f"/panel/reports/{draft.pk}/" in staff_body

    services.report_return_for_correction(
        report=Report.objects.get(pk=draft.pk), actor=official, comments="Dodaj zdjęcia."
    )
    wait_for(lambda: len(mailbox.to(member.email)) == 2, timeout=30, message="the returned notice")
    assert any("Dodaj zdjęcia." in body for _s, body in bodies(mailbox, member.email))

    services.report_submit(report=Report.objects.get(pk=draft.pk), actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    wait_for(lambda: len(mailbox.to(member.email)) == 5, timeout=30, message="acceptance and return notices")
    texts = " ".join(body for _s, body in bodies(mailbox, member.email))
    assert "200,00" in texts  # the amount to return, with its date
