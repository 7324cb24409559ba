"""Submitted versions, their PDFs and the formal check through the API; the calls' formal checklist."""

import datetime
import hashlib

import pytest
from django.utils import timezone

from applications.models import Application, FormalCheck
from core.models import StatusChange
from tests.applications.helpers import all_met, offer
from tests.clients import api_client
from tests.factories import CallFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def base(application):
    return f"/api/v1/applications/{application.pk}"


def due_in(days=7):
    return (timezone.localtime() + datetime.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def submitted_through_the_api():
    application, member = offer()
    response = api_client(member).post(f"{base(application)}/submit/")
    assert response.status_code == 200, response.json()
    return Application.objects.get(pk=application.pk), member


def test_a_resubmission_after_a_return_gives_version_2_and_keeps_version_1():
    application, member = submitted_through_the_api()
    ngo, official = api_client(member), api_client(UserFactory(roles=["official"]))
    first = ngo.get(f"{base(application)}/versions/").json()
    assert [v["number"] for v in first] == [1]
    checklist = all_met(application.call)
    checklist[-1] = {"met": False, "note": "Budżet przekracza limit."}
    returned = official.post(
        f"{base(application)}/return_for_correction/",
        {"defects": ["Popraw budżet."], "due": due_in(), "checklist": checklist},
        format="json",
    )
    assert returned.status_code == 200, returned.json()
    assert returned.json()["correction_due"] is not None and returned.json()["blockers"] == []

    corrected = ngo.put(
        f"{base(application)}/content/task/",
        {**application.content["task"], "synopsis": "Poprawiony opis półkolonii."},
        format="json",
    )
    assert corrected.status_code == 200, corrected.json()
    resubmitted = ngo.post(f"{base(application)}/submit/")
    assert resubmitted.status_code == 200 and resubmitted.json()["versions_count"] == 2

    versions = ngo.get(f"{base(application)}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    assert versions[0] == first[0]  # version 1 is exactly as it was
    assert versions[0]["offer_sha256"] != versions[1]["offer_sha256"]
    assert versions[0]["confirmation_sha256"] != versions[1]["confirmation_sha256"]
    assert versions[1]["submitted_by"] == member.get_full_name()
    v1 = ngo.get(versions[0]["links"]["self"]).json()
    v2 = ngo.get(versions[1]["links"]["self"]).json()
    assert v1["content"]["task"]["synopsis"] == application.content["task"]["synopsis"]
    assert v2["content"]["task"]["synopsis"] == "Poprawiony opis półkolonii."
    for version in versions:
        for which in ("offer", "confirmation"):
            response = ngo.get(version["links"][f"{which}_pdf"], HTTP_ACCEPT="application/pdf")
            assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
            content = body(response)
            assert content.startswith(b"%PDF")
            assert hashlib.sha256(content).hexdigest() == response["X-Content-SHA256"] == version[f"{which}_sha256"]
            assert f"-v{version['number']}.pdf" in response["Content-Disposition"]
    # the offer's own PDF is the latest version's
    latest = ngo.get(f"{base(application)}/offer_pdf/")
    assert latest["X-Content-SHA256"] == versions[1]["offer_sha256"]

    checks = official.get(f"{base(application)}/formal_checks/").json()
    assert len(checks) == 1 and checks[0]["outcome"] == "returned" and checks[0]["version"] == 1
    assert checks[0]["defects"] == ["Popraw budżet."] and checks[0]["correction_due"] is not None
    assert [item["met"] for item in checks[0]["items"]] == [c["met"] for c in checklist]
    assert [item["requirement"] for item in checks[0]["items"]] == application.call.formal_requirements()
    assert checks[0]["items"][-1]["note"] == "Budżet przekracza limit."
    assert ngo.get(f"{base(application)}/formal_checks/").json() == checks  # the members see it too


def test_accepting_with_an_unmet_requirement_is_refused_with_the_reason_and_nothing_changes():
    application, member = offer(status="submitted")
    official = api_client(UserFactory(roles=["official"]))
    url = f"{base(application)}/accept_formally/"
    changes = StatusChange.objects.count()
    checklist = all_met(application.call)
    checklist[1] = {"met": False, "note": "Statut nie przewiduje takiej działalności."}
    refused = official.post(url, {"checklist": checklist}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "requirement_not_met"
    assert refused.json()["message"]
    assert application.call.formal_requirements()[1] in refused.json()["errors"]["checklist"]
    for bad in [{}, {"checklist": []}, {"checklist": [{"met": "yes"}] * len(checklist)}, {"checklist": "all met"}]:
        response = official.post(url, bad, format="json")
        assert response.status_code == 400 and "checklist" in response.json()["errors"], bad
    nul = official.post(url, {"checklist": [{"met": True, "note": "a\u0000b"}] * len(checklist)}, format="json")
    assert nul.status_code == 400 and "checklist" in nul.json()["errors"]
    assert official.post(url, ["not", "an", "object"], format="json").status_code == 400
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not FormalCheck.objects.exists() and StatusChange.objects.count() == changes
    assert official.get(f"{base(application)}/formal_checks/").json() == []

    accepted = official.post(url, {"checklist": all_met(application.call, note="OK")}, format="json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "formally_accepted"
    checks = api_client(member).get(f"{base(application)}/formal_checks/").json()
    assert [c["outcome"] for c in checks] == ["accepted"]
    assert all(item["met"] and item["note"] == "OK" for item in checks[0]["items"])


def test_a_member_cannot_carry_out_the_formal_check():
    application, member = offer(status="submitted")
    response = api_client(member).post(
        f"{base(application)}/accept_formally/", {"checklist": all_met(application.call)}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert Application.objects.get(pk=application.pk).status == "submitted"


def test_a_call_without_requirements_is_accepted_without_a_checklist():
    application, _member = offer(status="submitted")
    application.call.formal_checklist = ""
    application.call.save(update_fields=["formal_checklist"])
    response = api_client(UserFactory(roles=["official"])).post(f"{base(application)}/accept_formally/")
    assert response.status_code == 200 and response.json()["status"] == "formally_accepted"


def test_a_formal_rejection_records_the_checklist_and_the_reason():
    application, member = offer(status="submitted")
    checklist = all_met(application.call)
    checklist[0] = {"met": False, "note": "Po terminie."}
    response = api_client(UserFactory(roles=["official"])).post(
        f"{base(application)}/reject_formally/",
        {"reason": "Oferta złożona po terminie.", "checklist": checklist},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "formally_rejected"
    (check,) = api_client(member).get(f"{base(application)}/formal_checks/").json()
    assert check["outcome"] == "rejected" and check["reason"] == "Oferta złożona po terminie."
    assert check["items"][0] == {
        "requirement": application.call.formal_requirements()[0],
        "met": False,
        "note": "Po terminie.",
    }
    assert check["checked_by"]


def test_others_get_nothing_of_an_offers_versions_pdfs_and_checks():
    application, _member = submitted_through_the_api()
    paths = [
        f"{base(application)}/versions/",
        f"{base(application)}/versions/1/",
        f"{base(application)}/versions/1/offer_pdf/",
        f"{base(application)}/versions/1/confirmation_pdf/",
        f"{base(application)}/formal_checks/",
    ]
    for client in [api_client(make_ngo_member()), api_client()]:
        for path in paths:
            response = client.get(path, HTTP_ACCEPT="application/pdf" if "pdf" in path else "application/json")
            assert response.status_code == 404, path
            assert response["Content-Type"].startswith("application/json") and "X-Content-SHA256" not in response
    for user in [UserFactory(roles=["official"]), UserFactory(roles=["approver"])]:
        for path in paths:
            assert api_client(user).get(path).status_code == 200, path
    missing = api_client(UserFactory(roles=["official"])).get(f"{base(application)}/versions/2/")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"


def test_a_draft_has_no_versions():
    application, member = offer()
    client = api_client(member)
    assert client.get(f"{base(application)}/versions/").json() == []
    assert client.get(f"{base(application)}/versions/1/offer_pdf/").status_code == 404


# The call's formal checklist and limits.


def test_the_calls_api_shows_the_formal_requirements_and_the_offer_limits():
    call = CallFactory(status="announced", formal_checklist="Termin.\n\n  Podpisy.  \n")
    body = api_client().get(f"/api/v1/calls/{call.pk}/").json()
    assert body["formal_requirements"] == ["Termin.", "Podpisy."]
    assert body["formal_checklist"] == call.formal_checklist
    assert body["max_grant_per_offer"] is None and body["requires_results_table"] is False


def test_an_official_sets_the_checklist_and_limits_of_a_draft_call_only():
    draft = CallFactory()
    official = api_client(UserFactory(roles=["official"]))
    changes = {"max_grant_per_offer": "20000.00", "requires_results_table": True, "formal_checklist": "A.\nB."}
    response = official.patch(f"/api/v1/calls/{draft.pk}/", changes, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["formal_requirements"] == ["A.", "B."]
    draft.refresh_from_db()
    assert str(draft.max_grant_per_offer) == "20000.00" and draft.requires_results_table
    negative = official.patch(f"/api/v1/calls/{draft.pk}/", {"max_grant_per_offer": "-1"}, format="json")
    assert negative.status_code == 400 and "max_grant_per_offer" in negative.json()["errors"]

    announced = CallFactory(status="announced")
    refused = official.patch(f"/api/v1/calls/{announced.pk}/", {"formal_checklist": "Nic."}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    member = api_client(make_ngo_member())
    assert member.patch(f"/api/v1/calls/{draft.pk}/", {"formal_checklist": "Nic."}, format="json").status_code == 403
    assert CallFactory._meta.model.objects.get(pk=announced.pk).formal_checklist != "Nic."
    assert CallFactory._meta.model.objects.get(pk=draft.pk).formal_checklist == "A.\nB."
