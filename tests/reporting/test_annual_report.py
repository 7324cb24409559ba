"""The programme report as the public, officials and the media meet it: the page (provisional, then
published and frozen), its PDF and CSV, the officials' panel that publishes it, the API."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from applications.enums import ApplicationStatus
from core.models import StatusChange
from core.money import format_pln
from notifications.models import OutboxMessage
from reporting.models import ProgrammeReport
from tests.applications.helpers import offer
from tests.calls.helpers import db_snapshot, pdf_text
from tests.factories import MediaOutletFactory, ProgrammeFactory

from .annual_panel_requests import EXPECTED, YEAR, annual_world

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.annual_test_urls")]

REPORT = f"/programme/{YEAR}/report/"
PANEL = f"/panel/programme-report/{YEAR}/"
PUBLISH = f"/panel/programme-report/{YEAR}/publish/"


def pl(text):
    with translation.override("pl"):
        return escape(gettext(text))


@pytest.fixture
def world():
    return annual_world()


def _staff_client(user):
    client = Client()
    client.force_login(user)
    return client


def _publish(official):
    return _staff_client(official).post(PUBLISH)


def _award_another(world, amount="1000.00"):
    application, _ = offer(world.calls["resolved"], status=ApplicationStatus.AWARDED)
    application.awarded_amount = Decimal(amount)
    application.save(update_fields=["awarded_amount"])


def test_before_publication_the_public_page_shows_the_live_figures_marked_provisional(world):
    response = Client().get(REPORT)
    page = response.content.decode()
    assert response.status_code == 200
    assert pl("Provisional figures") in page
    assert format_pln(EXPECTED["awarded_total"]) in page
    assert format_pln(EXPECTED["planned"]) in page
    assert format_pln(EXPECTED["paid"]) in page
    # both charts inline, each with a title, a description and the same data in a table
    assert page.count('<svg xmlns="http://www.w3.org/2000/svg" role="img"') == 2
    assert '<title id="chart-funds-title">' in page and '<desc id="chart-offers-desc">' in page
    assert page.count("<table") >= 5
    assert world.programme.title in page
    # links to the PDF and the CSV
    assert f"/programme/{YEAR}/report.pdf" in page and f"/programme/{YEAR}/report.csv" in page


def test_a_year_without_a_programme_has_no_report():
    assert Client().get("/programme/1999/report/").status_code == 404
    assert Client().get("/programme/1999/report.pdf").status_code == 404
    assert Client().get("/programme/1999/report.csv").status_code == 404


def test_the_provisional_pdf_carries_the_figures_and_says_it_is_provisional(world):
    response = Client().get(f"/programme/{YEAR}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert " ".join(format_pln(EXPECTED["awarded_total"]).split()) in text
    assert world.programme.title in text
    with translation.override("pl"):
        assert " ".join(gettext("Offers in the competitions").split()) in text


def test_the_csv_opens_with_the_csv_module_and_holds_exact_amounts(world):
    response = Client().get(f"/programme/{YEAR}/report.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Polish letters right
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    values = {(r["section"], r["item"], r["code"]): r["value"] for r in rows}
    assert values[("report", "status", "")] == "provisional"
    assert values[("funds", "awarded", "")] == "7934.56"
    assert values[("funds", "planned", "")] == "170000.50"
    assert values[("offers", "received", "")] == str(EXPECTED["received"])
    assert values[("spheres", "planned", "17")] == "120000.00"
    names = {r["name"] for r in rows if r["section"] == "spheres"}
    assert any("pomoc społeczna" in name for name in names)  # Polish letters survive, commas are quoted


def test_an_official_publishes_the_report_and_it_is_frozen(world, official):
    radio = MediaOutletFactory(name="Radio Zabrze", wants_results=True)
    MediaOutletFactory(name="Gazeta tylko o konkursach", wants_results=False)

    response = _publish(official)

    assert response.status_code == 302 and response["Location"] == PANEL
    report = ProgrammeReport.objects.get(programme=world.programme)
    assert report.published_at is not None and report.published_by == official
    assert report.data["funds"]["awarded"] == "7934.56"
    assert report.document.read().startswith(b"%PDF")
    change = StatusChange.objects.get(
        content_type=ContentType.objects.get_for_model(ProgrammeReport), object_id=report.pk
    )
    assert (change.transition, change.from_state, change.to_state, change.actor) == (
        "publish",
        "unpublished",
        "published",
        official,
    )
    # the media outlet that wants results is told, with the PDF and its unsubscribe link; the other is not
    messages = list(OutboxMessage.objects.filter(event="programme_report_published"))
    assert [m.recipient for m in messages] == [radio.email]
    assert messages[0].unsubscribe_url and messages[0].unsubscribe_url in messages[0].body_text
    assert world.programme.title in messages[0].subject
    assert [a.document_id for a in messages[0].attachments.all()] == [report.document_id]

    # later changes to the data do not change the published report
    _award_another(world)
    page = Client().get(REPORT).content.decode()
    assert pl("Provisional figures") not in page
    assert format_pln(EXPECTED["awarded_total"]) in page
    assert format_pln(EXPECTED["awarded_total"] + Decimal("1000.00")) not in page
    pdf = Client().get(f"/programme/{YEAR}/report.pdf")
    assert pdf.content == report.document.read()
    assert pdf["X-Content-SHA256"] == report.document.sha256
    rows = list(csv.reader(io.StringIO(Client().get(f"/programme/{YEAR}/report.csv").content.decode("utf-8-sig"))))
    assert ["funds", "awarded", "", "", "7934.56"] in rows
    assert ["report", "status", "", "", "published"] in rows


def test_publishing_again_refreshes_the_figures_with_an_audit_row_and_no_second_press_message(world, official):
    MediaOutletFactory(wants_results=True)
    _publish(official)
    first = ProgrammeReport.objects.get(programme=world.programme).document_id
    _award_another(world, "250.00")

    _publish(official)

    report = ProgrammeReport.objects.get(programme=world.programme)
    assert report.data["funds"]["awarded"] == "8184.56"
    assert report.document_id != first
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(ProgrammeReport), object_id=report.pk
    )
    assert [c.transition for c in changes] == ["publish", "republish"]
    assert OutboxMessage.objects.filter(event="programme_report_published").count() == 1
    page = Client().get(REPORT).content.decode()
    assert format_pln(Decimal("8184.56")) in page
    assert pl("published again with refreshed figures") in page


def test_a_cached_public_page_shows_the_publication_at_once(world, official, django_capture_on_commit_callbacks):
    assert pl("Provisional figures") in Client().get(REPORT).content.decode()  # now cached for visitors
    with django_capture_on_commit_callbacks(execute=True):
        _publish(official)
    assert pl("Provisional figures") not in Client().get(REPORT).content.decode()


def test_the_panel_shows_the_live_figures_and_the_publish_button(world, official):
    response = _staff_client(official).get(PANEL)
    page = response.content.decode()
    assert response.status_code == 200
    assert format_pln(EXPECTED["awarded_total"]) in page
    assert f'action="{PUBLISH}"' in page
    assert pl("Not published yet: the public page shows the live figures marked provisional.") in page


def test_the_approver_sees_the_report_but_only_officials_publish_it(world, approver):
    client = _staff_client(approver)
    page = client.get(PANEL).content.decode()
    reason = pl("Only officials of the NGO Centre publish the programme report.")
    assert reason in page and f'action="{PUBLISH}"' not in page
    before = db_snapshot()
    response = client.post(PUBLISH)
    assert response.status_code == 403
    assert reason in response.content.decode()
    assert db_snapshot() == before
    assert not ProgrammeReport.objects.exists()


def test_the_report_on_the_current_year_cannot_be_published_before_the_year_ends(official):
    year = timezone.localdate().year
    ProgrammeFactory(year=year)
    response = _staff_client(official).post(f"/panel/programme-report/{year}/publish/")
    assert response.status_code == 403
    with translation.override("pl"):
        reason = gettext(
            "The report on %(year)s can be published once the year has ended (from 1 January %(next)s)."
        ) % {"year": year, "next": year + 1}
    assert escape(reason) in response.content.decode()
    assert not ProgrammeReport.objects.exists()


def test_the_panel_list_shows_every_programme_with_its_due_date(world, official):
    page = _staff_client(official).get("/panel/programme-report/").content.decode()
    assert world.programme.title in page and world.other.title in page
    assert f'href="{PANEL}"' in page
    assert pl("overdue: not published") in page  # the report on YEAR - 1 was due by 31 May YEAR


def test_the_api_lists_published_reports_with_their_figures(world, official):
    client = APIClient()
    assert client.get("/api/v1/programme-reports/").json()["results"] == []
    missing = client.get(f"/api/v1/programme-reports/{YEAR}/")
    assert missing.status_code == 404 and missing.json()["code"]

    _publish(official)

    listed = client.get("/api/v1/programme-reports/").json()["results"]
    assert [(r["year"], r["title"]) for r in listed] == [(YEAR, world.programme.title)]
    assert listed[0]["pdf"].endswith(f"/programme/{YEAR}/report.pdf")
    detail = client.get(f"/api/v1/programme-reports/{YEAR}/").json()
    assert detail["figures"]["funds"]["awarded"] == "7934.56"
    assert detail["figures"]["offers"]["received"] == EXPECTED["received"]
    refused = client.post("/api/v1/programme-reports/", {}, format="json")
    assert refused.status_code in (403, 405) and refused.json()["code"]
