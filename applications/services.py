"""Writes for offers. Each function is one transaction and says its effects."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed
from core.permissions import ALLOW, deny, require
from core.roles import officials_with_email
from core.transitions import run_transition
from notifications.services import outbox_write
from organisations.selectors import members_to_notify

from .completeness import offer_blockers, parse_amount
from .documents import store_submission_documents
from .enums import ApplicationStatus
from .models import Application, ApplicationVersion, FormalCheck, FormalOutcome
from .rules import APPLICATION_TRANSITION_CHECKS, EDITABLE_STATES, NOT_MEMBER, can_create_application, is_member


def application_create(*, actor, organisation, call, title, requested_amount=0):
    """Start a draft offer of ``organisation`` in ``call``. Effects: one row."""
    require(can_create_application(actor, organisation, call))
    return Application.objects.create(
        call=call, organisation=organisation, title=title, requested_amount=requested_amount, created_by=actor
    )


def _storable(value):
    """``value`` with what PostgreSQL's JSON cannot hold removed from every text: the NUL character
    (the form reports it as an error; the rest of what was typed is kept) and lone surrogates."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def offer_section_save(*, application, actor, section, data, title=None):
    """Store one section of the offer editor as typed (``data``: plain strings, lists, booleans).

    Only the organisation's members, only while the offer can be changed (draft, returned for
    correction). Nothing is validated here: a draft keeps what was typed and
    :func:`applications.completeness.offer_blockers` says what must change before submission.
    ``title`` (section III) renames the offer when not blank. The requested grant
    (``requested_amount``) follows the V.B grant whenever that is a valid amount.
    Effects: the offer's ``content[section]`` (and title, requested amount) under its row lock.
    """
    data = _storable(data)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        require(ALLOW if is_member(actor, locked.organisation_id) else deny(NOT_MEMBER))
        if locked.status not in EDITABLE_STATES:
            raise NotAllowed(_("The offer has been submitted and can no longer be changed."))
        content = dict(locked.content or {})
        content[section] = data
        locked.content = content
        fields = ["content", "updated_at"]
        if title and title.strip():
            locked.title = title.strip()[:300]
            fields.append("title")
        # The requested grant follows V.B while the offer is drafted or corrected; after a partial
        # award the budget is updated to the amount awarded and the request stays as submitted.
        if section == "budget" and locked.status != ApplicationStatus.UPDATE_REQUIRED:
            grant = parse_amount((data.get("sources") or {}).get("grant"))
            if grant is not None and grant >= 0 and grant == grant.quantize(Decimal("0.01")) and grant < 10**12:
                locked.requested_amount = grant
                fields.append("requested_amount")
        locked.save(update_fields=fields)
        return locked


def _members(application):
    return members_to_notify(application.organisation_id)


def _officials():
    return officials_with_email()


def _submission_notices(application):
    event = f"{application.pk}:{application.submitted_at.isoformat()}"
    context = {"application": application, "call": application.call, "organisation": application.organisation}
    for membership in _members(application):
        outbox_write(
            event="application_submitted",
            recipient=membership.user.email,
            template="application_submitted",
            context={**context, "person": membership.user},
            dedupe_key=f"application_submitted:{event}:user:{membership.user_id}",
        )
    for official in _officials():
        outbox_write(
            event="application_received",
            recipient=official.email,
            template="application_received",
            context=context,
            dedupe_key=f"application_received:{event}:user:{official.pk}",
        )


