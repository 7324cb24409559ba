"""The agreement pages: the panel (list with offers to prepare, detail, forms keeping what was typed) and
the organisation's pages (bank account, signed file, downloads); nobody else learns anything (404)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements import services
from agreements.enums import AgreementStatus
from agreements.models import Agreement
from applications.enums import ApplicationStatus
from core.money import format_pln
from core.transitions import history
from tests.agreements.helpers import agreement, pl, resolved_call
from tests.applications.helpers import offer
from tests.clients import html_client
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db

D = Decimal
IBAN = "PL61109010140000071219812874"


def pdf_upload(name="podpisana.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf")


def test_the_panel_lists_awarded_offers_to_prepare_and_prepares_one(official):
    application, _member = offer(resolved_call(), status=ApplicationStatus.AWARDED)
    application.awarded_amount = D("900.00")
    application.save(update_fields=["awarded_amount"])
    client = html_client(official)
    page = client.get("/panel/agreements/").content.decode()
    assert application.title in page and f"/panel/agreements/prepare/offer/{application.pk}/" in page

    response = client.post(f"/panel/agreements/prepare/offer/{application.pk}/")
    made = Agreement.objects.get(application=application)
    assert response.status_code == 302 and response["Location"] == f"/panel/agreements/{made.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert made.number in page and "900,00" in page
    assert pl("The organisation's bank account (IBAN) is missing.") in page
    # prepared: no longer to prepare; a second try says why
    assert f"/panel/agreements/prepare/offer/{application.pk}/" not in client.get("/panel/agreements/").content.decode()
    response = client.post(f"/panel/agreements/prepare/offer/{application.pk}/", follow=True)
    assert pl("This offer already has an agreement.") in response.content.decode()


def test_the_panel_list_filters_by_status_and_call(official):
    draft, _m = agreement(AgreementStatus.DRAFT)
    signed, _m = agreement(AgreementStatus.SIGNED)
    client = html_client(official)
    page = client.get("/panel/agreements/?status=signed").content.decode()
    assert signed.number in page and draft.number not in page
    page = client.get(f"/panel/agreements/?call={draft.application.call_id}").content.decode()
    assert draft.number in page and signed.number not in page


def test_the_edit_form_keeps_what_was_typed_and_names_the_mistakes(official):
    made, _member = agreement(AgreementStatus.DRAFT, iban="")
    client = html_client(official)
    response = client.post(
        f"/panel/agreements/{made.pk}/edit/",
        {
            "number": "UM/7/2026",
            "place": "Zabrze",
            "realisation_start": made.realisation_start.isoformat(),
            "realisation_end": made.realisation_end.isoformat(),
            "grant_amount": "950,00",
            "allowed_shift_percent": "10",
            "iban": "PL61 1090 1014 0000 0712 1981 2875",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert pl("The check digits of this account number do not match: a digit is probably mistyped.") in page
    assert 'value="UM/7/2026"' in page and 'value="950,00"' in page and "PL61 1090 1014 0000 0712 1981 2875" in page
    made.refresh_from_db()
    assert made.number != "UM/7/2026"

    response = client.post(
        f"/panel/agreements/{made.pk}/edit/",
        {
            "number": "UM/7/2026",
            "realisation_start": made.realisation_start.isoformat(),
            "realisation_end": made.realisation_end.isoformat(),
            "grant_amount": "950,00",
            "allowed_shift_percent": "10",
            "iban": "PL61 1090 1014 0000 0712 1981 2874",
        },
    )
    assert response.status_code == 400
    assert pl("The grant cannot exceed the amount awarded, %(limit)s.", limit=format_pln(D("900.00"))) in (
        response.content.decode()
    )

    response = client.post(
        f"/panel/agreements/{made.pk}/edit/",
        {
            "number": "UM/7/2026",
            "realisation_start": made.realisation_start.isoformat(),
            "realisation_end": made.realisation_end.isoformat(),
            "grant_amount": "850,50",
            "allowed_shift_percent": "15",
            "iban": "PL61 1090 1014 0000 0712 1981 2874",
            "account_holder_declared": "on",
        },
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.number, made.grant_amount, made.iban, made.allowed_shift_percent) == (
        "UM/7/2026",
        D("850.50"),
        IBAN,
        D("15.00"),
    )


def test_the_tranche_form_shows_the_difference_and_keeps_the_rows(official):
    made, _member = agreement(AgreementStatus.DRAFT)
    due = made.realisation_start.isoformat()
    client = html_client(official)
    data = {
        "tranches-TOTAL_FORMS": "2",
        "tranches-INITIAL_FORMS": "0",
        "tranches-0-amount": "500,00",
        "tranches-0-due_on": due,
        "tranches-1-amount": "399,99",
        "tranches-1-due_on": due,
    }
    response = client.post(f"/panel/agreements/{made.pk}/tranches/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "899,99" in page and "-0,01" in page
    assert 'value="399,99"' in page
    data["tranches-1-amount"] = "400,00"
    assert client.post(f"/panel/agreements/{made.pk}/tranches/", data).status_code == 302
    assert [t.amount for t in made.tranches.all()] == [D("500.00"), D("400.00")]


def test_the_organisation_gives_its_account_on_its_page_and_typed_values_stay_on_error():
    made, member = agreement(AgreementStatus.DRAFT, iban="", account_holder_declared=False)
    client = html_client(member)
    page = client.get(f"/agreements/{made.pk}/").content.decode()
    assert pl("Bank account for the grant") in page
    response = client.post(f"/agreements/{made.pk}/bank-account/", {"iban": "PL61 1090 1014 0000 0712 1981 287"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "PL61 1090 1014 0000 0712 1981 287" in page
    assert (
        pl("A Polish account number has %(expected)d digits after “PL”; this one has %(count)d.", expected=26, count=25)
        in page
    )
    assert pl("The organisation must declare that it is the sole holder of this account.") in page
    response = client.post(
        f"/agreements/{made.pk}/bank-account/",
        {"iban": "PL61 1090 1014 0000 0712 1981 2874", "account_holder_declared": "on"},
    )
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.iban == IBAN and made.account_holder_declared
    assert "PL61 1090 1014 0000 0712 1981 2874" in client.get(f"/agreements/{made.pk}/").content.decode()


def test_the_organisation_downloads_the_pdf_and_uploads_the_signed_file_then_the_official_signs(official):
    made, member = agreement(AgreementStatus.DRAFT)
    services.agreement_mark_ready(agreement=made, actor=official)
    client = html_client(member)
    page = client.get(f"/agreements/{made.pk}/").content.decode()
    assert f"/agreements/{made.pk}/agreement.pdf" in page and f'action="/agreements/{made.pk}/upload/"' in page
    assert pl("Bank account for the grant") not in page  # only while prepared
    response = client.get(f"/agreements/{made.pk}/agreement.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    made.refresh_from_db()
    assert response["X-Content-SHA256"] == made.document.sha256

    response = client.post(f"/agreements/{made.pk}/upload/", {"file": SimpleUploadedFile("x.pdf", b"GIF89a")})
    assert response.status_code == 400
    assert pl("Only PDF files are accepted; this file's content is not a PDF.") in response.content.decode()
    response = client.post(f"/agreements/{made.pk}/upload/", {"file": pdf_upload()})
    assert response.status_code == 302
    file = made.files.get()
    download = client.get(f"/agreements/{made.pk}/files/{file.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")

    response = html_client(official).post(f"/panel/agreements/{made.pk}/sign/", {"method": "uploaded"})
    assert response.status_code == 302
    made.refresh_from_db()
    made.application.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED
    assert made.application.status == ApplicationStatus.IN_REALISATION
    page = client.get(f"/agreements/{made.pk}/").content.decode()
    assert "podpisana.pdf" in page


def test_the_sign_form_keeps_the_choice_and_asks_for_the_date(official):
    made, _member = agreement(AgreementStatus.READY)
    response = html_client(official).post(f"/panel/agreements/{made.pk}/sign/", {"method": "in_office"})
    assert response.status_code == 400
    page = response.content.decode()
    assert pl("Give the date the agreement was signed in the office.") in page
    assert re.search(r'value="in_office"[^>]*checked', page)
    made.refresh_from_db()
    assert made.status == AgreementStatus.READY


def test_payments_and_annexes_in_the_panel(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    made.tranches.update(paid_on=None, paid_amount=None)
    client = html_client(official)
    today = timezone.localdate().isoformat()
    response = client.post(f"/panel/agreements/{made.pk}/tranches/1/payment/", {"paid_on": today, "paid_amount": "abc"})
    assert response.status_code == 400 and 'value="abc"' in response.content.decode()
    response = client.post(
        f"/panel/agreements/{made.pk}/tranches/1/payment/", {"paid_on": today, "paid_amount": "900,00"}
    )
    assert response.status_code == 302
    page = client.get(f"/panel/agreements/{made.pk}/").content.decode()
    assert pl("tranche %(n)s paid: %(amount)s zł", n=1, amount="900.00") in page

    new_end = made.realisation_end + datetime.timedelta(days=10)
    response = client.post(
        f"/panel/agreements/{made.pk}/annexes/new/",
        {
            "subject": "Przedłużenie terminu.",
            "realisation_end": new_end.isoformat(),
            "line_1_unit_cost": "100,00",
            "line_1_quantity": "10",
            "line_1_grant": "850,00",
        },
    )
    assert response.status_code == 400  # the lines take 850,00 from a grant of 900,00
    page = response.content.decode()
    assert "850,00" in page and "-50,00" in page
    assert re.search(r">\s*Przedłużenie terminu\.</textarea>", page)  # what was typed is kept
    response = client.post(
        f"/panel/agreements/{made.pk}/annexes/new/",
        {
            "subject": "Przedłużenie terminu.",
            "realisation_end": new_end.isoformat(),
            "line_1_unit_cost": "120,00",
            "line_1_quantity": "10",
            "line_1_grant": "900,00",
        },
    )
    assert response.status_code == 302
    annex = made.annexes.get()
    assert annex.changes["realisation_end"] == new_end.isoformat()
    assert annex.changes["offer_content"]["budget"]["lines"][0]["unit_cost"] == "120,00"
    response = client.post(f"/panel/agreements/{made.pk}/annexes/1/sign/", {"method": "in_office", "signed_on": today})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.realisation_end == new_end
    assert made.offer_content["budget"]["lines"][0]["unit_cost"] == "120,00"
    page = client.get(f"/panel/agreements/{made.pk}/").content.decode()
    assert pl("annex %(n)s signed and applied", n=1) in page and "Przedłużenie terminu." in page


def test_terminate_in_the_panel_needs_a_reason(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    client = html_client(official)
    response = client.post(f"/panel/agreements/{made.pk}/terminate/", {"reason": ""})
    assert response.status_code == 400 and pl("Give the reason.") in response.content.decode()
    response = client.post(f"/panel/agreements/{made.pk}/terminate/", {"reason": "Nie realizuje."})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == AgreementStatus.TERMINATED
    assert [c.transition for c in history(made.application)] == ["terminate"]


def test_the_approver_reads_but_cannot_act(approver):
    made, _member = agreement(AgreementStatus.DRAFT)
    client = html_client(approver)
    page = client.get(f"/panel/agreements/{made.pk}/").content.decode()
    assert made.task_title in page and pl("Mark ready for signing and notify the organisation") not in page
    response = client.post(f"/panel/agreements/{made.pk}/mark-ready/")
    assert response.status_code == 403
    assert pl("Only officials of the NGO Centre manage agreements.") in response.content.decode()
    assert client.get(f"/panel/agreements/{made.pk}/edit/").status_code == 403
    made.refresh_from_db()
    assert made.status == AgreementStatus.DRAFT


def test_members_see_their_own_agreements_only():
    mine, member = agreement(AgreementStatus.SIGNED)
    theirs, _other = agreement(AgreementStatus.SIGNED)
    page = html_client(member).get("/agreements/").content.decode()
    assert mine.number in page and theirs.number not in page


@pytest.mark.parametrize(
    "path",
    [
        "/agreements/{pk}/",
        "/agreements/{pk}/agreement.pdf",
        "/agreements/{pk}/files/{file}/",
        "/agreements/{pk}/annexes/1/annex.pdf",
    ],
)
def test_a_member_of_another_organisation_gets_404_everywhere(path, official):
    made, _member = agreement(AgreementStatus.DRAFT)
    services.agreement_mark_ready(agreement=made, actor=official)
    file = services.agreement_file_add(agreement=made, actor=official, upload=pdf_upload())
    services.agreement_sign(agreement=made, actor=official, method="uploaded")
    services.annex_prepare(agreement=made, actor=official, subject="Aneks", grant_amount=D("800.00"))
    url = path.format(pk=made.pk, file=file.pk)
    assert html_client(official).get(url).status_code == 200  # the control: the page exists
    assert html_client(make_ngo_member()).get(url).status_code == 404


@pytest.mark.parametrize("path", ["/agreements/{pk}/bank-account/", "/agreements/{pk}/upload/"])
def test_a_member_of_another_organisation_cannot_write_and_learns_nothing(path):
    made, _member = agreement(AgreementStatus.DRAFT, iban="")
    response = html_client(make_ngo_member()).post(
        path.format(pk=made.pk), {"iban": IBAN, "account_holder_declared": "on", "file": pdf_upload()}
    )
    assert response.status_code == 404
    made.refresh_from_db()
    assert made.iban == "" and not made.files.exists()


def test_anonymous_visitors_are_sent_to_log_in():
    made, _member = agreement(AgreementStatus.SIGNED)
    response = html_client().get(f"/agreements/{made.pk}/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_person_whose_membership_is_not_confirmed_sees_nothing():
    from organisations.models import Membership
    from tests.factories import UserFactory

    made, _member = agreement(AgreementStatus.SIGNED)
    asking = UserFactory()
    Membership.objects.create(user=asking, organisation=made.organisation, role="editor", confirmed_at=None)
    client = html_client(asking)
    assert client.get(f"/agreements/{made.pk}/").status_code == 404
    assert made.number not in client.get("/agreements/").content.decode()


def test_a_refused_annex_upload_says_why_on_the_agreement_page(official):
    made, member = agreement(AgreementStatus.SIGNED)
    services.annex_prepare(
        agreement=made,
        actor=official,
        subject="Aneks",
        realisation_end=made.realisation_end + datetime.timedelta(days=1),
    )
    client = html_client(member)
    response = client.post(
        f"/agreements/{made.pk}/annexes/1/upload/", {"file": SimpleUploadedFile("a.pdf", b"GIF89a")}, follow=True
    )
    assert response.redirect_chain == [(f"/agreements/{made.pk}/", 302)]
    assert pl("Only PDF files are accepted; this file's content is not a PDF.") in response.content.decode()
    assert not made.files.exists()
