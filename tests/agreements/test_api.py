"""The agreements API: the same rules as the pages (a stranger gets 404, the list shows only one's
own), officials PATCH drafts and run the transitions, refusals are JSON with a code, never a 500."""

import pytest
from django.utils import timezone

from agreements.enums import AgreementStatus
from applications.enums import ApplicationStatus
from tests.agreements.helpers import agreement
from tests.clients import api_client
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db


def test_the_list_and_detail_follow_the_rules(official, approver):
    mine, member = agreement(AgreementStatus.SIGNED)
    theirs, _other = agreement(AgreementStatus.DRAFT)
    ids = lambda user: {row["id"] for row in api_client(user).get("/api/v1/agreements/").json()["results"]}  # noqa: E731
    assert ids(member) == {mine.pk}
    assert ids(official) == ids(approver) == {mine.pk, theirs.pk}
    assert ids(make_ngo_member()) == set()
    assert api_client().get("/api/v1/agreements/").status_code in (401, 403)

    detail = api_client(member).get(f"/api/v1/agreements/{mine.pk}/").json()
    assert detail["status"] == "signed" and detail["grant_amount"] == "900.00"
    assert detail["tranches"][0]["amount"] == "900.00" and detail["available_transitions"] == []
    assert api_client(official).get(f"/api/v1/agreements/{mine.pk}/").json()["available_transitions"] == [
        "settle",
        "terminate",
    ]
    stranger = api_client(make_ngo_member())
    for path in ("", "pdf/"):
        response = stranger.get(f"/api/v1/agreements/{mine.pk}/{path}")
        assert response.status_code == 404
    assert stranger.patch(f"/api/v1/agreements/{theirs.pk}/", {"place": "X"}, format="json").status_code == 404


def test_an_official_patches_a_draft_and_mistakes_come_back_as_json(official):
    made, member = agreement(AgreementStatus.DRAFT, iban="")
    client = api_client(official)
    response = client.patch(
        f"/api/v1/agreements/{made.pk}/",
        {"place": "Zabrze", "iban": "PL61 1090 1014 0000 0712 1981 2874"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["iban"] == "PL61109010140000071219812874" and response.json()["place"] == "Zabrze"

    response = client.patch(f"/api/v1/agreements/{made.pk}/", {"grant_amount": "900.01", "iban": "PL00"}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "agreement_invalid" and set(body["errors"]) == {"grant_amount", "iban"}
    response = client.patch(f"/api/v1/agreements/{made.pk}/", {"realisation_start": "yesterday"}, format="json")
    assert response.status_code == 400 and isinstance(response.json()["code"], str)

    response = api_client(member).patch(f"/api/v1/agreements/{made.pk}/", {"place": "X"}, format="json")
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    made.refresh_from_db()
    assert made.place == "Zabrze"


def test_tranches_through_the_api_must_add_up(official):
    made, _member = agreement(AgreementStatus.DRAFT)
    due = made.realisation_start.isoformat()
    client = api_client(official)
    response = client.put(
        f"/api/v1/agreements/{made.pk}/tranches/",
        {"tranches": [{"amount": "400.00", "due_on": due}, {"amount": "400.00", "due_on": due}]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "tranches_invalid"
    assert "-100,00" in response.json()["errors"]["__all__"][0]
    response = client.put(
        f"/api/v1/agreements/{made.pk}/tranches/",
        {"tranches": [{"amount": "400.00", "due_on": due}, {"amount": "500.00", "due_on": due}]},
        format="json",
    )
    assert response.status_code == 200
    assert [t["amount"] for t in response.json()["tranches"]] == ["400.00", "500.00"]


def test_the_transitions_through_the_api(official):
    made, member = agreement(AgreementStatus.DRAFT)
    client = api_client(official)
    response = client.post(f"/api/v1/agreements/{made.pk}/mark_ready/")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert len(response.json()["document_sha256"]) == 64
    pdf = api_client(member).get(f"/api/v1/agreements/{made.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == response.json()["document_sha256"]

    response = client.post(f"/api/v1/agreements/{made.pk}/sign/", {"method": "in_office"}, format="json")
    assert response.status_code == 400 and "signed_on" in response.json()["errors"]
    response = client.post(
        f"/api/v1/agreements/{made.pk}/sign/",
        {"method": "in_office", "signed_on": timezone.localdate().isoformat()},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "signed"
    made.application.refresh_from_db()
    assert made.application.status == ApplicationStatus.IN_REALISATION

    response = client.post(f"/api/v1/agreements/{made.pk}/reopen/")
    assert response.status_code == 409 and response.json()["code"] == "invalid_state"
    response = api_client(member).post(f"/api/v1/agreements/{made.pk}/terminate/", {"reason": "x"}, format="json")
    assert response.status_code == 403
    response = client.post(f"/api/v1/agreements/{made.pk}/terminate/", {"reason": "Powód"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "terminated"


def test_a_payment_through_the_api(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    made.tranches.update(paid_on=None, paid_amount=None)
    client = api_client(official)
    today = timezone.localdate().isoformat()
    response = client.post(
        f"/api/v1/agreements/{made.pk}/payment/", {"number": 2, "paid_on": today, "paid_amount": "1.00"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "no_such_tranche"
    response = client.post(
        f"/api/v1/agreements/{made.pk}/payment/",
        {"number": 1, "paid_on": today, "paid_amount": "900.00"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["tranches"][0]["paid_amount"] == "900.00"


def test_the_organisation_gives_its_account_through_the_api():
    made, member = agreement(AgreementStatus.DRAFT, iban="", account_holder_declared=False)
    client = api_client(member)
    response = client.post(
        f"/api/v1/agreements/{made.pk}/bank_account/",
        {"iban": "PL61109010140000071219812874", "account_holder_declared": False},
        format="json",
    )
    assert response.status_code == 400 and "account_holder_declared" in response.json()["errors"]
    response = client.post(
        f"/api/v1/agreements/{made.pk}/bank_account/",
        {"iban": "PL61109010140000071219812874", "account_holder_declared": True},
        format="json",
    )
    assert response.status_code == 200 and response.json()["account_holder_declared"] is True


def test_the_organisation_uploads_the_signed_agreement_through_the_api(official):
    from django.core.files.uploadedfile import SimpleUploadedFile

    made, member = agreement(AgreementStatus.READY)
    client = api_client(member)
    response = client.post(
        f"/api/v1/agreements/{made.pk}/upload/", {"file": SimpleUploadedFile("a.pdf", b"not a pdf")}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["code"] == "file_type_not_accepted"
    response = client.post(
        f"/api/v1/agreements/{made.pk}/upload/",
        {"file": SimpleUploadedFile("umowa.pdf", b"%PDF-1.4\n%%EOF\n")},
        format="multipart",
    )
    assert response.status_code == 200
    [file] = response.json()["files"]
    assert file["kind"] == "signed_agreement" and file["original_name"] == "umowa.pdf"
    assert api_client(official).get(file["url"]).status_code == 200
    assert api_client(make_ngo_member()).get(file["url"]).status_code == 404
    stranger = api_client(make_ngo_member()).post(
        f"/api/v1/agreements/{made.pk}/upload/",
        {"file": SimpleUploadedFile("x.pdf", b"%PDF-1.4\n")},
        format="multipart",
    )
    assert stranger.status_code == 404
    assert made.files.count() == 1
