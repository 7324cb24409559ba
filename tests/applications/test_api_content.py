"""The offer's sections through the API: stored as the editor stores them, malformed values kept and
reported, wrong shapes refused with nothing stored, only members write, only while editable."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from applications.completeness import DECLARATIONS, SECTIONS
from applications.models import Application
from applications.rules import NOT_MEMBER
from tests.applications.helpers import complete_content, offer, open_call
from tests.clients import api_client
from tests.factories import UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def url(application, section):
    return f"/api/v1/applications/{application.pk}/content/{section}/"


def empty_offer(call=None):
    application, member = offer(call)
    Application.objects.filter(pk=application.pk).update(content={})
    application.refresh_from_db()
    return application, member


def put(client, application, section, body):
    return client.put(url(application, section), body, format="json")


def assert_contains(stored, sent, path="content"):
    """Every value sent is stored as sent (the forms may add their other fields, blank)."""
    if isinstance(sent, dict):
        assert isinstance(stored, dict), path
        for key, value in sent.items():
            assert key in stored, f"{path}.{key} missing"
            assert_contains(stored[key], value, f"{path}.{key}")
    elif isinstance(sent, list):
        assert isinstance(stored, list) and len(stored) == len(sent), path
        for index, (stored_row, sent_row) in enumerate(zip(stored, sent, strict=True)):
            assert_contains(stored_row, sent_row, f"{path}.{index}")
    else:
        assert stored == sent, path


def polish(message):
    """``message`` as a client gets it: pages and the API answer in Polish unless English is chosen."""
    with translation.override("pl"):
        return str(gettext(message) if isinstance(message, str) else message)


def stored_content(application):
    return Application.objects.get(pk=application.pk).content


def test_every_section_round_trips_and_the_offer_can_then_be_submitted():
    application, member = empty_offer()
    client = api_client(member)
    sections = complete_content(application.call)
    assert set(sections) == set(SECTIONS)
    for section, data in sections.items():
        response = put(client, application, section, data)
        assert response.status_code == 200, (section, response.json())
        body = response.json()
        assert body["section"] == section
        assert_contains(body["content"], data)
        assert client.get(url(application, section)).json()["content"] == body["content"]
        assert all(blocker["section"] != section for blocker in body["blockers"]), body["blockers"]
    assert body["blockers"] == []
    detail = client.get(f"/api/v1/applications/{application.pk}/").json()
    assert detail["blockers"] == [] and detail["available_transitions"] == ["submit"]
    assert_contains(detail["content"], sections)
    assert detail["requested_amount"] == "900.00"  # follows the planned grant of V.B, as in the editor
    submitted = client.post(f"/api/v1/applications/{application.pk}/submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["blockers"] == [] and submitted.json()["versions_count"] == 1


def test_fields_left_out_are_blank_text_is_trimmed_and_numbers_are_kept_as_text():
    application, member = empty_offer()
    client = api_client(member)
    response = put(client, application, "contact", {"name": "  Anna Nowak  ", "phone": 321234567})
    assert response.status_code == 200
    content = response.json()["content"]
    assert content["name"] == "Anna Nowak" and content["phone"] == "321234567" and content["email"] == ""
    assert polish("Fill in “%(field)s”.") % {"field": polish("E-mail")} in [
        b["text"] for b in response.json()["blockers"]
    ]
    declarations = put(client, application, "declarations", {DECLARATIONS[0]: True, DECLARATIONS[1]: None})
    assert declarations.status_code == 200
    assert declarations.json()["content"] == {name: name == DECLARATIONS[0] for name in DECLARATIONS}


def test_the_title_of_section_iii_renames_the_offer_and_a_blank_one_keeps_it():
    application, member = empty_offer()
    client = api_client(member)
    renamed = put(client, application, "task", {"title": "Lato w Zabrzu", "synopsis": "Półkolonie."})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Lato w Zabrzu"
    assert "title" not in renamed.json()["content"]
    kept = put(client, application, "task", {"title": "  ", "synopsis": "Półkolonie."})
    assert kept.json()["title"] == "Lato w Zabrzu"
    assert Application.objects.get(pk=application.pk).title == "Lato w Zabrzu"


def test_a_table_left_out_keeps_its_rows_and_an_empty_list_clears_them():
    application, member = offer()
    client = api_client(member)
    activities = complete_content(application.call)["task"]["activities"]
    response = put(client, application, "task", {"synopsis": "Nowy opis."})
    assert response.status_code == 200
    assert response.json()["content"]["activities"] == activities
    assert response.json()["content"]["synopsis"] == "Nowy opis."
    cleared = put(client, application, "task", {"synopsis": "Nowy opis.", "activities": []})
    assert cleared.json()["content"]["activities"] == []
    assert polish("Add at least one activity to the schedule.") in [b["text"] for b in cleared.json()["blockers"]]
    blank_rows = put(client, application, "task", {"activities": [{"name": "Zajęcia"}, {}, {"name": ""}]})
    assert [row["name"] for row in blank_rows.json()["content"]["activities"]] == ["Zajęcia"]


def test_malformed_values_are_stored_as_typed_and_reported_by_their_path():
    application, member = empty_offer()
    client = api_client(member)
    budget = {
        "sources": {"grant": "dziewięćset", "own_financial": "100,00"},
        "lines": [
            {"activity": "1", "name": "Trener", "unit": "godz.", "unit_cost": "100,00", "quantity": "10"},
            {"activity": "1", "name": "Sala", "unit": "dzień", "unit_cost": "sto", "quantity": "-2"},
        ],
    }
    response = put(client, application, "budget", budget)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "content_invalid" and body["message"]
    assert set(body["errors"]) == {"sources.grant", "lines.1.unit_cost", "lines.1.quantity"}
    assert body["content"]["sources"]["grant"] == "dziewięćset"
    stored = stored_content(application)["budget"]
    assert stored["lines"][1]["unit_cost"] == "sto" and stored["sources"]["grant"] == "dziewięćset"

    start = application.call.realisation_start
    task = {"activities": [{"name": "Zajęcia", "start": start.isoformat(), "end": "2020-13-45"}]}
    response = put(client, application, "task", task)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"activities.0.end"}
    task["activities"][0]["end"] = (start - datetime.timedelta(days=1)).isoformat()
    response = put(client, application, "task", task)
    assert response.status_code == 400 and set(response.json()["errors"]) == {"activities.0.end"}
    assert stored_content(application)["task"]["activities"][0]["end"] == task["activities"][0]["end"]

    response = put(client, application, "contact", {"name": "Anna", "email": "anna(at)example.org"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"email"}
    assert stored_content(application)["contact"]["email"] == "anna(at)example.org"
    response = put(client, application, "other", {"payment": "maybe"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"payment"}
    # the submission is refused while anything blocks it
    refused = client.post(f"/api/v1/applications/{application.pk}/submit/")
    assert refused.status_code == 400 and refused.json()["code"] == "offer_incomplete"


@pytest.mark.parametrize(
    "section,body,path",
    [
        ("task", ["not", "an", "object"], "__all__"),
        ("task", "synopsis", "__all__"),
        ("task", 42, "__all__"),
        ("task", {"synopsis": ["a", "list"]}, "synopsis"),
        ("task", {"synopsis": {"an": "object"}}, "synopsis"),
        ("task", {"synopsis": True}, "synopsis"),
        ("task", {"synopsys": "a typo"}, "synopsys"),
        ("task", {"activities": "Zajęcia"}, "activities"),
        ("task", {"activities": {"name": "Zajęcia"}}, "activities"),
        ("task", {"activities": ["Zajęcia"]}, "activities.0"),
        ("task", {"activities": [{"name": ["Zajęcia"]}]}, "activities.0.name"),
        ("task", {"activities": [{"nazwa": "Zajęcia"}]}, "activities.0.nazwa"),
        ("task", {"activities": [{}] * 1001}, "activities"),
        ("contact", {"name": "Anna\u0000Nowak"}, "name"),
        ("budget", {"sources": ["900,00"]}, "sources"),
        ("budget", {"sources": {"grant": [900]}}, "sources.grant"),
        ("budget", {"grant": "900,00"}, "grant"),
        ("budget", {"lines": [{"unit_cost": {"value": 1}}]}, "lines.0.unit_cost"),
        ("declarations", {DECLARATIONS[0]: "yes"}, DECLARATIONS[0]),
        ("declarations", {DECLARATIONS[0]: 1}, DECLARATIONS[0]),
    ],
)
def test_a_body_of_the_wrong_shape_is_refused_and_nothing_is_stored(section, body, path):
    application, member = offer()
    before = stored_content(application)
    response = put(api_client(member), application, section, body)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid" and response.json()["message"]
    assert path in response.json()["errors"], response.json()
    assert stored_content(application) == before


def test_what_is_not_json_is_a_json_error_and_nothing_is_stored():
    application, member = offer()
    before = stored_content(application)
    client = api_client(member)
    broken = client.put(url(application, "task"), '{"synopsis": "a', content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "parse_error"
    form = client.put(url(application, "task"), "task-synopsis=a", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415 and form.json()["code"] == "unsupported_media_type"
    surrogate = client.put(url(application, "task"), '{"synopsis": "\\ud800"}', content_type="application/json")
    assert surrogate.status_code == 400 and "synopsis" in surrogate.json()["errors"]
    assert stored_content(application) == before


def test_an_unknown_section_is_not_found():
    application, member = offer()
    client = api_client(member)
    for section in ["summary", "attachments", "Task", "title"]:
        assert client.get(url(application, section)).status_code == 404
        response = put(client, application, section, {})
        assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_others_do_not_see_an_offer_officials_read_it_and_only_members_write_it():
    application, member = offer()
    before = stored_content(application)
    stranger = make_ngo_member()
    for client in [api_client(stranger), api_client()]:
        assert client.get(url(application, "task")).status_code == 404
        assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert put(api_client(stranger), application, "task", {"synopsis": "x"}).status_code == 404
    assert put(api_client(), application, "task", {"synopsis": "x"}).status_code in (401, 403)

    official = api_client(UserFactory(roles=["official"]))
    read = official.get(url(application, "task"))
    assert read.status_code == 200 and read.json()["content"] == before["task"]
    assert official.get(f"/api/v1/applications/{application.pk}/").json()["content"] == before
    refused = put(official, application, "task", {"synopsis": "x"})
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert refused.json()["message"] == polish(NOT_MEMBER)
    assert put(api_client(UserFactory(roles=["approver"])), application, "task", {}).status_code == 403
    assert stored_content(application) == before


@pytest.mark.parametrize("status", ["submitted", "formally_accepted", "withdrawn"])
def test_a_submitted_offer_cannot_be_changed_and_shows_no_blockers(status):
    application, member = offer(status=status)
    Application.objects.filter(pk=application.pk).update(content={"task": {"synopsis": "Złożony opis."}})
    client = api_client(member)
    refused = put(client, application, "task", {"synopsis": "Zmiana po złożeniu."})
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    with translation.override("pl"):
        assert application.get_status_display() in refused.json()["message"]
    assert stored_content(application) == {"task": {"synopsis": "Złożony opis."}}
    read = client.get(url(application, "task")).json()
    assert read["content"] == {"synopsis": "Złożony opis."} and read["blockers"] == []


def test_a_returned_offer_is_corrected_through_the_api():
    application, member = offer(status="returned_for_correction")
    response = put(api_client(member), application, "offeror", {"experience": "Poprawione.", "resources": "Sala."})
    assert response.status_code == 200
    assert stored_content(application)["offeror"] == {"experience": "Poprawione.", "resources": "Sala."}


def test_the_offer_representation_lists_the_blockers_while_it_is_a_draft():
    application, member = empty_offer()
    body = api_client(member).get(f"/api/v1/applications/{application.pk}/").json()
    assert body["content"] == {} and body["versions_count"] == 0 and body["correction_due"] is None
    sections = {blocker["section"] for blocker in body["blockers"]}
    assert sections == {"contact", "task", "offeror", "budget", "other", "declarations"}
    listed = api_client(member).get("/api/v1/applications/").json()["results"]
    assert listed[0]["blockers"] == body["blockers"]


def test_fields_of_joint_offers_results_and_years_work_through_the_api():
    """Fields the editor's forms have only for some offers (partners' rows make the offer joint, then
    each activity and cost names its offeror; a task over two years gives each cost its year)."""
    start = timezone.localdate() + datetime.timedelta(days=60)
    call = open_call(
        realisation_start=start, realisation_end=start.replace(year=start.year + 1), requires_results_table=True
    )
    application, member = empty_offer(call)
    client = api_client(member)
    single = put(client, application, "task", {"activities": [{"name": "Zajęcia", "offeror": "1"}]})
    assert single.status_code == 200  # no offeror to name in an offer of one offeror: ignored, as in the editor
    assert "offeror" not in single.json()["content"]["activities"][0]

    partner = {"name": "Klub Sportowy Górnik", "legal_form": "stowarzyszenie", "register_number": "0000123456"}
    contact = put(client, application, "contact", {"name": "Anna", "partners": [partner]})
    assert contact.status_code == 200
    assert_contains(contact.json()["content"]["partners"], [partner])
    activity = {"name": "Zajęcia", "start": start.isoformat(), "end": start.isoformat(), "offeror": "1"}
    indicator = {"name": "Uczestnicy", "planned_level": "30 dzieci", "monitoring": "Listy obecności"}
    task = put(client, application, "task", {"activities": [activity], "indicators": [indicator]})
    assert task.status_code == 200
    assert_contains(task.json()["content"], {"activities": [activity], "indicators": [indicator]})
    line = {"activity": "1", "year": "2", "offeror": "0", "name": "Trener", "unit_cost": "10", "quantity": "1"}
    budget = put(client, application, "budget", {"lines": [line]})
    assert budget.status_code == 200
    assert_contains(budget.json()["content"]["lines"], [line])


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_an_offer_is_completed_entirely_through_the_api_with_the_attachment_the_call_requires():
    call = open_call(required_attachments="Statut\nWyciąg z KRS")
    application, member = empty_offer(call)
    client = api_client(member)
    assert client.get(f"/api/v1/calls/{call.pk}/").json()["required_attachment_list"] == ["Statut", "Wyciąg z KRS"]
    for section, data in complete_content(call).items():
        assert put(client, application, section, data).status_code == 200
    blockers = client.get(f"/api/v1/applications/{application.pk}/").json()["blockers"]
    assert [b["section"] for b in blockers] == ["attachments", "attachments"]
    refused = client.post(f"/api/v1/applications/{application.pk}/submit/")
    assert refused.status_code == 400 and refused.json()["code"] == "offer_incomplete"

    uploads = f"/api/v1/applications/{application.pk}/attachments/"
    wrong = client.post(uploads, {"kind": "statute", "requirement": "Regulamin", "file": upload("s.pdf")})
    assert wrong.status_code == 400 and "requirement" in wrong.json()["errors"]
    for requirement in ["Statut", "Wyciąg z KRS"]:
        added = client.post(uploads, {"kind": "other", "requirement": requirement, "file": upload("plik.pdf")})
        assert added.status_code == 201, added.json()
        assert added.json()["requirement"] == requirement
    assert client.get(f"/api/v1/applications/{application.pk}/").json()["blockers"] == []
    submitted = client.post(f"/api/v1/applications/{application.pk}/submit/")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"


def upload(name):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")
