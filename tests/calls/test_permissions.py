"""Who may write: anonymous visitors and NGO members are refused every write and transition, in the panel
and the API, and nothing changes; drafts are hidden from them everywhere; the Django admin is for administrators.
"""

import importlib

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext
from rest_framework.test import APIClient

from agreements.urls import panel_patterns as agreements_panel_patterns
from calls.models import Call
from calls.urls import panel_patterns
from evaluation.result_urls import panel_patterns as result_panel_patterns
from evaluation.urls import panel_patterns as committee_panel_patterns
from notifications.urls import panel_patterns as notice_panel_patterns
from reporting.annual_urls import panel_patterns as annual_panel_patterns
from reporting.urls import panel_patterns as reporting_panel_patterns
from smallgrants.urls import panel_patterns as smallgrants_panel_patterns
from tests.calls.helpers import CANCEL_BODY, TRANSITIONS, World, db_snapshot, status_changes, stored_status
from tests.factories import UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

PANEL_TRANSITIONS = ["close", "start_evaluation", "resolve", "complete"]


def _panel_targets():
    """One entry per panel URL pattern; the generic transition URL once per transition."""
    targets = []
    for pattern in panel_patterns[0]:
        if "<str:name>" in str(pattern.pattern):
            targets += [f"{pattern.name}:{t}" for t in PANEL_TRANSITIONS]
        else:
            targets.append(pattern.name)
    targets += [f"committee_panel:{pattern.name}" for pattern in committee_panel_patterns[0]]
    targets += [f"results:{pattern.name}" for pattern in result_panel_patterns[0]]
    targets += [f"panel_notices:{pattern.name}" for pattern in notice_panel_patterns[0]]
    # The apps of realisation keep their tables next to their tests (tests/<app>/panel_requests.py).
    targets += [f"panel_agreements:{pattern.name}" for pattern in agreements_panel_patterns]
    targets += [f"panel_reporting:{pattern.name}" for pattern in reporting_panel_patterns]
    targets += [f"panel_smallgrants:{pattern.name}" for pattern in smallgrants_panel_patterns]
    targets += [f"panel_annual:{pattern.name}" for pattern in annual_panel_patterns]
    return targets


def results_panel_request(world, name):
    """The ranking, decisions, updates and reasons panel URLs (evaluation.result_urls), on the call in
    evaluation with its scoring closed."""
    from evaluation.models import Evaluation, ReasonRequest
    from tests.applications.helpers import offer

    call = world.calls["in_evaluation"]
    Evaluation.objects.get_or_create(call=call)
    Evaluation.objects.filter(call=call).update(status="closed")
    application, _ = offer(call, status="update_submitted")
    asked = ReasonRequest.objects.create(application=application, requester_name="Jan", requester_email="j@example.org")
    base = f"/panel/calls/{call.pk}/"
    return {
        "ranking": (f"{base}ranking/", {}),
        "protocol": (f"{base}ranking/protocol.pdf", {}),
        "decisions": (f"{base}decisions/", {"application": application.pk}),
        "publish": (f"{base}decisions/publish/", {"confirm": "on"}),
        "reason_requests": ("/panel/reason-requests/", {}),
        "reason_request": (f"/panel/reason-requests/{asked.pk}/", {"answer": "Odpowiedź"}),
        "update_review": (f"/panel/offers/{application.pk}/update/", {"decision": "confirm"}),
    }[name]


def notice_panel_request(world, name):
    """The media register, press notes and delivery dashboard (notifications.urls): an outlet, a press
    note draft on the resolved call, a failed notice."""
    from notifications.models import OutboxMessage, PressNote
    from tests.factories import MediaOutletFactory

    outlet = MediaOutletFactory()
    note, _ = PressNote.objects.get_or_create(
        call=world.calls["resolved"], defaults={"subject": "Wyniki", "body": "Tekst", "generated_body": "Tekst"}
    )
    failed, _ = OutboxMessage.objects.get_or_create(
        dedupe_key="perm",
        defaults={"event": "call_announced", "recipient": "a@example.org", "subject": "S", "body_text": "T"},
        status="failed",
    )
    outlet_data = {"name": "Radio", "email": "radio@example.org", "wants_calls": "on", "active": "on"}
    return {
        "media_list": ("/panel/media/", {}),
        "media_new": ("/panel/media/new/", outlet_data),
        "media_edit": (f"/panel/media/{outlet.pk}/", outlet_data),
        "media_deactivate": (f"/panel/media/{outlet.pk}/active/", {}),
        "press_list": ("/panel/press-notes/", {}),
        "press_detail": (f"/panel/press-notes/{note.pk}/", {"subject": "S", "body": "B", "action": "approve"}),
        "notice_list": ("/panel/notices/", {}),
        "notice_detail": (f"/panel/notices/{failed.pk}/", {}),
        "notice_retry": (f"/panel/notices/{failed.pk}/retry/", {}),
    }[name]