def application_submit(*, application, actor):
    """Submit an offer (or resubmit it after correction) while the call accepts offers.

    The deadline is checked on the server clock inside the transaction that holds the offer's row
    lock, whatever the call's stored status says; after it the refusal says when it passed and the
    draft stays as it was. Two submissions at once give one: the second finds it submitted.
    Refused with code ``offer_incomplete`` (the blockers in ``errors["__all__"]``) while
    :func:`applications.completeness.offer_blockers` finds anything missing.
    Effects: status → submitted, submission time and a confirmation number, a StatusChange row,
    the offer PDF and the confirmation of submission (with the offer PDF's SHA-256) rendered and
    stored (applications.documents), a new frozen ApplicationVersion holding both, notices to the organisation's members (confirmation, with the
    digest) and to officials (new offer). All in one transaction: a refusal stores nothing.
    """

    def documents_and_notices(submitted):
        # The documents first: the members' confirmation e-mail quotes the offer PDF's SHA-256.
        offer, confirmation = store_submission_documents(submitted)
        ApplicationVersion.objects.create(
            application=submitted,
            number=submitted.versions.count() + 1,
            title=submitted.title,
            requested_amount=submitted.requested_amount,
            content=submitted.content,
            submitted_at=submitted.submitted_at,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
            offer_document=offer,
            confirmation_document=confirmation,
        )
        _submission_notices(submitted)

    with transaction.atomic():
        locked = Application.objects.select_for_update().select_related("call").get(pk=application.pk)
        require(APPLICATION_TRANSITION_CHECKS["submit"](actor, locked))
        editable = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION)
        if locked.status in editable and not locked.can_be_submitted_now():
            returned = locked.status == ApplicationStatus.RETURNED_FOR_CORRECTION
            deadline = locked.correction_due if returned else locked.call.offer_deadline
            message = (
                _("The deadline for corrections passed at %(deadline)s: the offer was not resubmitted.")
                if returned
                else _(
                    "The deadline for offers passed at %(deadline)s: the offer was not submitted; your draft is kept."
                )
            )
            raise DomainError(
                message
                % {"deadline": date_format(timezone.localtime(deadline), "DATETIME_FORMAT") if deadline else "—"},
                code="deadline_passed",
            )
        if locked.status in editable:
            blockers = offer_blockers(locked)
            if blockers:
                raise DomainError(
                    _("The offer is not complete yet and was not submitted; your draft is kept."),
                    code="offer_incomplete",
                    errors={"__all__": [blocker.text for blocker in blockers]},
                )
        return run_transition(
            obj=locked,
            name="submit",
            actor=actor,
            checks=APPLICATION_TRANSITION_CHECKS,
            kwargs={"at": timezone.now()},
            within=documents_and_notices,
        )


def _withdrawal_notices(application):
    for official in _officials():
        outbox_write(
            event="application_withdrawn",
            recipient=official.email,
            template="application_withdrawn",
            context={"application": application, "call": application.call, "organisation": application.organisation},
            dedupe_key=f"application_withdrawn:{application.pk}:user:{official.pk}",
        )


def application_withdraw(*, application, actor, reason=""):
    """Withdraw a submitted offer before any decision. Effects: status → withdrawn, a StatusChange
    row with the reason, notices to officials."""
    return run_transition(
        obj=application,
        name="withdraw",
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        reason=reason,
        within=_withdrawal_notices,
    )


def _formal_outcome_notices(application, *, outcome, reason="", defects=()):
    context = {
        "application": application,
        "call": application.call,
        "organisation": application.organisation,
        "outcome": outcome,
        "reason": reason,
        "defects": defects,
    }
    at = timezone.now().isoformat()
    for membership in _members(application):
        outbox_write(
            event=f"application_{outcome}",
            recipient=membership.user.email,
            template="application_formal_outcome",
            context=context,
            dedupe_key=f"application_{outcome}:{application.pk}:{at}:user:{membership.user_id}",
        )


def formal_checklist_items(call, checklist):
    """The official's answers to ``call``'s formal requirements as stored items, or a DomainError.

    ``checklist`` is a list with one entry per requirement, in the checklist's order: ``{"met":
    bool, "note": str}`` (``"requirement"`` may repeat the text; it must then be the same).
    ``None`` means no checklist was given (``[]`` is returned).
    """
    if checklist is None:
        return []
    requirements = call.formal_requirements()
    message = _("Answer each of the call's %(count)s formal requirements: met or not met.") % {
        "count": len(requirements)
    }
    if not isinstance(checklist, list | tuple) or len(checklist) != len(requirements):
        raise DomainError(message, errors={"checklist": [message]})
    items = []
    for requirement, answer in zip(requirements, checklist, strict=True):
        if not isinstance(answer, dict) or not isinstance(answer.get("met"), bool):
            raise DomainError(message, errors={"checklist": [message]})
        if "requirement" in answer and str(answer["requirement"]).strip() != requirement:
            changed = _("The call's formal requirements have changed: reload the checklist.")
            raise DomainError(changed, errors={"checklist": [changed]})
        items.append({"requirement": requirement, "met": answer["met"], "note": str(answer.get("note") or "").strip()})
    return items


