"""The report pages: the organisation's list, the editor (saved as typed, autosave), submission,
attachments, the officials' panel, and nobody else seeing any of it."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from agreements.enums import AgreementStatus
from reporting import services
from reporting.enums import ReportStatus
from reporting.models import FundsReturn, Report, ReportAttachment
from reporting.rules import NOT_OFFICIAL
from tests.agreements.helpers import agreement
from tests.factories import OrganisationFactory, make_ngo_member
from tests.reporting.helpers import filled_content, report

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def text_of(response):
    return re.sub(r"\s+", " ", response.content.decode())


def editor_post(made, **overrides):
    """The editor's form for ``made`` with nothing blocking submission, as a browser posts it."""
    content = filled_content(made)
    data = {
        "results_text": content["results_text"],
        "activity-0-done": content["activities"][0]["done"],
        "contribution": content["contribution"],
        "information": "",
        "interest": "",
        "other_income": "",
    }
    for name, value in content["lines"][0].items():
        data[f"line-0-{name}"] = value
    data.update(overrides)
    return data


def test_members_see_the_final_report_due_and_open_it_from_the_agreements_budget():
    made, member = agreement()
    client = client_for(member)

    listed = client.get("/reports/")
    assert made.task_title in text_of(listed)
    assert (made.realisation_end + datetime.timedelta(days=30)).strftime("%Y") in text_of(listed)
    assert "/final/" in text_of(listed)

    opened = client.get(f"/reports/agreement/{made.pk}/final/")
    created = Report.objects.get(agreement=made)
    assert opened.status_code == 302 and opened["Location"] == f"/reports/{created.pk}/edit/"
    page = text_of(client.get(opened["Location"]))
    assert "Wynagrodzenie trenera" in page
    assert "1 000,00 zł" in page  # the planned value, prefilled
    assert 'name="line-0-total" id="id_line-0-total" value=""' in page  # the actual value empty


def test_the_editor_keeps_what_was_typed_even_when_it_is_not_valid():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    client = client_for(member)

    response = client.post(
        f"/reports/{draft.pk}/edit/", editor_post(made, **{"line-0-total": "12,345", "results_text": "Opis"})
    )

    assert response.status_code == 400
    page = text_of(response)
    assert 'value="12,345"' in page and "Opis" in page
    assert escape(gettext("Give an amount in złoty, not negative, with at most 2 decimal places.")) in page
    stored = Report.objects.get(pk=draft.pk).content
    assert stored["lines"][0]["total"] == "12,345" and stored["results_text"] == "Opis"