def committee_panel_request(world, name):
    """The committee's panel URLs (evaluation.urls), on the call in evaluation with a committee ready
    to score (and scoring open for closing it)."""
    from evaluation import services
    from evaluation.models import CommitteeMember, Evaluation

    call = world.calls["in_evaluation"]
    evaluation = services.evaluation_for(call)
    if evaluation.chair() is None:
        CommitteeMember.objects.create(evaluation=evaluation, user=UserFactory(), role="official", is_chair=True)
    member = CommitteeMember.objects.create(evaluation=evaluation, user=UserFactory(), role="official")
    if name == "close_scoring":
        Evaluation.objects.filter(pk=evaluation.pk).update(status="scoring")
    base = f"/panel/calls/{call.pk}/committee/"
    return {
        "committee": (base, {}),
        "appoint": (f"{base}appoint/", {"email": UserFactory().email, "role": "expert"}),
        "open_scoring": (f"{base}open-scoring/", {}),
        "close_scoring": (f"{base}close-scoring/", {}),
        "member_remove": (f"/panel/committee-members/{member.pk}/remove/", {"reason": "Próba"}),
        "member_chair": (f"/panel/committee-members/{member.pk}/chair/", {}),
    }[name]


def panel_request(world, target):
    """The URL of ``target`` and data that an official's POST would succeed with."""
    draft = world.draft
    if target == "formal_check":
        from tests.applications.helpers import offer

        application, _ = offer(world.calls["closed"], status="submitted")
        answers = {f"met_{i}": "met" for i, _ in enumerate(application.call.formal_requirements())}
        return f"/panel/offers/{application.pk}/formal-check/", {**answers, "decision": "accept"}
    if target.startswith("committee_panel:"):
        return committee_panel_request(world, target.split(":")[1])
    if target.startswith("results:"):
        return results_panel_request(world, target.split(":")[1])
    if target.startswith("panel_notices:"):
        return notice_panel_request(world, target.split(":")[1])
    if target.startswith("panel_annual:"):
        from tests.reporting.annual_panel_requests import panel_request as annual_request

        return annual_request(world, target.split(":")[1])
    for app in ("agreements", "reporting", "smallgrants"):
        if target.startswith(f"panel_{app}:"):
            module = importlib.import_module(f"tests.{app}.panel_requests")
            return module.panel_request(world, target.split(":")[1])
    if target.startswith("call_transition:"):
        transition = target.split(":")[1]
        return f"/panel/calls/{world.call_for(transition).pk}/{transition}/", {"reason": "Próba"}
    table = {
        "dashboard": ("/panel/", {}),
        "programme_new": ("/panel/programmes/new/", world.valid_programme()),
        "programme": (f"/panel/programmes/{world.programme.pk}/", {}),
        "programme_edit": (f"/panel/programmes/{world.programme.pk}/edit/", world.valid_programme(year=2026)),
        "task_new": ("/panel/tasks/new/", world.valid_task()),
        "task_edit": (f"/panel/tasks/{world.task.pk}/edit/", world.valid_task(title="Zmienione")),
        "call_new": ("/panel/calls/new/", world.valid_call()),
        "call": (f"/panel/calls/{draft.pk}/", {}),
        "call_edit": (f"/panel/calls/{draft.pk}/edit/", world.valid_call(title="Zmieniony")),
        "call_criteria": (
            f"/panel/calls/{draft.pk}/criteria/",
            {"criteria-TOTAL_FORMS": "0", "criteria-INITIAL_FORMS": "0"},
        ),
        "call_announce": (f"/panel/calls/{draft.pk}/announce/", {}),
        "call_cancel": (f"/panel/calls/{world.call_for('cancel').pk}/cancel/", CANCEL_BODY),
        "call_offers": (f"/panel/calls/{world.calls['closed'].pk}/offers/", {}),
        "schedule": ("/panel/schedule/", {}),
    }
    return table[target]


