"""The report's life through its services: the final report created on first opening with its due
date, partial reports on request, submission (blockers, late, the offer reported), review, settlement
with the return of funds and the agreement settled."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from agreements.enums import AgreementStatus
from applications.enums import ApplicationStatus
from core.enums import LegalParameterKey
from core.errors import DomainError, NotAllowed
from core.models import LegalParameter
from notifications.models import OutboxMessage
from reporting import services
from reporting.content import initial_content
from reporting.enums import ReportKind, ReportStatus
from reporting.models import FundsReturn, Report, ReportSubmission
from tests.agreements.helpers import agreement
from tests.calls.helpers import status_changes
from tests.factories import OrganisationFactory, make_ngo_member
from tests.reporting.helpers import filled_content, report

pytestmark = pytest.mark.django_db


def test_the_final_report_is_created_once_when_members_first_open_it_due_30_days_after_the_end():
    made, member = agreement()
    assert not Report.objects.exists()

    first = services.final_report_open(agreement=made, actor=member)
    again = services.final_report_open(agreement=made, actor=member)

    assert first.pk == again.pk
    assert first.kind == ReportKind.FINAL and first.status == ReportStatus.DRAFT
    assert (first.period_start, first.period_end) == (made.realisation_start, made.realisation_end)
    assert first.due_on == made.realisation_end + datetime.timedelta(days=30)
    # the editor starts from the agreement's budget, actual values empty
    assert first.content["lines"] == [
        {"total": "", "grant": "", "own_financial": "", "own_non_financial": "", "beneficiary_fees": ""}
    ]
    assert [c.transition for c in status_changes(first)] == ["create"]


def test_the_due_date_follows_the_legal_parameter_in_force_on_the_end_date(official):
    made, member = agreement()
    LegalParameter.objects.create(
        key=LegalParameterKey.REPORT_DUE_DAYS, value=Decimal("45"), effective_from=made.realisation_end
    )
    assert services.final_report_open(agreement=made, actor=member).due_on == made.realisation_end + datetime.timedelta(
        days=45
    )


def test_a_member_of_another_organisation_cannot_open_the_final_report():
    made, _member = agreement()
    stranger = make_ngo_member(OrganisationFactory())
    with pytest.raises(NotAllowed):
        services.final_report_open(agreement=made, actor=stranger)
    assert not Report.objects.exists()


def test_a_partial_report_due_too_early_is_refused_with_the_reason(official):
    made, member = agreement()
    today = timezone.localdate()
    with pytest.raises(DomainError) as refused:
        services.partial_report_request(
            agreement=made,
            actor=official,
            period_start=made.realisation_start,
            period_end=today,
            due_on=today + datetime.timedelta(days=29),
        )
    assert "due_on" in refused.value.errors
    assert not Report.objects.exists()


def test_a_partial_report_requested_notifies_the_organisation(official):
    made, member = agreement()
    today = timezone.localdate()
    requested = services.partial_report_request(
        agreement=made,
        actor=official,
        period_start=made.realisation_start,
        period_end=today,
        due_on=today + datetime.timedelta(days=30),
        note="Prosimy o sprawozdanie za pierwszy kwartał.",
    )
    assert requested.kind == ReportKind.PARTIAL and requested.requested_by == official
    (notice,) = OutboxMessage.objects.filter(event="report_requested")
    assert notice.recipient == member.email
    assert made.task_title in notice.subject
    assert "Prosimy o sprawozdanie" in notice.body_text


def test_an_incomplete_report_cannot_be_submitted_and_every_blocker_is_listed():
    made, member = agreement()
    draft = services.final_report_open(agreement=made, actor=member)
    with pytest.raises(DomainError) as refused:
        services.report_submit(report=draft, actor=member)
    blockers = refused.value.errors["__all__"]
    assert any("Wynagrodzenie trenera" in b for b in blockers)  # the cost line without its actual cost
    assert any("Zajęcia sportowe" in b for b in blockers)  # the activity without what was done
    assert len(blockers) == 4  # and the results text, the personal and in-kind contribution
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.DRAFT


def test_parts_that_do_not_add_up_to_the_actual_cost_block_submission():
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="1000,00", grant="900,00", own_financial="99,99"))
    with pytest.raises(DomainError) as refused:
        services.report_submit(report=draft, actor=member)
    assert any("999,99" in b and "1000,00" in b for b in refused.value.errors["__all__"])


@pytest.mark.parametrize("typed", ["-5,00", "10,005", "dziesięć"])
def test_an_amount_that_is_not_a_proper_sum_blocks_submission(typed):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total=typed))
    with pytest.raises(DomainError):
        services.report_submit(report=draft, actor=member)


def test_submitting_the_final_report_freezes_a_version_with_its_pdf_and_marks_the_offer_reported(official):
    made, member = agreement()
    draft, _ = report(made=made)

    submitted = services.report_submit(report=draft, actor=member)

    assert submitted.status == ReportStatus.SUBMITTED and not submitted.late
    (version,) = ReportSubmission.objects.filter(report=submitted)
    assert version.number == 1 and version.document.read().startswith(b"%PDF-")
    made.application.refresh_from_db()
    assert made.application.status == ApplicationStatus.REPORTED
    assert [c.transition for c in status_changes(made.application)][-1] == "mark_reported"
    assert OutboxMessage.objects.filter(event="report_submitted", recipient=member.email).exists()
    assert OutboxMessage.objects.filter(event="report_received", recipient=official.email).exists()


def test_a_report_submitted_after_its_due_day_is_accepted_but_marked_late():
    made, member = agreement()
    draft, _ = report(made=made, due_on=timezone.localdate() - datetime.timedelta(days=1))
    submitted = services.report_submit(report=draft, actor=member)
    assert submitted.status == ReportStatus.SUBMITTED
    assert submitted.late
    assert ReportSubmission.objects.get(report=submitted).late


def test_returning_needs_comments_and_tells_the_members(official):
    made, member = agreement()
    submitted, _ = report("submitted", made=made)
    with pytest.raises(DomainError):
        services.report_return_for_correction(report=submitted, actor=official, comments="  ")

    returned = services.report_return_for_correction(
        report=submitted, actor=official, comments="Uzupełnij opis działań."
    )

    assert returned.status == ReportStatus.RETURNED
    assert returned.correction_due == timezone.localdate() + datetime.timedelta(days=7)
    (notice,) = OutboxMessage.objects.filter(event="report_returned")
    assert notice.recipient == member.email and "Uzupełnij opis działań." in notice.body_text


def test_a_corrected_report_is_a_new_version(official):
    made, member = agreement()
    draft, _ = report(made=made)
    services.report_submit(report=draft, actor=member)
    services.report_return_for_correction(report=draft, actor=official, comments="Popraw.")
    services.report_submit(report=Report.objects.get(pk=draft.pk), actor=member)
    assert list(ReportSubmission.objects.filter(report=draft).values_list("number", flat=True)) == [1, 2]


def test_accepting_a_final_report_with_nothing_to_return_settles_the_agreement(official):
    made, member = agreement()
    draft, _ = report(made=made)
    services.report_submit(report=draft, actor=member)

    accepted = services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)

    assert accepted.status == ReportStatus.ACCEPTED
    assert not FundsReturn.objects.exists()
    made.refresh_from_db()
    assert made.status == AgreementStatus.SETTLED
    made.application.refresh_from_db()
    assert made.application.status == ApplicationStatus.SETTLED
    assert OutboxMessage.objects.filter(event="report_accepted", recipient=member.email).exists()


def test_an_unused_grant_becomes_a_return_due_15_days_after_the_end(official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)

    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)

    funds_return = FundsReturn.objects.get()
    assert funds_return.amount == Decimal("200.00") and funds_return.unused_amount == Decimal("200.00")
    assert funds_return.due_on == made.realisation_end + datetime.timedelta(days=15)
    made.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED  # settled once the return is recorded
    (notice,) = OutboxMessage.objects.filter(event="funds_return_due")
    assert "200,00" in notice.body_text


def test_a_cost_above_the_allowed_increase_blocks_acceptance_unless_the_excess_is_settled(official):
    made, member = agreement()  # planned 1 000,00, allowed +10 %: 1 100,00 at most
    content = filled_content(made, total="1100,01", grant="900,01", own_financial="200,00")
    draft, _ = report(made=made, content=content)
    made.tranches.update(paid_amount=Decimal("900.01"))
    services.report_submit(report=draft, actor=member)

    with pytest.raises(DomainError) as refused:
        services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    assert refused.value.code == "shift_exceeded"
    assert Report.objects.get(pk=draft.pk).status == ReportStatus.SUBMITTED

    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official, settle_excess=True)
    funds_return = FundsReturn.objects.get()
    assert funds_return.excess_amount == Decimal("0.01") and funds_return.amount == Decimal("0.01")


def test_a_partial_payment_keeps_the_return_open_and_the_full_one_settles_the_agreement(official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    funds_return = FundsReturn.objects.get()

    services.funds_return_record(
        funds_return=funds_return, actor=official, returned_on=timezone.localdate(), amount=Decimal("50.00")
    )
    made.refresh_from_db()
    assert made.status == AgreementStatus.SIGNED

    services.funds_return_record(
        funds_return=funds_return, actor=official, returned_on=timezone.localdate(), amount=Decimal("150.00")
    )
    made.refresh_from_db()
    assert made.status == AgreementStatus.SETTLED
    assert FundsReturn.objects.get().returned_amount == Decimal("200.00")


def test_only_officials_record_returns(official):
    made, member = agreement()
    draft, _ = report("accepted", made=made)
    funds_return = FundsReturn.objects.create(
        agreement=made, report=draft, amount=Decimal("10.00"), due_on=timezone.localdate()
    )
    with pytest.raises(NotAllowed):
        services.funds_return_record(
            funds_return=funds_return, actor=member, returned_on=timezone.localdate(), amount=Decimal("10.00")
        )
    assert FundsReturn.objects.get().returned_amount is None


def test_the_initial_content_has_a_row_per_indicator_and_activity():
    made, _member = agreement()
    made.offer_content["task"]["indicators"] = [{"name": "Liczba dzieci", "planned_level": "30", "monitoring": "lista"}]
    made.save()
    content = initial_content(made)
    assert content["results"] == [{"achieved": "", "source": ""}]
    assert len(content["activities"]) == 1


def test_a_return_accepted_after_its_legal_date_keeps_that_date_and_is_overdue_at_once(official):
    from reporting.selectors import open_returns
    from tests.agreements.helpers import resolved_call

    today = timezone.localdate()
    call = resolved_call(
        realisation_start=today - datetime.timedelta(days=120), realisation_end=today - datetime.timedelta(days=40)
    )
    made, member = agreement(call=call)
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)

    funds_return = FundsReturn.objects.get()
    assert funds_return.due_on == made.realisation_end + datetime.timedelta(days=15) < today
    assert [r.pk for r in open_returns() if r.due_on < today] == [funds_return.pk]


def test_a_payment_back_above_what_is_owed_is_refused_and_nothing_is_recorded(official):
    made, member = agreement()
    draft, _ = report(made=made, content=filled_content(made, total="800,00", grant="700,00"))
    services.report_submit(report=draft, actor=member)
    services.report_accept(report=Report.objects.get(pk=draft.pk), actor=official)
    funds_return = FundsReturn.objects.get()  # 200,00 to return

    services.funds_return_record(
        funds_return=funds_return, actor=official, returned_on=timezone.localdate(), amount=Decimal("150.00")
    )
    with pytest.raises(DomainError) as refused:
        services.funds_return_record(
            funds_return=funds_return, actor=official, returned_on=timezone.localdate(), amount=Decimal("50.01")
        )
    assert refused.value.code == "return_too_much" and "50,00" in refused.value.message
    funds_return.refresh_from_db()
    assert funds_return.returned_amount == Decimal("150.00")
