"""The agreement's life in the services: editing a draft, tranches to the grosz, ready for signing with
its PDF and notice, signing (the offer goes into realisation), payments, annexes and termination."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agreements import services
from agreements.enums import AgreementStatus, AnnexStatus, SigningMethod
from agreements.models import Agreement
from applications.enums import ApplicationStatus
from core.errors import DomainError, InvalidState, NotAllowed
from core.transitions import history
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from tests.agreements.helpers import agreement
from tests.calls.helpers import pdf_text
from tests.factories import make_ngo_member

# Service messages are compared in English (the source strings); the pages show them in Polish (test_pages).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

D = Decimal
IBAN = "PL61109010140000071219812874"


def signed_pdf(name="umowa-podpisana.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% signed\n%%EOF\n", content_type="application/pdf")


def draft(**kwargs):
    kwargs.setdefault("iban", "")
    kwargs.setdefault("account_holder_declared", False)
    return agreement(AgreementStatus.DRAFT, **kwargs)


# Editing a draft.


def test_an_official_edits_a_draft_and_the_change_is_in_the_history(official):
    made, _member = draft()
    start = made.realisation_start
    services.agreement_update(
        agreement=made,
        actor=official,
        place="Zabrze",
        realisation_end=start + datetime.timedelta(days=10),
        grant_amount=D("800.00"),
        iban="pl61 1090 1014 0000 0712 1981 2874",
    )
    made.refresh_from_db()
    assert (made.place, made.grant_amount, made.iban) == ("Zabrze", D("800.00"), IBAN)
    [change] = history(made)
    assert change.transition == "edit"
    assert change.data["changed"]["grant_amount"] == ["900.00", "800.00"]


def test_a_draft_edit_with_several_mistakes_names_each_and_changes_nothing(official):
    made, _member = draft()
    with pytest.raises(DomainError) as refused:
        services.agreement_update(
            agreement=made,
            actor=official,
            realisation_start=made.realisation_end + datetime.timedelta(days=1),
            grant_amount=D("900.01"),
            iban="PL61109010140000071219812875",
        )
    errors = refused.value.errors
    assert "cannot end before it starts" in errors["realisation_end"][0]
    assert "cannot exceed the amount awarded, 900,00" in errors["grant_amount"][0]
    assert "check digits" in errors["iban"][0]
    fresh = Agreement.objects.get(pk=made.pk)
    assert (fresh.realisation_start, fresh.grant_amount, fresh.iban) == (made.realisation_start, D("900.00"), "")
    assert history(made) == []


def test_only_officials_edit_and_only_drafts(approver, official):
    made, member = draft()
    for actor in (approver, member):
        with pytest.raises(NotAllowed):
            services.agreement_update(agreement=made, actor=actor, place="X")
    ready, _member = agreement(AgreementStatus.READY)
    with pytest.raises(NotAllowed, match="reopen it first"):
        services.agreement_update(agreement=ready, actor=official, place="X")


def test_the_organisation_gives_its_bank_account_with_the_declaration():
    made, member = draft()
    with pytest.raises(DomainError) as refused:
        services.agreement_bank_account(agreement=made, actor=member, iban="PL 6110 9010", declared=False)
    assert "26 digits" in refused.value.errors["iban"][0]
    assert "sole holder" in refused.value.errors["account_holder_declared"][0]
    services.agreement_bank_account(
        agreement=made, actor=member, iban="61 1090 1014 0000 0712 1981 2874", declared=True
    )
    made.refresh_from_db()
    assert (made.iban, made.account_holder_declared) == (IBAN, True)
    assert [c.transition for c in history(made)] == ["bank_account"]


def test_another_organisation_cannot_give_the_account():
    made, _member = draft()
    stranger = make_ngo_member()
    with pytest.raises(NotAllowed):
        services.agreement_bank_account(agreement=made, actor=stranger, iban=IBAN, declared=True)


# Tranches.


def test_tranches_must_add_up_to_the_grant_to_the_grosz(official):
    made, _member = draft()
    due = made.realisation_start
    with pytest.raises(DomainError) as refused:
        services.agreement_tranches_save(
            agreement=made,
            actor=official,
            tranches=[{"amount": D("450.00"), "due_on": due}, {"amount": D("449.99"), "due_on": due}],
        )
    assert refused.value.code == "tranches_invalid"
    message = refused.value.errors["__all__"][0]
    assert "899,99" in message and "900,00" in message and "-0,01" in message
    assert [t.amount for t in made.tranches.all()] == [D("900.00")]

    services.agreement_tranches_save(
        agreement=made,
        actor=official,
        tranches=[{"amount": D("450.00"), "due_on": due}, {"amount": D("450.00"), "due_on": due}],
    )
    assert [(t.number, t.amount) for t in made.tranches.all()] == [(1, D("450.00")), (2, D("450.00"))]


def test_a_tranche_after_the_end_of_realisation_is_refused(official):
    made, _member = draft()
    with pytest.raises(DomainError) as refused:
        services.agreement_tranches_save(
            agreement=made,
            actor=official,
            tranches=[{"amount": D("900.00"), "due_on": made.realisation_end + datetime.timedelta(days=1)}],
        )
    assert "before the realisation ends" in refused.value.errors["due_on_1"][0]


# Ready for signing.


def test_mark_ready_lists_what_is_missing(official):
    made, _member = draft()
    with pytest.raises(DomainError) as refused:
        services.agreement_mark_ready(agreement=made, actor=official)
    assert refused.value.code == "agreement_incomplete"
    assert any("IBAN" in text for text in refused.value.errors["__all__"])
    made.refresh_from_db()
    assert made.status == AgreementStatus.DRAFT and made.document is None


def test_mark_ready_renders_the_pdf_with_the_parties_the_amount_and_the_account(official):
    made, member = draft(iban=IBAN, account_holder_declared=True, organisation_representatives="Jan Kowalski, prezes")
    services.agreement_mark_ready(agreement=made, actor=official)
    made.refresh_from_db()
    assert made.status == AgreementStatus.READY
    pdf = made.document.read()
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() == made.document.sha256
    text = pdf_text(pdf)
    assert made.organisation.name in text
    assert "Jan Kowalski, prezes" in text
    assert "Prezydent Miasta" in text
    assert "900,00 zł" in text
    assert "PL61 1090 1014 0000 0712 1981 2874" in text
    assert "30 dni" in text  # the final report, REPORT_DUE_DAYS
    assert "Wynagrodzenie trenera" in text  # the offer's cost line in the annex
    assert "Zajęcia sportowe" in text  # and its schedule
    [notice] = OutboxMessage.objects.filter(event="agreement_ready")
    assert notice.recipient == member.email
    assert made.number in notice.subject and made.organisation.name in notice.subject
    assert f"/agreements/{made.pk}/" in notice.body_text


def test_the_ready_notice_reaches_the_members_inbox(official, mailbox):
    made, member = draft(iban=IBAN, account_holder_declared=True)
    services.agreement_mark_ready(agreement=made, actor=official)
    for pk in OutboxMessage.objects.filter(event="agreement_ready").values_list("pk", flat=True):
        assert outbox_deliver(message_id=pk) == "sent"
    [message] = mailbox.to(member.email)
    assert made.task_title in message["Subject"]
    assert f"/agreements/{made.pk}/" in message.get_body(preferencelist=("plain",)).get_content()


def test_reopen_goes_back_to_the_draft(official):
    made, _member = agreement(AgreementStatus.READY)
    services.agreement_reopen(agreement=made, actor=official, reason="Zła kwota.")
    made.refresh_from_db()
    assert made.status == AgreementStatus.DRAFT
    assert [(c.transition, c.reason) for c in history(made)] == [("reopen", "Zła kwota.")]


# Signing.


def test_signing_in_the_office_starts_the_realisation_of_the_offer(official):
    made, _member = agreement(AgreementStatus.READY)
    today = timezone.localdate()
    services.agreement_sign(agreement=made, actor=official, method=SigningMethod.IN_OFFICE, signed_on=today)
    made.refresh_from_db()
    application = made.application
    application.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED and made.signing_method == SigningMethod.IN_OFFICE
    assert timezone.localdate(made.signed_at) == today
    assert application.status == ApplicationStatus.IN_REALISATION
    assert [(c.transition, c.from_state, c.to_state) for c in history(application)] == [
        ("contract", "awarded", "contracted"),
        ("start_realisation", "contracted", "in_realisation"),
    ]
    assert [c.transition for c in history(made)] == ["sign"]


def test_signing_in_the_future_is_refused(official):
    made, _member = agreement(AgreementStatus.READY)
    with pytest.raises(DomainError) as refused:
        services.agreement_sign(
            agreement=made,
            actor=official,
            method=SigningMethod.IN_OFFICE,
            signed_on=timezone.localdate() + datetime.timedelta(days=1),
        )
    assert "future" in refused.value.errors["signed_on"][0]
    made.refresh_from_db()
    assert made.status == AgreementStatus.READY
    made.application.refresh_from_db()
    assert made.application.status == ApplicationStatus.AWARDED


def test_signing_by_upload_needs_the_signed_file_of_the_organisation(official):
    made, member = agreement(AgreementStatus.READY)
    with pytest.raises(DomainError, match="upload the signed PDF first"):
        services.agreement_sign(agreement=made, actor=official, method=SigningMethod.UPLOADED)
    file = services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf())
    assert file.original_name == "umowa-podpisana.pdf" and len(file.sha256) == 64
    services.agreement_sign(agreement=made, actor=official, method=SigningMethod.UPLOADED)
    made.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED
    assert history(made)[-1].data["file"] == file.sha256


def test_an_upload_that_is_not_a_pdf_is_refused():
    made, member = agreement(AgreementStatus.READY)
    fake = SimpleUploadedFile("umowa.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(DomainError) as refused:
        services.agreement_file_add(agreement=made, actor=member, upload=fake)
    assert refused.value.code == "file_type_not_accepted"
    assert not made.files.exists()


def test_the_signed_file_is_uploaded_only_when_ready():
    made, member = draft()
    with pytest.raises(NotAllowed, match="ready for signing"):
        services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf())


# Payments.


def test_recording_payments_shows_planned_and_paid(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    made.tranches.update(paid_on=None, paid_amount=None)
    tranche = made.tranches.get()
    with pytest.raises(DomainError) as refused:
        services.tranche_record_payment(
            tranche=tranche, actor=official, paid_on=timezone.localdate(), paid_amount=D("900.01")
        )
    assert "at most 900,00" in refused.value.errors["paid_amount"][0]
    services.tranche_record_payment(
        tranche=tranche, actor=official, paid_on=timezone.localdate(), paid_amount=D("900.00")
    )
    tranche.refresh_from_db()
    assert (tranche.paid_amount, tranche.recorded_by) == (D("900.00"), official)
    assert services.paid_total(made) == D("900.00")
    assert [c.transition for c in history(made)] == ["tranche_paid"]
    with pytest.raises(DomainError, match="already recorded"):
        services.tranche_record_payment(
            tranche=tranche, actor=official, paid_on=timezone.localdate(), paid_amount=D("1.00")
        )


# Annexes.


def test_an_annex_applies_its_changes_when_signed_and_keeps_the_previous_values(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    made.tranches.update(paid_on=None, paid_amount=None)
    old_end = made.realisation_end
    content = dict(made.offer_content)
    content["budget"] = {**content["budget"], "lines": [{**content["budget"]["lines"][0], "grant": "800,00"}]}
    annex = services.annex_prepare(
        agreement=made,
        actor=official,
        subject="Przedłużenie terminu i zmniejszenie dotacji.",
        realisation_end=old_end + datetime.timedelta(days=30),
        grant_amount=D("800.00"),
        offer_content=content,
    )
    assert annex.number == 1 and annex.status == AnnexStatus.DRAFT
    text = pdf_text(annex.document.read())
    assert "ANEKS NR 1" in text and "800,00 zł" in text and "900,00 zł" in text
    made.refresh_from_db()
    assert made.grant_amount == D("900.00")  # nothing applied before signing

    services.annex_sign(annex=annex, actor=official, method=SigningMethod.IN_OFFICE, signed_on=timezone.localdate())
    made.refresh_from_db()
    annex.refresh_from_db()
    assert annex.status == AnnexStatus.SIGNED
    assert made.realisation_end == old_end + datetime.timedelta(days=30)
    assert made.grant_amount == D("800.00")
    assert made.offer_content["budget"]["lines"][0]["grant"] == "800,00"
    assert [t.amount for t in made.tranches.all()] == [D("800.00")]
    assert annex.previous["realisation_end"] == old_end.isoformat()
    assert annex.previous["grant_amount"] == "900.00"
    assert annex.previous["offer_content"]["budget"]["lines"][0]["grant"] == "900,00"
    assert [c.transition for c in history(made)] == ["annex_prepared", "annex_signed"]
    assert [c.transition for c in history(annex)] == ["prepare", "sign"]


def test_an_annex_cannot_reduce_the_grant_below_what_was_paid(official):
    made, _member = agreement(AgreementStatus.SIGNED)  # 900,00 paid
    with pytest.raises(DomainError) as refused:
        services.annex_prepare(agreement=made, actor=official, subject="Zmniejszenie.", grant_amount=D("800.00"))
    assert "less than what has been paid" in refused.value.errors["grant_amount"][0]
    assert not made.annexes.exists()


def test_annexes_only_for_signed_agreements(official):
    made, _member = draft()
    with pytest.raises(NotAllowed, match="signed agreements only"):
        services.annex_prepare(agreement=made, actor=official, subject="X", grant_amount=D("1.00"))


# Termination.


def test_terminating_needs_a_reason_and_terminates_the_offer(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    with pytest.raises(DomainError):
        services.agreement_terminate(agreement=made, actor=official, reason="  ")
    services.agreement_terminate(agreement=made, actor=official, reason="Zadanie nie jest realizowane.")
    made.refresh_from_db()
    made.application.refresh_from_db()
    assert made.status == AgreementStatus.TERMINATED
    assert made.termination_reason == "Zadanie nie jest realizowane."
    assert made.application.status == ApplicationStatus.TERMINATED


def test_a_draft_cannot_be_terminated(official):
    made, _member = draft()
    with pytest.raises(InvalidState):
        services.agreement_terminate(agreement=made, actor=official, reason="Powód")


def test_a_small_grant_agreement_signed_contracts_the_small_grant(official):
    from smallgrants.enums import SmallGrantStatus
    from tests.agreements.helpers import small_grant

    grant = small_grant()
    made = services.agreement_prepare(actor=official, small_grant=grant)
    services.agreement_update(agreement=made, actor=official, iban=IBAN, account_holder_declared=True)
    services.agreement_mark_ready(agreement=made, actor=official)
    assert "art. 19a" in pdf_text(Agreement.objects.get(pk=made.pk).document.read())
    services.agreement_sign(
        agreement=made, actor=official, method=SigningMethod.IN_OFFICE, signed_on=timezone.localdate()
    )
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.CONTRACTED
    assert [(c.transition, c.to_state) for c in history(grant)] == [("contract", "contracted")]


def test_an_annex_signed_by_upload_needs_its_signed_file(official):
    made, member = agreement(AgreementStatus.SIGNED)
    annex = services.annex_prepare(
        agreement=made,
        actor=official,
        subject="Nowy termin.",
        realisation_end=made.realisation_end + datetime.timedelta(days=3),
    )
    with pytest.raises(DomainError, match="No signed annex"):
        services.annex_sign(annex=annex, actor=official, method=SigningMethod.UPLOADED)
    file = services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf("aneks.pdf"), annex=annex)
    assert file.kind == "signed_annex" and file.annex == annex
    services.annex_sign(annex=annex, actor=official, method=SigningMethod.UPLOADED)
    annex.refresh_from_db()
    assert annex.status == AnnexStatus.SIGNED and annex.signing_method == SigningMethod.UPLOADED
    with pytest.raises(NotAllowed):
        services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf("aneks2.pdf"), annex=annex)


def test_a_signed_file_from_before_a_reopen_does_not_count(official):
    made, member = agreement(AgreementStatus.DRAFT)
    services.agreement_mark_ready(agreement=made, actor=official)
    services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf())
    services.agreement_reopen(agreement=made, actor=official, reason="Zmiana kwoty.")
    services.agreement_mark_ready(agreement=made, actor=official)
    with pytest.raises(DomainError, match="since it became ready"):
        services.agreement_sign(agreement=made, actor=official, method=SigningMethod.UPLOADED)


def test_the_demo_gives_offers_in_realisation_their_signed_agreement():
    from agreements.demo import seed_demo
    from applications.models import Application
    from tests.agreements.helpers import resolved_call
    from tests.applications.helpers import offer

    application, _member = offer(resolved_call(), status=ApplicationStatus.IN_REALISATION)
    Application.objects.filter(pk=application.pk).update(awarded_amount=D("1000.00"))
    assert seed_demo() == 1
    made = Agreement.objects.get(application=application)
    assert made.status == AgreementStatus.SIGNED and made.document is not None
    assert sum(t.amount for t in made.tranches.all()) == D("1000.00")
    assert seed_demo() == 0  # idempotent


def test_the_organisation_is_told_of_the_signing_and_of_an_annex_and_officials_of_an_upload(official):
    made, member = agreement(AgreementStatus.READY)
    services.agreement_file_add(agreement=made, actor=member, upload=signed_pdf())
    [uploaded] = OutboxMessage.objects.filter(event="agreement_file_uploaded")
    assert uploaded.recipient == official.email and made.organisation.name in uploaded.subject
    assert f"/panel/agreements/{made.pk}/" in uploaded.body_text

    services.agreement_sign(agreement=made, actor=official, method=SigningMethod.UPLOADED)
    [signed] = OutboxMessage.objects.filter(event="agreement_signed")
    assert signed.recipient == member.email and made.number in signed.subject
    assert "900,00" in signed.body_text

    services.annex_prepare(
        agreement=made,
        actor=official,
        subject="Nowy termin.",
        realisation_end=made.realisation_end + datetime.timedelta(days=1),
    )
    [annex] = OutboxMessage.objects.filter(event="agreement_annex_ready")
    assert annex.recipient == member.email and "Nowy termin." in annex.body_text
    # an upload by an official tells nobody
    services.agreement_file_add(agreement=made, actor=official, upload=signed_pdf(), annex=made.annexes.get())
    assert OutboxMessage.objects.filter(event="agreement_file_uploaded").count() == 1


def test_a_single_tranche_follows_a_changed_grant_and_a_late_tranche_blocks_signing(official):
    made, _member = draft(iban=IBAN, account_holder_declared=True)
    services.agreement_update(agreement=made, actor=official, grant_amount=D("750.00"))
    assert [t.amount for t in made.tranches.all()] == [D("750.00")]
    services.agreement_update(agreement=made, actor=official, realisation_end=made.realisation_start)
    made.tranches.update(due_on=made.realisation_start + datetime.timedelta(days=1))
    made.refresh_from_db()
    assert any("due after the realisation ends" in problem for problem in services.ready_blockers(made))
    with pytest.raises(DomainError):
        services.agreement_mark_ready(agreement=made, actor=official)


def test_an_annex_cannot_raise_the_grant_above_the_amount_awarded(official):
    made, _member = agreement(AgreementStatus.SIGNED)
    made.tranches.update(paid_on=None, paid_amount=None)
    with pytest.raises(DomainError) as refused:
        services.annex_prepare(agreement=made, actor=official, subject="Więcej.", grant_amount=D("900.01"))
    assert "grant_amount" in refused.value.errors
    assert not made.annexes.exists()


def test_an_annex_moves_the_due_date_of_the_final_report_not_yet_submitted(official):
    from reporting.services import final_report_due, final_report_open

    made, member = agreement(AgreementStatus.SIGNED)
    report = final_report_open(agreement=made, actor=member)
    new_end = made.realisation_end + datetime.timedelta(days=20)
    annex = services.annex_prepare(agreement=made, actor=official, subject="Dłużej.", realisation_end=new_end)
    services.annex_sign(annex=annex, actor=official, method=SigningMethod.IN_OFFICE, signed_on=timezone.localdate())
    report.refresh_from_db()
    made.refresh_from_db()
    assert report.period_end == new_end
    assert report.due_on == final_report_due(made) == new_end + datetime.timedelta(days=30)