@pytest.fixture
def world(db):
    return World()


def panel_denial_reason():
    with translation.override("pl"):
        return escape(gettext("This panel is for officials of the NGO Centre and the approver."))


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("target", _panel_targets())
def test_anonymous_visitors_are_sent_to_the_login_page_from_every_panel_url(target, method, world):
    url, data = panel_request(world, target)
    before = db_snapshot()
    response = getattr(Client(), method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert db_snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("target", _panel_targets())
def test_ngo_members_are_refused_every_panel_url_with_a_reason(target, method, world):
    url, data = panel_request(world, target)
    client = Client()
    client.force_login(make_ngo_member())
    before = db_snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == 403
    assert panel_denial_reason() in response.content.decode()
    assert db_snapshot() == before


def test_the_panel_urls_the_tests_know_are_all_the_panel_urls(world):
    # a new panel URL must be added to panel_request() (and so to the refusal tests above)
    for target in _panel_targets():
        assert panel_request(world, target)


# --- API writes ------------------------------------------------------------------------------------------


def api_writes(world):
    """(method, url, body, reveals_a_draft) for every write the API offers."""
    writes = [
        ("post", "/api/v1/programmes/", world.valid_programme(), False),
        ("patch", f"/api/v1/programmes/{world.programme.pk}/", {"title": "Zmieniony"}, False),
        ("post", "/api/v1/tasks/", world.valid_task(), False),
        ("patch", f"/api/v1/tasks/{world.task.pk}/", {"title": "Zmienione"}, False),
        ("post", "/api/v1/calls/", world.valid_call(), False),
        ("patch", f"/api/v1/calls/{world.draft.pk}/", {"title": "Zmieniony"}, True),
        ("patch", f"/api/v1/calls/{world.calls['announced'].pk}/", {"title": "Zmieniony"}, False),
    ]
    for transition in TRANSITIONS:
        call = world.call_for(transition)
        body = CANCEL_BODY if transition == "cancel" else {"reason": "Próba"}
        writes.append(("post", f"/api/v1/calls/{call.pk}/{transition}/", body, call.status == "draft"))
    return writes


API_WRITE_IDS = [
    "programme-create",
    "programme-update",
    "task-create",
    "task-update",
    "call-create",
    "draft-update",
    "announced-update",
    *TRANSITIONS,
]


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
@pytest.mark.parametrize("index", range(len(API_WRITE_IDS)), ids=API_WRITE_IDS)
def test_anonymous_and_ngo_members_are_refused_every_api_write(index, role, world):
    method, url, body, is_draft = api_writes(world)[index]
    client = APIClient()
    if role == "ngo_member":
        client.force_authenticate(make_ngo_member())
    before = db_snapshot()
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code in ({403, 404} if is_draft else {403})
    data = response.json()
    assert isinstance(data.get("code"), str) and data["code"]
    assert isinstance(data.get("message"), str) and data["message"].strip()
    assert db_snapshot() == before


@pytest.mark.parametrize("index", range(5), ids=API_WRITE_IDS[:5])
def test_officials_may_make_the_same_api_writes(index, world, official):
    # the control for the refusals above: the same request by an official succeeds
    method, url, body, _ = api_writes(world)[index]
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(official)
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == (201 if method == "post" else 200), response.content[:300]
    for field, value in body.items():
        assert str(response.json()[field]) == str(value)


def test_an_official_updates_a_draft_call_through_the_api(world, official):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(official)
    response = client.patch(f"/api/v1/calls/{world.draft.pk}/", {"title": "Zmieniony tytuł"}, format="json")
    assert response.status_code == 200, response.content[:300]
    assert Call.objects.get(pk=world.draft.pk).title == "Zmieniony tytuł"


def test_a_call_created_through_the_api_gets_the_statutory_criteria(world, official):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(official)
    response = client.post("/api/v1/calls/", world.valid_call(), format="json")
    assert response.status_code == 201, response.content[:300]
    assert response.json()["status"] == "draft"
    assert len(response.json()["criteria"]) == 6  # the task is "supporting": all six of art. 15 ust. 1


@pytest.mark.parametrize("role", ["anonymous", "ngo_member", "official"])
@pytest.mark.parametrize("resource", ["programmes", "tasks", "calls"])
def test_nothing_can_be_deleted_through_the_api(resource, role, world):
    pk = {"programmes": world.programme.pk, "tasks": world.task.pk, "calls": world.calls["cancelled"].pk}[resource]
    client = APIClient()
    if role == "ngo_member":
        client.force_authenticate(make_ngo_member())
    elif role == "official":
        client.force_authenticate(UserFactory(roles=["official"]))
    before = db_snapshot()
    response = client.delete(f"/api/v1/{resource}/{pk}/")
    assert response.status_code in {403, 405}
    assert db_snapshot() == before


def test_the_status_cannot_be_written_directly_through_the_api(world, official):
    # given a draft call: its status changes only through transitions
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(official)
    # when an official PATCHes the status (and the title) directly
    response = client.patch(
        f"/api/v1/calls/{world.draft.pk}/", {"status": "completed", "title": "Nowy tytuł"}, format="json"
    )
    # then the title is saved but the status is not (it is read-only), and no history entry appears
    assert response.status_code == 200, response.content[:300]
    assert response.json()["status"] == "draft"
    assert response.json()["title"] == "Nowy tytuł"
    assert stored_status(world.draft) == "draft"
    assert not status_changes(world.draft).exists()


# --- drafts are not public -------------------------------------------------------------------------------


def _client(role, user_of_role):
    client = Client()
    user = user_of_role(role)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
def test_a_draft_is_hidden_from_the_public_everywhere(role, world, user_of_role):
    client = _client(role, user_of_role)
    draft, announced = world.draft, world.calls["announced"]

    # the draft's own pages answer as if it did not exist
    for url in [f"/calls/{draft.pk}/", f"/calls/{draft.pk}/announcement.pdf", f"/api/v1/calls/{draft.pk}/"]:
        response = client.get(url)
        assert response.status_code == 404, url
        assert draft.title not in response.content.decode(errors="replace")

    # and the lists show the announced call but not the draft
    for url in ["/", "/calls/"]:
        page = client.get(url).content.decode()
        assert announced.title in page, url
        assert draft.title not in page, url
    listed = [c["id"] for c in client.get("/api/v1/calls/").json()["results"]]
    assert announced.pk in listed and draft.pk not in listed
    task = next(t for t in client.get("/api/v1/tasks/").json()["results"] if t["id"] == world.task.pk)
    assert announced.pk in task["calls"] and draft.pk not in task["calls"]


@pytest.mark.parametrize("role", ["official", "approver"])
def test_staff_see_drafts(role, world, user_of_role):
    client = _client(role, user_of_role)
    draft = world.draft
    response = client.get(f"/calls/{draft.pk}/")
    assert response.status_code == 200
    assert draft.title in response.content.decode()
    preview = client.get(f"/calls/{draft.pk}/announcement.pdf")
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"
    assert client.get(f"/api/v1/calls/{draft.pk}/").json()["status"] == "draft"
    assert draft.title in client.get("/calls/").content.decode()
    assert draft.title in client.get("/").content.decode()
    assert draft.pk in [c["id"] for c in client.get("/api/v1/calls/").json()["results"]]
    task = next(t for t in client.get("/api/v1/tasks/").json()["results"] if t["id"] == world.task.pk)
    assert draft.pk in task["calls"]


# --- Django admin ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["official", "approver", "ngo_member"])
def test_the_django_admin_refuses_everyone_but_administrators(role, user_of_role):
    client = _client(role, user_of_role)
    for url in ["/admin/", "/admin/core/legalparameter/", "/admin/calls/call/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/"), url


def test_the_django_admin_admits_an_administrator(administrator):
    client = Client()
    client.force_login(administrator)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert "/admin/core/legalparameter/" in response.content.decode()
    assert client.get("/admin/core/legalparameter/").status_code == 200
