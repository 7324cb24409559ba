"""The reports API: the same rules as the pages, transitions as POST actions, errors as JSON."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from reporting.enums import ReportStatus
from reporting.models import FundsReturn, Report
from tests.agreements.helpers import agreement
from tests.factories import OrganisationFactory, make_ngo_member
from tests.reporting.helpers import filled_content, report

pytestmark = pytest.mark.django_db


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_members_fill_and_submit_the_final_report_through_the_api(official):
    made, member = agreement()
    client = api(member)

    opened = client.post("/api/v1/reports/final/", {"agreement": made.pk}, format="json")
    assert opened.status_code == 200
    body = opened.json()
    assert body["status"] == "draft" and body["blockers"] and body["available_transitions"] == ["submit"]
    pk = body["id"]

    bad = client.put(f"/api/v1/reports/{pk}/content/", {**filled_content(made), "interest": "-1"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "content_invalid"
    assert Report.objects.get(pk=pk).content["interest"] == "-1"  # stored as typed

    wrong_shape = client.put(f"/api/v1/reports/{pk}/content/", ["not", "an", "object"], format="json")
    assert wrong_shape.status_code == 400 and wrong_shape.json()["code"] == "invalid"
    assert Report.objects.get(pk=pk).content["interest"] == "-1"  # nothing stored

    good = client.put(f"/api/v1/reports/{pk}/content/", filled_content(made), format="json")
    assert good.status_code == 200

    submitted = client.post(f"/api/v1/reports/{pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    assert submitted.json()["settlement"]["to_return"] == "0.00"

    refused = client.post(f"/api/v1/reports/{pk}/accept/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"

    accepted = api(official).post(f"/api/v1/reports/{pk}/accept/", {}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"


def test_an_incomplete_report_is_refused_with_its_blockers():
    made, member = agreement()
    draft, _ = report(made=made, content={})
    response = api(member).post(f"/api/v1/reports/{draft.pk}/submit/")
    assert response.status_code == 400
    assert response.json()["code"] == "report_incomplete" and response.json()["errors"]["__all__"]


def test_officials_return_a_report_with_comments_and_request_partial_reports(official):
    submitted, member = report("submitted")
    client = api(official)
    missing = client.post(f"/api/v1/reports/{submitted.pk}/return_for_correction/", {}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    returned = client.post(
        f"/api/v1/reports/{submitted.pk}/return_for_correction/", {"comments": "Popraw koszty."}, format="json"
    )
    assert returned.status_code == 200 and returned.json()["status"] == ReportStatus.RETURNED

    today = timezone.localdate()
    body = {
        "agreement": submitted.agreement_id,
        "period_start": submitted.period_start.isoformat(),
        "period_end": today.isoformat(),
        "due_on": (today + datetime.timedelta(days=3)).isoformat(),
    }
    early = client.post("/api/v1/reports/", body, format="json")
    assert early.status_code == 400 and early.json()["code"] == "partial_report_invalid"
    body["due_on"] = (today + datetime.timedelta(days=30)).isoformat()
    created = client.post("/api/v1/reports/", body, format="json")
    assert created.status_code == 201 and created.json()["kind"] == "partial"
    assert api(member).post("/api/v1/reports/", body, format="json").status_code == 403


def test_returns_are_listed_to_their_organisation_and_recorded_by_officials(official):
    submitted, member = report("accepted")
    funds_return = FundsReturn.objects.create(
        agreement=submitted.agreement, report=submitted, amount=Decimal("100.00"), due_on=timezone.localdate()
    )
    assert [r["id"] for r in api(member).get("/api/v1/returns/").json()["results"]] == [funds_return.pk]
    stranger = api(make_ngo_member(OrganisationFactory()))
    assert stranger.get("/api/v1/returns/").json()["results"] == []
    assert stranger.get(f"/api/v1/returns/{funds_return.pk}/").status_code == 404
    body = {"returned_on": timezone.localdate().isoformat(), "amount": "40.00"}
    assert api(member).post(f"/api/v1/returns/{funds_return.pk}/record/", body, format="json").status_code == 403
    recorded = api(official).post(f"/api/v1/returns/{funds_return.pk}/record/", body, format="json")
    assert recorded.status_code == 200 and recorded.json()["returned_amount"] == "40.00"


def test_an_absurdly_large_amount_is_refused_and_every_page_and_list_still_opens(official):
    from django.test import Client

    made, member = agreement()
    client = api(member)
    pk = client.post("/api/v1/reports/final/", {"agreement": made.pk}, format="json").json()["id"]
    content = filled_content(made)
    content["lines"][0]["total"] = "1e26"
    refused = client.put(f"/api/v1/reports/{pk}/content/", content, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "content_invalid"
    assert Report.objects.get(pk=pk).content["lines"][0]["total"] == "1e26"  # stored as typed
    assert client.get(f"/api/v1/reports/{pk}/").status_code == 200
    assert api(official).get("/api/v1/reports/").status_code == 200
    browser = Client()
    browser.force_login(member)
    assert browser.get(f"/reports/{pk}/edit/").status_code == 200
    assert browser.get(f"/reports/{pk}/").status_code == 200
