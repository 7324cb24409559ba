"""The offer PDF and the confirmation of submission: frozen at submission, shown only to those who may."""

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from applications import services
from applications.documents import TO_BE_FILLED, confirmation_pdf, offer_pdf
from core.errors import DomainError
from core.models import StoredDocument
from notifications.models import OutboxMessage
from organisations.models import Membership
from tests.applications.helpers import offer, open_call
from tests.calls.helpers import pdf_text
from tests.clients import api_client, html_client
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db

TITLE = "Zażółć gęślą jaźń — półkolonie"
SECTIONS = [
    "I. Podstawowe informacje o złożonej ofercie",
    "II. Dane oferenta(-tów)",
    "III. Opis zadania",
    "IV. Charakterystyka oferenta",
    "V. Kalkulacja przewidywanych kosztów realizacji zadania publicznego",
    "VI. Inne informacje",
    "VII. Oświadczenia",
]


def submitted_offer(**organisation_fields):
    application, member = offer()
    for field, value in organisation_fields.items():
        setattr(application.organisation, field, value)
    application.organisation.save()
    application.title = TITLE
    application.requested_amount = "12345.67"
    application.save()
    application = services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    return application, member


def html_paths(application):
    return [f"/offers/documents/{application.pk}/offer.pdf", f"/offers/documents/{application.pk}/confirmation.pdf"]


def api_paths(application):
    return [
        f"/api/v1/applications/{application.pk}/offer_pdf/",
        f"/api/v1/applications/{application.pk}/confirmation_pdf/",
    ]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_submitting_stores_the_offer_and_the_confirmation():
    application, _ = submitted_offer(nip="5260250274", regon="012345675")
    offer_doc, confirmation_doc = application.offer_document, application.confirmation_document
    assert offer_doc.kind == "offer" and confirmation_doc.kind == "submission_confirmation"
    for document in (offer_doc, confirmation_doc):
        assert document.sha256 == hashlib.sha256(document.read()).hexdigest()
        assert document.read().startswith(b"%PDF")

    offer_text = pdf_text(offer_doc.read())
    assert "OFERTA REALIZACJI ZADANIA PUBLICZNEGO" in offer_text
    for heading in SECTIONS:
        assert heading in offer_text, heading
    assert TITLE in offer_text
    assert application.organisation.name in offer_text  # "Stowarzyszenie Żółć nr …"
    assert application.call.title in offer_text
    assert "5260250274" in offer_text and "012345675" in offer_text
    assert "12 345,67" in offer_text
    assert TO_BE_FILLED in offer_text  # sections without data yet say so, nothing invented
    assert application.confirmation_number in offer_text

    text = pdf_text(confirmation_doc.read())
    submitted = timezone.localtime(application.submitted_at)
    assert "Potwierdzenie złożenia oferty" in text
    assert application.confirmation_number in text
    assert submitted.strftime("%H:%M:%S") in text
    assert f"{submitted.day} " in text and str(submitted.year) in text
    assert offer_doc.sha256 in text
    assert TITLE in text
    assert application.organisation.name in text
    assert "podpisem zaufanym" in text and "kwalifikowanym podpisem elektronicznym" in text


def test_the_submission_time_is_printed_in_warsaw_time_with_seconds():
    application, member = offer()
    moment = datetime.datetime(2026, 7, 1, 10, 15, 42, tzinfo=datetime.UTC)  # 12:15:42 in Warsaw (CEST)
    application.call.published_bip_at = moment - datetime.timedelta(days=3)
    application.call.offer_deadline = moment + datetime.timedelta(days=20)
    application.call.save()
    with time_machine.travel(moment, tick=False):
        application = services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    text = pdf_text(application.confirmation_document.read())
    assert "1 lipca 2026, 12:15:42" in text
    assert "UTC+0200" in text


def test_the_members_confirmation_email_quotes_the_offer_pdf_digest():
    application, member = submitted_offer()
    message = OutboxMessage.objects.get(event="application_submitted", recipient=member.email)
    assert application.offer_document.sha256 in message.body_text
    assert application.offer_document.sha256 in message.body_html
    assert application.confirmation_number in message.body_text


def test_the_documents_are_pure_functions_of_the_offer():
    application, _ = submitted_offer()
    assert pdf_text(offer_pdf(application)) == pdf_text(application.offer_document.read())
    text = pdf_text(confirmation_pdf(application, offer_sha256="ab" * 32))
    assert "ab" * 32 in text


