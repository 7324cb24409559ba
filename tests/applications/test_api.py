"""The offers API: each organisation sees only its own offers; transitions as POST actions."""

import datetime

import pytest
from django.utils import timezone

from applications.models import Application
from tests.applications.helpers import complete_content, offer, open_call
from tests.clients import api_client
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def test_a_member_sees_only_their_organisations_offers():
    mine, member = offer()
    theirs, _ = offer(status="submitted")
    client = api_client(member)
    listed = client.get("/api/v1/applications/").json()
    assert [a["id"] for a in listed["results"]] == [mine.pk]
    for path in [f"/api/v1/applications/{theirs.pk}/"]:
        assert client.get(path).status_code == 404
    for action in ["submit", "withdraw", "accept_formally", "reject_formally"]:
        response = client.post(f"/api/v1/applications/{theirs.pk}/{action}/", {"reason": "x"}, format="json")
        assert response.status_code == 404, action
    theirs.refresh_from_db()
    assert theirs.status == "submitted"


def test_an_anonymous_visitor_gets_no_offer_and_can_change_none():
    application, _ = offer(status="submitted")
    client = api_client()
    assert client.get("/api/v1/applications/").json()["results"] == []
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    response = client.post(f"/api/v1/applications/{application.pk}/withdraw/")
    assert response.status_code in (401, 403) and "code" in response.json()
    assert client.post("/api/v1/applications/", {"title": "x"}).status_code in (401, 403)


def test_a_member_starts_and_submits_an_offer_through_the_api():
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    call = open_call()
    client = api_client(member)
    created = client.post(
        "/api/v1/applications/",
        {"organisation": organisation.pk, "call": call.pk, "title": "Półkolonie", "requested_amount": "12000.50"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["available_transitions"] == ["submit"]
    assert {blocker["section"] for blocker in created.json()["blockers"]} >= {"contact", "task", "declarations"}
    for section, data in complete_content(call).items():
        written = client.put(f"/api/v1/applications/{pk}/content/{section}/", data, format="json")
        assert written.status_code == 200, written.json()
    assert client.get(f"/api/v1/applications/{pk}/").json()["blockers"] == []
    submitted = client.post(f"/api/v1/applications/{pk}/submit/")
    assert submitted.status_code == 200
    body = submitted.json()
    assert body["status"] == "submitted" and body["confirmation_number"]
    assert body["available_transitions"] == ["withdraw"]
    assert body["versions_count"] == 1 and body["blockers"] == []


def test_an_official_returns_an_offer_with_defects_and_bad_input_is_a_json_error():
    application, _ = offer(status="submitted")
    client = api_client(UserFactory(roles=["official"]))
    url = f"/api/v1/applications/{application.pk}/return_for_correction/"
    bad = client.post(url, {"defects": "not a list", "due": "jutro"}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "invalid"
    assert set(bad.json()["errors"]) == {"defects", "due"}
    due = (timezone.localtime() + datetime.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")
    good = client.post(url, {"defects": ["Brak podpisu."], "due": due}, format="json")
    assert good.status_code == 200 and good.json()["status"] == "returned_for_correction"
    assert Application.objects.get(pk=application.pk).correction_due is not None


def test_a_member_cannot_start_an_offer_for_another_organisation():
    other = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(OrganisationFactory(verified_at=timezone.now()))
    response = api_client(member).post(
        "/api/v1/applications/", {"organisation": other.pk, "call": open_call().pk, "title": "x"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert not Application.objects.exists()
