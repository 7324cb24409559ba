"""The published report reaches the local media through a real worker and SMTP server: once per outlet that
wants results, with the report PDF attached and the unsubscribe link; outlets that do not want results,
and everyone else, get nothing."""

import time

import pytest

from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from reporting.annual import programme_report_publish
from tests.conftest import wait_for
from tests.factories import MediaOutletFactory, UserFactory

from .annual_panel_requests import annual_world

pytestmark = [
    pytest.mark.celery,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.reporting.annual_test_urls"),
]


def test_media_that_want_results_receive_the_report_with_its_pdf_once(celery_worker, mailbox):
    world = annual_world()
    official = UserFactory(roles=["official"])
    wanting = [MediaOutletFactory(wants_results=True), MediaOutletFactory(wants_results=True)]
    not_wanting = MediaOutletFactory(wants_results=False)

    report = programme_report_publish(programme=world.programme, actor=official)

    wait_for(lambda: len(mailbox) >= 2, timeout=40, message="a message to each outlet that wants results")
    time.sleep(1.5)  # anything sent twice, or to the outlet that does not want results, would show up now
    assert sorted(m["To"] for m in mailbox.messages) == sorted(o.email for o in wanting)
    assert not mailbox.to(not_wanting.email)
    stored = report.document.read()
    for outlet in wanting:
        (mail,) = mailbox.to(outlet.email)
        assert world.programme.title in mail["Subject"]
        (pdf,) = [p for p in mail.iter_attachments() if p.get_content_type() == "application/pdf"]
        assert pdf.get_filename() == f"sprawozdanie-program-{world.programme.year}.pdf"
        assert pdf.get_content() == stored
        row = OutboxMessage.objects.get(event="programme_report_published", recipient=outlet.email)
        assert mail["List-Unsubscribe"].strip() == f"<{row.unsubscribe_url}>"
        assert row.unsubscribe_url in mail.get_body(preferencelist=("plain",)).get_content()
    wait_for(
        lambda: not OutboxMessage.objects.exclude(status=DeliveryStatus.SENT).exists(),
        timeout=10,
        message="every outbox row marked sent",
    )