def test_autosave_answers_json_and_stores_the_draft():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    response = client_for(member).post(
        f"/reports/{draft.pk}/edit/", {"results_text": "Wpisane w tle"}, headers={"X-Requested-With": "fetch"}
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    assert Report.objects.get(pk=draft.pk).content["results_text"] == "Wpisane w tle"


def test_submitting_an_incomplete_report_lists_what_blocks_it_and_keeps_the_input():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    response = client_for(member).post(
        f"/reports/{draft.pk}/edit/",
        editor_post(made, contribution="", **{"submit": "1", "line-0-own_financial": "50,00"}),
    )
    assert response.status_code == 400
    page = text_of(response)
    assert "950,00" in page  # the parts do not add up to 1000,00
    assert 'value="50,00"' in page
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.DRAFT


def test_members_submit_from_the_editor_and_see_the_report_with_its_pdf():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    client = client_for(member)
    response = client.post(f"/reports/{draft.pk}/edit/", editor_post(made, submit="1"))
    assert response.status_code == 302 and response["Location"] == f"/reports/{draft.pk}/"
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED
    pdf = client.get(f"/reports/{draft.pk}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF-")
    version = client.get(f"/reports/{draft.pk}/versions/1.pdf")
    assert version.status_code == 200


def test_returned_comments_are_shown_prominently_and_the_return_amount_after_acceptance(official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)
    services.report_return_for_correction(report=draft, actor=official, comments="Brakuje listy uczestników.")
    client = client_for(member)
    editor = text_of(client.get(f"/reports/{draft.pk}/edit/"))
    assert "Brakuje listy uczestników." in editor and 'id="returned-heading"' in editor

    services.report_submit(report=Report.objects.get(pk=draft.pk), actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    assert "200,00 zł" in text_of(client.get(f"/reports/{draft.pk}/"))
    assert "200,00 zł" in text_of(client.get("/reports/"))


def test_attachments_are_checked_by_content():
    made, member = agreement()
    draft, _ = report(made=made)
    client = client_for(member)
    refused = client.post(
        f"/reports/{draft.pk}/attachments/",
        {"description": "Lista", "file": SimpleUploadedFile("lista.pdf", b"not a pdf at all", "application/pdf")},
    )
    assert refused.status_code == 400 and "Lista" in text_of(refused)
    assert not ReportAttachment.objects.exists()
    accepted = client.post(
        f"/reports/{draft.pk}/attachments/",
        {"description": "Lista uczestników", "file": SimpleUploadedFile("lista.pdf", PDF, "application/pdf")},
    )
    assert accepted.status_code == 302
    attachment = ReportAttachment.objects.get()
    download = client.get(f"/reports/{draft.pk}/attachments/{attachment.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF


def test_a_member_of_another_organisation_can_read_nothing_of_a_report(official):
    made, member = agreement()
    draft, _ = report(made=made)
    client_for(member).post(
        f"/reports/{draft.pk}/attachments/", {"file": SimpleUploadedFile("lista.pdf", PDF, "application/pdf")}
    )
    attachment = ReportAttachment.objects.get()
    services.report_submit(report=draft, actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    stranger = client_for(make_ngo_member(OrganisationFactory()))
    urls = [
        f"/reports/{draft.pk}/",
        f"/reports/{draft.pk}/edit/",
        f"/reports/{draft.pk}/report.pdf",
        f"/reports/{draft.pk}/versions/1.pdf",
        f"/reports/{draft.pk}/attachments/",
        f"/reports/{draft.pk}/attachments/{attachment.pk}/",
        f"/reports/agreement/{made.pk}/final/",
        f"/api/v1/reports/{draft.pk}/",
        f"/api/v1/reports/{draft.pk}/content/",
    ]
    for url in urls:
        assert stranger.get(url).status_code == 404, url
    for url in (f"/reports/{draft.pk}/submit/", f"/reports/{draft.pk}/attachments/{attachment.pk}/remove/"):
        assert stranger.post(url).status_code == 404, url
    assert stranger.get("/api/v1/reports/").json()["results"] == []
    assert made.task_title not in text_of(stranger.get("/reports/"))
    assert ReportAttachment.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login_page():
    draft, _ = report()
    response = Client().get(f"/reports/{draft.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert Client().get(f"/api/v1/reports/{draft.pk}/").status_code in (401, 403)


def test_the_panel_lists_reports_to_review_overdue_ones_and_returns(official):
    submitted, _ = report("submitted")
    # a final report nobody opened, its agreement ended 40 days ago
    ended = timezone.localdate() - datetime.timedelta(days=40)
    overdue_agreement, _ = agreement(realisation_end=ended, task_title="Zadanie bez sprawozdania")
    returned_ = FundsReturn.objects.create(
        agreement=submitted.agreement, report=submitted, amount=Decimal("12.34"), due_on=timezone.localdate()
    )
    page = text_of(client_for(official).get("/panel/reports/"))
    assert submitted.agreement.task_title in page
    assert "Zadanie bez sprawozdania" in page
    assert "12,34 zł" in page and f"/panel/reports/returns/{returned_.pk}/" in page


def test_returning_without_comments_keeps_the_date_typed(official):
    submitted, _ = report("submitted")
    due = (timezone.localdate() + datetime.timedelta(days=9)).isoformat()
    response = client_for(official).post(
        f"/panel/reports/{submitted.pk}/return/", {"return-comments": "", "return-correction_due": due}
    )
    assert response.status_code == 400 and f'value="{due}"' in text_of(response)
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


def test_a_flagged_line_blocks_acceptance_in_the_panel_until_the_excess_is_settled(official):
    made, member = agreement()
    submitted, _ = report(
        "submitted", made=made, content=filled_content(made, total="1200,00", grant="1000,00", own_financial="200,00")
    )
    client = client_for(official)
    detail = text_of(client.get(f"/panel/reports/{submitted.pk}/"))
    assert 'class="flagged"' in detail

    refused = client.post(f"/panel/reports/{submitted.pk}/accept/", {"accept-comments": "OK"})
    assert refused.status_code == 400
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED

    accepted = client.post(f"/panel/reports/{submitted.pk}/accept/", {"accept-settle_excess": "on"})
    assert accepted.status_code == 302
    assert FundsReturn.objects.get().excess_amount == Decimal("100.00")


def test_a_partial_report_due_too_early_is_refused_and_the_form_keeps_the_input(official):
    made, _member = agreement()
    today = timezone.localdate()
    data = {
        "period_start": made.realisation_start.isoformat(),
        "period_end": today.isoformat(),
        "due_on": (today + datetime.timedelta(days=10)).isoformat(),
        "note": "Za pierwszy kwartał",
    }
    response = client_for(official).post(f"/panel/reports/agreements/{made.pk}/partial/", data)
    assert response.status_code == 400
    page = text_of(response)
    assert "Za pierwszy kwartał" in page and data["due_on"] in page
    assert not Report.objects.exists()


def test_recording_a_return_in_the_panel_settles_the_agreement(official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    funds_return = FundsReturn.objects.get()
    client = client_for(official)
    bad = client.post(
        f"/panel/reports/returns/{funds_return.pk}/", {"returned_on": timezone.localdate().isoformat(), "amount": "abc"}
    )
    assert bad.status_code == 400 and 'value="abc"' in text_of(bad)
    ok = client.post(
        f"/panel/reports/returns/{funds_return.pk}/",
        {"returned_on": timezone.localdate().isoformat(), "amount": "200,00"},
    )
    assert ok.status_code == 302
    made.refresh_from_db()
    assert made.status == AgreementStatus.SETTLED


def test_the_approver_reads_the_panel_but_only_officials_review(approver):
    submitted, _ = report("submitted")
    client = client_for(approver)
    page = text_of(client.get(f"/panel/reports/{submitted.pk}/"))
    assert submitted.agreement.task_title in page and 'name="accept-comments"' not in page
    response = client.post(f"/panel/reports/{submitted.pk}/accept/", {"accept-comments": ""})
    assert response.status_code == 403
    with translation.override("pl"):
        assert escape(gettext(NOT_OFFICIAL)) in response.content.decode()
    assert Report.objects.get(pk=submitted.pk).status == ReportStatus.SUBMITTED


def test_an_official_requests_a_partial_report_that_is_listed_when_overdue(official):
    made, member = agreement()
    today = timezone.localdate()
    client = client_for(official)
    response = client.post(
        f"/panel/reports/agreements/{made.pk}/partial/",
        {
            "period_start": made.realisation_start.isoformat(),
            "period_end": today.isoformat(),
            "due_on": (today + datetime.timedelta(days=30)).isoformat(),
        },
    )
    requested = Report.objects.get(agreement=made, kind="partial")
    assert response.status_code == 302 and response["Location"] == f"/panel/reports/{requested.pk}/"
    assert f"/reports/{requested.pk}/edit/" in text_of(client_for(member).get("/reports/"))
    Report.objects.filter(pk=requested.pk).update(due_on=today - datetime.timedelta(days=2))
    page = text_of(client.get("/panel/reports/"))
    overdue = page.split('id="overdue-heading"')[1].split('id="soon-heading"')[0]
    assert f"/panel/reports/{requested.pk}/" in overdue


def test_what_was_typed_after_the_session_expired_is_saved_once_the_member_logs_in_again():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    client = Client()
    response = client.post(
        f"/reports/{draft.pk}/edit/",
        {"results_text": "Wpisane po wygaśnięciu sesji"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 401 and "/login/" in response.json()["login"]
    assert Report.objects.get(pk=draft.pk).content == {}

    client.force_login(member)
    page = client.get(f"/reports/{draft.pk}/edit/")
    assert "Wpisane po wygaśnięciu sesji" in text_of(page)
    assert Report.objects.get(pk=draft.pk).content["results_text"] == "Wpisane po wygaśnięciu sesji"
