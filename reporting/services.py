"""Writes for reports (*sprawozdanie*, art. 18) and returns of funds (u.f.p. art. 251–252).

Each function is one transaction and states its effects; every change of state goes through
``run_transition`` (a StatusChange row), notices are outbox rows written in the same transaction.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from agreements.enums import AgreementStatus
from agreements.models import Agreement
from applications.enums import ApplicationStatus
from core.enums import LegalParameterKey
from core.errors import DomainError
from core.legal import legal_parameter
from core.money import format_pln, pln
from core.permissions import ALLOW, require
from core.transitions import record_change, run_transition

from . import notices
from .content import clean_posted, initial_content, report_blockers, report_settlement
from .documents import store_report_pdf
from .enums import ReportKind, ReportStatus, ReviewOutcome
from .models import FundsReturn, Report, ReportReview, ReportSubmission
from .rules import (
    REPORT_TRANSITION_CHECKS,
    can_edit_report,
    can_open_final_report,
    can_record_return,
    can_request_partial_report,
)


def _days(key, on):
    return datetime.timedelta(days=int(legal_parameter(key, on=on)))


def final_report_due(agreement):
    """The end of the task + REPORT_DUE_DAYS (the parameter in force on the end date; art. 18 ust. 1)."""
    end = agreement.realisation_end
    return end + _days(LegalParameterKey.REPORT_DUE_DAYS, end)


def final_report_follow_agreement(agreement):
    """Within the caller's transaction (an annex moved the end of the task): the final report not yet
    submitted covers the new period and is due the legal number of days after the new end."""
    Report.objects.filter(
        agreement=agreement, kind=ReportKind.FINAL, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]
    ).update(period_end=agreement.realisation_end, due_on=final_report_due(agreement), updated_at=timezone.now())


def final_report_open(*, agreement, actor):
    """The final report of a signed agreement, created (draft, prefilled from the agreement's budget)
    the first time a member opens it. Effects: at most one Report row and its StatusChange row."""
    existing = Report.objects.filter(agreement=agreement, kind=ReportKind.FINAL).first()
    if existing is not None:
        return existing
    require(can_open_final_report(actor, agreement))
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        report, created = Report.objects.get_or_create(
            agreement=agreement,
            kind=ReportKind.FINAL,
            defaults={
                "period_start": agreement.realisation_start,
                "period_end": agreement.realisation_end,
                "due_on": final_report_due(agreement),
                "content": initial_content(agreement),
            },
        )
        if created:
            record_change(report, transition="create", from_state="", to_state=report.status, actor=actor)
    return report


def partial_report_request(*, agreement, actor, period_start, period_end, due_on, note=""):
    """An official requests a partial report (art. 18 ust. 3) for the period chosen, due no earlier
    than the request date + PARTIAL_REPORT_MIN_DAYS. Effects: a Report row (draft), its StatusChange
    row and the mandatory notice ``report_requested`` to the organisation's members."""
    require(can_request_partial_report(actor, agreement))
    today = timezone.localdate()
    errors = {}
    if period_end < period_start:
        errors["period_end"] = [_("The period cannot end before it starts.")]
    earliest = today + _days(LegalParameterKey.PARTIAL_REPORT_MIN_DAYS, today)
    if due_on < earliest:
        errors["due_on"] = [
            _("A partial report may be due no earlier than %(date)s (%(days)s days after the request, art. 18 ust. 3).")
            % {"date": date_format(earliest), "days": (earliest - today).days}
        ]
    if errors:
        message = next(iter(errors.values()))[0]
        raise DomainError(message, code="partial_report_invalid", errors=errors)
    with transaction.atomic():
        Agreement.objects.select_for_update().get(pk=agreement.pk)
        report = Report.objects.create(
            agreement=agreement,
            kind=ReportKind.PARTIAL,
            period_start=period_start,
            period_end=period_end,
            due_on=due_on,
            requested_at=timezone.now(),
            requested_by=actor,
            content=initial_content(agreement),
        )
        record_change(report, transition="request", from_state="", to_state=report.status, actor=actor, reason=note)
        notices.notify_members(
            "report_requested", "report_requested", report, f"report_requested:{report.pk}", {"note": note}
        )
    return report


def report_content_save(*, report, actor, data):
    """Store the editor's fields exactly as typed (never validated here: a draft keeps everything).
    ``data`` is the posted form (see :func:`reporting.content.clean_posted`). Effects: the content."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("agreement").get(pk=report.pk)
        require(can_edit_report(actor, locked))
        locked.content = clean_posted(locked.agreement, data)
        locked.save(update_fields=["content", "updated_at"])
    return locked


def _mark_offer_reported(report, actor):
    application = report.agreement.application
    if report.kind != ReportKind.FINAL or application is None or application.status != ApplicationStatus.IN_REALISATION:
        return
    # The member's right to submit was checked on the report; the offer follows it.
    run_transition(
        obj=application,
        name="mark_reported",
        actor=actor,
        checks={"mark_reported": lambda user, obj: ALLOW},
        reason=_("The final report was submitted."),
    )


def report_submit(*, report, actor):
    """Submit the report (members): refused with every blocker listed while anything is missing.
    Accepted after its due date too, but marked late (after the end of the due day in Warsaw; for a
    corrected report, of the correction day). Effects: the transition, a frozen ReportSubmission with
    the PDF (StoredDocument), for a final report the offer in_realisation → reported, the confirmation
    ``report_submitted`` to the members and the optional ``report_received`` to officials."""
    require(REPORT_TRANSITION_CHECKS["submit"](actor, report))
    blockers = report_blockers(report)
    if blockers:
        raise DomainError(
            _("The report cannot be submitted yet: %(count)s thing(s) to complete.") % {"count": len(blockers)},
            code="report_incomplete",
            errors={"__all__": blockers},
        )
    now = timezone.now()
    deadline = (
        report.correction_due if report.status == ReportStatus.RETURNED and report.correction_due else report.due_on
    )
    late = timezone.localdate(now) > deadline

    def freeze(locked):
        # Checked again on the locked row: an autosave between the check above and the lock must not
        # slip unchecked content into the frozen version (raising here rolls the transition back).
        if report_blockers(locked):
            raise DomainError(
                _("The report changed while it was being submitted; check the summary and submit again."),
                code="report_changed",
            )
        document = store_report_pdf(locked)
        locked.document = document
        locked.save(update_fields=["document", "updated_at"])
        number = (locked.submissions.aggregate(n=Max("number"))["n"] or 0) + 1
        ReportSubmission.objects.create(
            report=locked,
            number=number,
            content=locked.content,
            submitted_at=now,
            submitted_by=actor,
            late=late,
            document=document,
        )
        _mark_offer_reported(locked, actor)
        key = f"report:{locked.pk}:v{number}"
        notices.notify_members(
            "report_submitted", "report_submitted", locked, f"report_submitted:{key}", {"number": number}
        )
        notices.notify_officials(
            "report_received", "report_received", locked, f"report_received:{key}", {"number": number}
        )

    return run_transition(
        obj=report,
        name="submit",
        actor=actor,
        checks=REPORT_TRANSITION_CHECKS,
        kwargs={"at": now, "late": late},
        data={"late": late},
        within=freeze,
    )


def default_correction_due():
    today = timezone.localdate()
    return today + _days(LegalParameterKey.REPORT_CORRECTION_DAYS, today)


def report_return_for_correction(*, report, actor, comments, correction_due=None):
    """Return a submitted report for correction (officials): comments required, corrections due by
    ``correction_due`` (default today + REPORT_CORRECTION_DAYS; not in the past). Effects: the
    transition, a ReportReview row, the mandatory notice ``report_returned`` to the members."""
    comments = (comments or "").strip()
    errors = {}
    if not comments:
        errors["comments"] = [_("Say what must be corrected.")]
    due = correction_due or default_correction_due()
    if due < timezone.localdate():
        errors["correction_due"] = [_("The date for corrections cannot be in the past.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="review_invalid", errors=errors)

    def review(locked):
        ReportReview.objects.create(
            report=locked, outcome=ReviewOutcome.RETURNED, comments=comments, correction_due=due, reviewed_by=actor
        )
        notices.notify_members(
            "report_returned",
            "report_returned",
            locked,
            f"report_returned:{locked.pk}:{locked.submissions.count()}",
            {"comments": comments, "correction_due": due},
        )

    return run_transition(
        obj=report,
        name="return_for_correction",
        actor=actor,
        checks=REPORT_TRANSITION_CHECKS,
        kwargs={"due": due},
        reason=comments,
        data={"correction_due": due.isoformat()},
        within=review,
    )


def return_due_date(agreement):
    """The end of the task + UNUSED_FUNDS_RETURN_DAYS (u.f.p. art. 251 ust. 3). The date is the law's,
    not moved by a late acceptance: a return accepted after it is overdue at once (interest as for tax
    arrears runs from the next day, art. 251 ust. 5)."""
    end = agreement.realisation_end
    return end + _days(LegalParameterKey.UNUSED_FUNDS_RETURN_DAYS, end)


def report_accept(*, report, actor, settle_excess=False, comments=""):
    """Accept a submitted report (officials). A line above the allowed shift blocks acceptance unless
    ``settle_excess`` (the excess is then returned). For a final report the grant is settled
    (:mod:`reporting.settlement`, grant paid = the tranches paid): a FundsReturn when anything is to be
    returned (notice ``funds_return_due``), else the agreement is settled at once. Effects: the
    transition, a ReportReview row, the mandatory notice ``report_accepted``, possibly a FundsReturn
    and the agreement's settlement."""
    require(REPORT_TRANSITION_CHECKS["accept"](actor, report))
    computed = report_settlement(report)
    if computed.flagged and not settle_excess:
        names = ", ".join(f"“{result.line.name}”" for result in computed.flagged)
        message = _(
            "Some costs grew by more than the agreement allows (%(percent)s%%): %(names)s. Return the report for "
            "correction, or tick “settle the excess as a return of funds”."
        ) % {"percent": report.agreement.allowed_shift_percent, "names": names}
        raise DomainError(message, code="shift_exceeded", errors={"settle_excess": [message]})

    def accept(locked):
        ReportReview.objects.create(report=locked, outcome=ReviewOutcome.ACCEPTED, comments=comments, reviewed_by=actor)
        funds_return = None
        if locked.kind == ReportKind.FINAL and computed.to_return > 0:
            funds_return = FundsReturn.objects.create(
                agreement=locked.agreement,
                report=locked,
                unused_amount=computed.unused,
                excess_amount=computed.excess,
                amount=computed.to_return,
                due_on=return_due_date(locked.agreement),
                breakdown=computed.as_dict(),
            )
            record_change(funds_return, transition="create", from_state="", to_state="due", actor=actor)
        notices.notify_members(
            "report_accepted", "report_accepted", locked, f"report_accepted:{locked.pk}", {"funds_return": funds_return}
        )
        if funds_return is not None:
            notices.notify_members(
                "funds_return_due",
                "funds_return_due",
                locked,
                f"funds_return_due:{funds_return.pk}",
                {"funds_return": funds_return},
            )
        elif locked.kind == ReportKind.FINAL:
            from agreements.services import agreement_settle

            agreement_settle(agreement=locked.agreement, actor=actor)

    return run_transition(
        obj=report,
        name="accept",
        actor=actor,
        checks=REPORT_TRANSITION_CHECKS,
        kwargs={"at": timezone.now()},
        reason=comments,
        data={"settlement": computed.as_dict(), "settle_excess": bool(settle_excess)},
        within=accept,
    )


def funds_return_record(*, funds_return, actor, returned_on, amount):
    """Record a payment back (officials): amounts add up; a partial payment keeps the return open.
    Once the whole amount is back and the report is a final one, the agreement is settled.
    Effects: the FundsReturn row, a StatusChange row, possibly the agreement's settlement."""
    amount = pln(amount)
    errors = {}
    if amount <= 0:
        errors["amount"] = [_("Give the amount returned, more than zero.")]
    if returned_on > timezone.localdate():
        errors["returned_on"] = [_("The date of the return cannot be in the future.")]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="return_invalid", errors=errors)
    with transaction.atomic():
        locked = (
            FundsReturn.objects.select_for_update(of=("self",))
            .select_related("agreement", "report")
            .get(pk=funds_return.pk)
        )
        require(can_record_return(actor, locked))
        before = locked.returned_amount or Decimal("0.00")
        owed = locked.amount - before
        if amount > owed:
            message = _("At most %(owed)s is still to be returned.") % {"owed": format_pln(owed)}
            raise DomainError(message, code="return_too_much", errors={"amount": [message]})
        locked.returned_amount = before + amount
        locked.returned_on = returned_on
        locked.recorded_by = actor
        locked.save(update_fields=["returned_amount", "returned_on", "recorded_by", "updated_at"])
        complete = locked.returned_amount >= locked.amount
        record_change(
            locked,
            transition="record_return",
            from_state="due",
            to_state="returned" if complete else "due",
            actor=actor,
            reason=_("%(amount)s returned on %(date)s.")
            % {"amount": format_pln(amount), "date": date_format(returned_on)},
            data={"amount": f"{amount:.2f}", "returned_on": returned_on.isoformat()},
        )
        agreement = locked.agreement
        if (
            complete
            and locked.report is not None
            and locked.report.kind == ReportKind.FINAL
            and agreement.status == AgreementStatus.SIGNED
            and not FundsReturn.objects.filter(agreement=agreement, returned_on__isnull=True)
            .exclude(pk=locked.pk)
            .exists()
        ):
            from agreements.services import agreement_settle

            agreement_settle(agreement=agreement, actor=actor)
    return locked