def _record_formal_check(application, *, actor, outcome, items, reason="", defects=(), due=None):
    FormalCheck.objects.create(
        application=application,
        version=application.versions.order_by("-number").first(),
        outcome=outcome,
        items=items,
        reason=reason,
        defects=list(defects),
        correction_due=due,
        checked_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def application_accept_formally(*, application, actor, checklist=None):
    """The offer passes the formal check.

    When the call lists formal requirements, ``checklist`` must answer each of them and all must
    be met (an unmet requirement means a return for correction or a rejection, not acceptance).
    Effects: status, a FormalCheck record with the answers, a StatusChange row, notices to members.
    """
    requirements = application.call.formal_requirements()
    if requirements and checklist is None:
        message = _("Answer each of the call's %(count)s formal requirements: met or not met.") % {
            "count": len(requirements)
        }
        raise DomainError(message, errors={"checklist": [message]})
    items = formal_checklist_items(application.call, checklist)
    unmet = [item["requirement"] for item in items if not item["met"]]
    if unmet:
        message = _(
            "An offer that does not meet a formal requirement cannot be accepted: return it for correction "
            "or reject it."
        )
        raise DomainError(message, code="requirement_not_met", errors={"checklist": [message, *unmet]})

    def within(app):
        _record_formal_check(app, actor=actor, outcome=FormalOutcome.ACCEPTED, items=items)
        _formal_outcome_notices(app, outcome="formally_accepted")

    return run_transition(
        obj=application,
        name="accept_formally",
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        data={"checklist": items} if items else None,
        within=within,
    )


def application_return_for_correction(*, application, actor, defects, due, checklist=None):
    """Return the offer with its defects listed and a deadline for the corrected version.

    Refused without defects or with a deadline already past. ``checklist`` (optional) records the
    answers to the call's formal requirements. Effects: status, the deadline on the offer, a
    FormalCheck record, a StatusChange row with the defects, notices to members with the list and
    the deadline.
    """
    defects = [d.strip() for d in defects if d and d.strip()]
    errors = {}
    if not defects:
        errors["defects"] = [_("List the defects the organisation must correct.")]
    if due is None or due <= timezone.now():
        errors["due"] = [_("Give a correction deadline in the future.")]
    if errors:
        raise DomainError(_("The offer cannot be returned without defects and a deadline."), errors=errors)
    items = formal_checklist_items(application.call, checklist)

    def within(app):
        _record_formal_check(app, actor=actor, outcome=FormalOutcome.RETURNED, items=items, defects=defects, due=due)
        _formal_outcome_notices(app, outcome="returned_for_correction", defects=defects)

    return run_transition(
        obj=application,
        name="return_for_correction",
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        reason="; ".join(defects),
        data={"defects": defects, "due": due.isoformat(), **({"checklist": items} if items else {})},
        kwargs={"due": due},
        within=within,
    )


def application_reject_formally(*, application, actor, reason, checklist=None):
    """Reject the offer on formal grounds, with the reason. ``checklist`` (optional) records the
    answers to the call's formal requirements. Effects: status, a FormalCheck record, a StatusChange
    row with the reason, notices to members."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the formal rejection."), errors={"reason": [_("Give the reason.")]})
    items = formal_checklist_items(application.call, checklist)

    def within(app):
        _record_formal_check(app, actor=actor, outcome=FormalOutcome.REJECTED, items=items, reason=reason)
        _formal_outcome_notices(app, outcome="formally_rejected", reason=reason)

    return run_transition(
        obj=application,
        name="reject_formally",
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        reason=reason,
        data={"checklist": items} if items else None,
        within=within,
    )
