"""The update of a partially awarded offer (*aktualizacja oferty*): sent by the organisation (a new
version), confirmed or returned by an official, or declined by the organisation."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.completeness import offer_blockers, offer_budget
from applications.enums import ApplicationStatus
from applications.models import Application, ApplicationVersion
from applications.rules import APPLICATION_TRANSITION_CHECKS
from core.errors import DomainError, InvalidState
from core.money import format_pln
from core.permissions import require
from core.transitions import run_transition

from .. import documents
from .notices import notify_applicant, notify_officials


def update_grant_problem(application):
    """Why the offer's V.B grant does not match the amount awarded (to the grosz), or ``""``."""
    _lines, sources, _problems = offer_budget(application)
    if application.awarded_amount is None or sources.grant == application.awarded_amount:
        return ""
    return _(
        "The planned grant in section V.B is %(grant)s; it must equal the amount awarded, %(awarded)s, to the grosz."
    ) % {"grant": format_pln(sources.grant), "awarded": format_pln(application.awarded_amount)}


def _update_context(application):
    return {"application": application, "call": application.call, "organisation": application.organisation}


def update_submit(*, actor, application):
    """The organisation sends its offer updated to a partial award (schedule and budget).

    Refused unless the actor is a confirmed member, the offer is ``update_required``, nothing blocks
    it (:func:`applications.completeness.offer_blockers`) and the V.B grant equals the amount awarded
    to the grosz (code ``grant_not_awarded_amount``; otherwise ``offer_incomplete``). Effects: status
    → update submitted, a StatusChange row, the updated offer PDF and the confirmation of the update
    stored as a new ApplicationVersion, notices to officials. A refusal stores nothing.
    """
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update().select_related("call__task", "organisation").get(pk=application.pk)
        )
        require(APPLICATION_TRANSITION_CHECKS["submit_update"](actor, locked))
        if locked.status != ApplicationStatus.UPDATE_REQUIRED:
            raise InvalidState(
                _("This offer has no update to send now (it is “%(state)s”).") % {"state": locked.get_status_display()}
            )
        grant_problem = update_grant_problem(locked)
        blockers = [blocker.text for blocker in offer_blockers(locked)]
        if grant_problem or blockers:
            raise DomainError(
                grant_problem or _("The updated offer is not complete yet and was not sent; your changes are kept."),
                code="grant_not_awarded_amount" if grant_problem else "offer_incomplete",
                errors={"__all__": ([grant_problem] if grant_problem else []) + blockers},
            )

        def within(updated):
            at = timezone.now()
            number = updated.versions.count() + 1
            offer, confirmation = documents.store_update_documents(
                updated, at=at, awarded_amount=updated.awarded_amount, version_number=number
            )
            ApplicationVersion.objects.create(
                application=updated,
                number=number,
                title=updated.title,
                requested_amount=updated.awarded_amount,  # the V.B grant, checked equal to it
                content=updated.content,
                submitted_at=at,
                submitted_by=actor,
                offer_document=offer,
                confirmation_document=confirmation,
            )
            notify_officials(
                "update_submitted",
                "update_submitted",
                {**_update_context(updated), "version_number": number},
                f"update_submitted:{updated.pk}:v{number}",
            )

        return run_transition(
            obj=locked,
            name="submit_update",
            actor=actor,
            checks=APPLICATION_TRANSITION_CHECKS,
            data={"grant": str(locked.awarded_amount)},
            within=within,
        )


def _review_update(application, *, actor, name, event, reason):
    """Run the official's transition ``name`` on an update and tell the organisation (``event``)."""

    def within(reviewed):
        at = timezone.now().isoformat()
        notify_applicant(
            event, event, reviewed, {**_update_context(reviewed), "reason": reason}, f"{event}:{reviewed.pk}:{at}"
        )

    return run_transition(
        obj=application,
        name=name,
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        reason=reason,
        within=within,
    )


def update_confirm(*, actor, application, reason=""):
    """An official accepts the updated offer: status → awarded (it goes on to the agreement).
    Effects: a StatusChange row, a notice to the organisation."""
    reason = (reason or "").strip()
    return _review_update(application, actor=actor, name="confirm_update", event="update_confirmed", reason=reason)


def update_return(*, actor, application, reason):
    """An official asks for the update to be corrected, saying what: status → update required.
    Refused without a reason. Effects: a StatusChange row with the reason, a notice to the organisation."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(
            _("Say what the organisation must correct in its update."),
            errors={"reason": [_("Give the reason; the organisation receives it.")]},
        )
    return _review_update(application, actor=actor, name="return_update", event="update_returned", reason=reason)


def update_decline(*, actor, application, reason=""):
    """The organisation declines the partial award (it will not carry out the task for less).
    Effects: status → declined, a StatusChange row, notices to officials."""
    reason = (reason or "").strip()

    def within(declined):
        notify_officials(
            "update_declined",
            "update_declined",
            {**_update_context(declined), "reason": reason},
            f"update_declined:{declined.pk}",
        )

    return run_transition(
        obj=application,
        name="decline",
        actor=actor,
        checks=APPLICATION_TRANSITION_CHECKS,
        reason=reason,
        within=within,
    )