def test_the_served_bytes_are_the_stored_ones_with_their_digest():
    application, member = submitted_offer()
    for path, document in zip(
        html_paths(application), [application.offer_document, application.confirmation_document], strict=True
    ):
        response = html_client(member).get(path)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        content = body(response)
        assert hashlib.sha256(content).hexdigest() == document.sha256 == response["X-Content-SHA256"]
        assert "no-store" in response["Cache-Control"]
    for path, document in zip(
        api_paths(application), [application.offer_document, application.confirmation_document], strict=True
    ):
        response = api_client(member).get(path)
        assert response.status_code == 200, path
        assert response["Content-Type"] == "application/pdf"
        assert hashlib.sha256(body(response)).hexdigest() == document.sha256 == response["X-Content-SHA256"]
        asked_for_pdf = api_client(member).get(path, HTTP_ACCEPT="application/pdf")
        assert asked_for_pdf.status_code == 200


@pytest.mark.parametrize("role", ["official", "approver"])
def test_officials_and_the_approver_get_both_documents(role):
    application, _ = submitted_offer()
    user = UserFactory(roles=[role])
    for path in html_paths(application):
        assert html_client(user).get(path).status_code == 200, path
    for path in api_paths(application):
        assert api_client(user).get(path).status_code == 200, path


@pytest.mark.parametrize("who", ["other_member", "ngo_user_without_membership", "unconfirmed_member", "anonymous"])
def test_nobody_else_gets_the_documents(who):
    application, _ = submitted_offer()
    if who == "other_member":
        user = make_ngo_member(OrganisationFactory(verified_at=timezone.now()))
    elif who == "ngo_user_without_membership":
        user = UserFactory()
    elif who == "unconfirmed_member":
        user = UserFactory()
        Membership.objects.create(user=user, organisation=application.organisation, confirmed_at=None)
    else:
        user = None
    for path in html_paths(application):
        response = html_client(user).get(path)
        assert response.status_code == 404, path
        assert response.get("Content-Type", "").startswith("text/html")
    for path in api_paths(application):
        assert api_client(user).get(path).status_code == 404, path


def test_a_draft_has_no_document_and_says_so_to_its_members():
    application, member = offer()
    for path in html_paths(application):
        response = html_client(member).get(path)
        assert response.status_code == 404
        assert "nie została jeszcze złożona" in response.content.decode()
    for path in api_paths(application):
        response = api_client(member).get(path)
        assert response.status_code == 404
    # and to others a draft is as invisible as any offer of another organisation
    for path in html_paths(application):
        response = html_client(make_ngo_member()).get(path)
        assert response.status_code == 404
        assert "nie została jeszcze złożona" not in response.content.decode()


def test_a_submission_refused_after_the_deadline_stores_no_document():
    call = open_call()
    application, member = offer(call=call)
    documents = StoredDocument.objects.count()
    with time_machine.travel(call.offer_deadline + datetime.timedelta(seconds=1), tick=False):
        with pytest.raises(DomainError):
            services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    assert application.status == "draft"
    assert application.offer_document is None and application.confirmation_document is None
    assert StoredDocument.objects.count() == documents


def test_a_failure_while_storing_the_documents_rolls_the_submission_back(monkeypatch):
    application, member = offer()
    documents, messages = StoredDocument.objects.count(), OutboxMessage.objects.count()

    def broken(application, *, offer_sha256):
        raise RuntimeError("renderer down")

    monkeypatch.setattr("applications.documents.confirmation_pdf", broken)
    with pytest.raises(RuntimeError):
        services.application_submit(application=application, actor=member)
    application.refresh_from_db()
    assert application.status == "draft" and application.submitted_at is None
    assert application.offer_document_id is None
    assert StoredDocument.objects.count() == documents
    assert OutboxMessage.objects.count() == messages


def test_the_submitted_documents_are_frozen():
    application, member = submitted_offer()
    before = (application.offer_document.sha256, application.confirmation_document.sha256)
    application.organisation.name = "Zupełnie inna nazwa"
    application.organisation.save()
    first = body(html_client(member).get(html_paths(application)[0]))
    assert hashlib.sha256(first).hexdigest() == before[0]
    assert "Zupełnie inna nazwa" not in pdf_text(first)
    application.refresh_from_db()
    assert (application.offer_document.sha256, application.confirmation_document.sha256) == before
