"""Errors: one shape for every refusal, {"code", "message", "errors"}, and never a 500 for bad input."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from calls.models import AnnualProgramme, Call
from core.errors import DomainError, InvalidState, NotAllowed, NotFound
from tests.calls.helpers import call_in_state, db_snapshot, status_changes
from tests.factories import CallFactory, TaskFactory


def test_a_domain_error_carries_code_message_and_field_errors():
    error = DomainError("Popraw dane.", code="invalid", errors={"year": ["Zły rok."]})
    assert error.status == 400
    assert error.as_dict() == {"code": "invalid", "message": "Popraw dane.", "errors": {"year": ["Zły rok."]}}


@pytest.mark.parametrize(
    ("cls", "status", "code"), [(NotAllowed, 403, "not_allowed"), (InvalidState, 409, "invalid_state")]
)
def test_refusals_have_their_status_and_stable_code(cls, status, code):
    error = cls("Nie teraz.")
    assert (error.status, error.as_dict()["code"], error.as_dict()["message"]) == (status, code, "Nie teraz.")


def test_not_found_has_a_default_message():
    error = NotFound()
    assert error.status == 404
    assert error.as_dict()["code"] == "not_found"
    assert str(error.message).strip()


# --- the API -------------------------------------------------------------------------------------------------


@pytest.fixture
def api(official):
    client = APIClient(raise_request_exception=False)  # a crash must show up as a 500 answer
    client.force_authenticate(official)
    return client


def assert_error_shape(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response.content[:300]
    body = response.json()
    assert set(body) >= {"code", "message", "errors"}
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"].strip()
    assert isinstance(body["errors"], dict)
    return body


@pytest.mark.django_db
def test_a_programme_year_that_is_not_a_number_is_a_400_naming_the_field(api):
    response = api.post("/api/v1/programmes/", {"year": "abc", "title": "Program"}, format="json")
    body = assert_error_shape(response, 400)
    assert body["code"] == "invalid"
    assert list(body["errors"]) == ["year"]
    assert all(isinstance(m, str) and m for m in body["errors"]["year"])
    assert not AnnualProgramme.objects.exists()


@pytest.mark.django_db
def test_a_refusal_by_the_service_has_the_same_shape(api):
    # an announced call cannot be edited (the service refuses, 403)
    call = call_in_state("announced")
    body = assert_error_shape(api.patch(f"/api/v1/calls/{call.pk}/", {"title": "Zmiana"}, format="json"), 403)
    assert body["code"] == "not_allowed"


@pytest.mark.django_db
def test_an_impossible_transition_is_a_409(api):
    call = call_in_state("completed")
    body = assert_error_shape(api.post(f"/api/v1/calls/{call.pk}/start_evaluation/", {}, format="json"), 409)
    assert body["code"] == "invalid_state"


@pytest.mark.django_db
def test_an_incomplete_announcement_is_a_400_listing_the_fields(api):
    call = CallFactory(procedure="", published_board_at=None)
    body = assert_error_shape(api.post(f"/api/v1/calls/{call.pk}/announce/", {}, format="json"), 400)
    assert body["code"] == "announcement_incomplete"
    assert {"procedure", "published_board_at"} <= set(body["errors"])


@pytest.mark.django_db
def test_a_transition_on_an_unknown_call_is_a_404(api):
    assert_error_shape(api.post("/api/v1/calls/987654321/close/", {}, format="json"), 404)


RAW_JUNK = [
    pytest.param("{not json", "application/json", id="broken-json"),
    pytest.param(b"\xff\xfe\x00", "application/json", id="not-utf8"),
    pytest.param("[1, 2, 3]", "application/json", id="a-list"),
    pytest.param('"just a string"', "application/json", id="a-string"),
    pytest.param("null", "application/json", id="null"),
    pytest.param("{}", "text/plain", id="text-plain"),
    pytest.param("year=abc&title=", "application/x-www-form-urlencoded", id="form-encoded"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "content_type"), RAW_JUNK)
@pytest.mark.parametrize("url", ["/api/v1/programmes/", "/api/v1/tasks/", "/api/v1/calls/"])
def test_malformed_bodies_are_4xx_json_errors(url, body, content_type, api):
    before = db_snapshot()
    response = api.generic("POST", url, body, content_type=content_type)
    assert_error_shape(response, 400, 415)
    assert db_snapshot() == before


def _task_payload(task, **overrides):
    return {
        "programme": task.programme_id,
        "title": "Zadanie",
        "sphere": task.sphere_id,
        "form": "supporting",
        "planned_funds": "100.00",
        "planned_quarter": 1,
        **overrides,
    }


FIELD_JUNK = [
    ("programmes", {"year": [2030], "title": {"a": 1}}),
    ("programmes", {"year": 2030.5, "title": "Program"}),
    ("programmes", {"year": True, "title": "Program"}),
    ("programmes", {"year": 10**30, "title": "Program"}),
    ("programmes", {"year": 2030, "title": "x" * 100_000}),
    ("programmes", {"year": 2030, "title": "nul\x00znak"}),
    ("programmes", {"year": 2030, "title": "Program", "adopted_on": "2030-02-30"}),
    ("tasks", {"planned_funds": "1e20"}),
    ("tasks", {"planned_funds": "NaN"}),
    ("tasks", {"planned_funds": "-1"}),
    ("tasks", {"planned_funds": "12.345"}),
    ("tasks", {"planned_quarter": 70000}),
    ("tasks", {"programme": "abc", "sphere": 10**25}),
    ("tasks", {"form": "x" * 10_000}),
    ("calls", {"task": 10**25, "title": "Konkurs"}),
    ("calls", {"title": "Konkurs", "funds": "Infinity"}),
    ("calls", {"title": "Konkurs", "offer_deadline": "not a date"}),
    ("calls", {"title": "Konkurs", "offer_deadline": "10000-01-01T00:00:00"}),
    ("calls", {"title": "Konkurs", "offer_deadline": "0001-01-01T00:00:00+14:00"}),
    ("calls", {"title": "Konkurs", "max_grant_share_percent": "1000"}),
    ("calls", {"title": "", "realisation_start": "2027-02-30"}),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("resource", "payload"), FIELD_JUNK, ids=[f"{r}-{i}" for i, (r, _) in enumerate(FIELD_JUNK)])
def test_wrong_types_and_values_are_400_json_errors(resource, payload, api):
    task = TaskFactory()
    if resource == "tasks":
        payload = _task_payload(task, **payload)
    elif resource == "calls":
        payload = {"task": task.pk, **payload}
    before = db_snapshot()
    body = assert_error_shape(api.post(f"/api/v1/{resource}/", payload, format="json"), 400)
    assert body["code"] == "invalid"
    assert body["errors"]
    assert db_snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"offer_deadline": "not a date"},
        {"funds": "Infinity"},
        {"task": 10**25},
        {"max_grant_share_percent": "1000"},
        {"title": ""},
        {"title": None},
        {"title": ["a list"]},
    ],
)
def test_junk_updates_of_a_draft_call_are_400_json_errors(payload, api):
    call = CallFactory()
    before = db_snapshot()
    assert_error_shape(api.patch(f"/api/v1/calls/{call.pk}/", payload, format="json"), 400)
    assert db_snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload",
    [
        {"ground": "because", "reason": "Powód"},
        {"ground": "no_offers", "reason": ""},
        {"ground": "no_offers", "reason": "x" * 5000},
        {"ground": ["no_offers"], "reason": {"a": 1}},
        {},
    ],
    ids=["unknown-ground", "empty-reason", "huge-reason", "wrong-types", "nothing"],
)
def test_a_cancellation_with_junk_is_a_400_and_cancels_nothing(payload, api):
    call = call_in_state("closed")
    body = assert_error_shape(api.post(f"/api/v1/calls/{call.pk}/cancel/", payload, format="json"), 400)
    assert body["errors"]
    assert Call.objects.values_list("status", flat=True).get(pk=call.pk) == "closed"


@pytest.mark.django_db
def test_a_transition_with_a_malformed_body_is_a_400(api):
    call = call_in_state("closed")
    response = api.generic(
        "POST", f"/api/v1/calls/{call.pk}/start_evaluation/", "{oops", content_type="application/json"
    )
    assert_error_shape(response, 400)
    assert Call.objects.values_list("status", flat=True).get(pk=call.pk) == "closed"


@pytest.mark.django_db
def test_an_oversized_body_is_a_json_error(api):
    # 3 MB: above Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB)
    body = json.dumps({"year": 2030, "title": "x" * 3_000_000})
    response = api.generic("POST", "/api/v1/programmes/", body, content_type="application/json")
    assert_error_shape(response, 400, 413)
    assert not AnnualProgramme.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["status=xyz", "task=abc", "task=99999999999999999999999", "task__programme__year=abc"]
)
def test_junk_filters_on_the_calls_list_are_400_json_errors(query, api):
    assert_error_shape(api.get(f"/api/v1/calls/?{query}"), 400)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["limit=abc&offset=-5", "limit=100000", "programme__year=99999999", "format=json"])
def test_harmless_junk_in_list_queries_is_ignored(query):
    response = APIClient(raise_request_exception=False).get(f"/api/v1/tasks/?{query}")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/?year=abc", 200),
        ("/?year=99999999999999999999", 200),
        ("/programme/99999999999999999999999/", 404),
        ("/programme/1999/", 404),
        ("/calls/99999999999999999999999/", 404),
        ("/calls/99999999999999999999999/announcement.pdf", 404),
        ("/api/v1/calls/99999999999999999999999/", 404),
    ],
)
def test_junk_in_public_urls_is_not_a_server_error(url, status):
    TaskFactory()  # a programme exists, so an unknown year is "not found", not "nothing yet"
    response = Client(raise_request_exception=False).get(url)
    assert response.status_code == status


@pytest.mark.django_db
def test_an_unknown_panel_action_is_a_page_with_the_reason_not_a_crash(official):
    client = Client(raise_request_exception=False)
    client.force_login(official)
    call = call_in_state("announced")
    response = client.post(f"/panel/calls/{call.pk}/frobnicate/")
    assert response.status_code == 400
    assert Call.objects.values_list("status", flat=True).get(pk=call.pk) == "announced"
    assert not status_changes(call).exists()
