"""The approver's decisions and their publication together."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.completeness import parse_amount
from applications.enums import SUBMITTED_STATES, ApplicationStatus
from applications.models import Application
from calls.enums import CallStatus
from calls.models import Call
from calls.rules import CALL_TRANSITION_CHECKS
from core.errors import DomainError, InvalidState, NotFound
from core.models import StoredDocument
from core.money import GROSZ, format_pln
from core.permissions import ALLOW, deny, require
from core.roles import is_approver
from core.transitions import record_change, run_transition
from notifications.press import press_note_draft

from .. import documents
from ..enums import EvaluationStatus
from ..models import Decision, Evaluation
from ..ranking import evaluation_ranking, requested_when_scored
from ..rules import EVALUATION_TRANSITION_CHECKS, NOT_APPROVER, can_decide
from .notices import notify_applicant

AWARDED, PARTIAL, NOT_AWARDED = "awarded", "partial", "not_awarded"


def _approver(user, obj):
    return ALLOW if is_approver(user) else deny(NOT_APPROVER)


# The evaluation app runs the award transitions of an offer, for the approver, at publication.
AWARD_CHECKS = {"award": _approver, "award_partially": _approver, "refuse_award": _approver}


def _evaluation_of(call_id, *, lock):
    queryset = Evaluation.objects.select_related("call")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    evaluation = queryset.filter(call_id=call_id).first()
    if evaluation is None:
        raise NotFound(_("This call has no evaluation."))
    return evaluation


def _money(value):
    """``value`` (Decimal, number or typed text) as a Decimal, or ``None`` when it is not an amount."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    return parse_amount(value)


def awards_total(call, *, excluding=None):
    """The sum of the awards prepared (or published) in ``call``, leaving out ``excluding``'s."""
    decisions = Decision.objects.filter(application__call=call, awarded=True)
    if excluding is not None:
        decisions = decisions.exclude(application=excluding)
    return decisions.aggregate(total=Sum("amount"))["total"] or Decimal("0")


def decision_prepare(*, actor, application, awarded, amount=None, reason):
    """Prepare (or replace, until the results are published) the approver's decision on one offer.

    Refused unless the actor may decide now (:func:`evaluation.rules.can_decide`: the approver,
    scoring closed, results not published) and the offer was scored. An award needs an amount above
    zero, to the grosz, at most the grant requested, for an offer with a result not below the call's
    minimum score; with the call's other awards it must stay within the call's funds — checked
    under the evaluation's row lock, so decisions made at the same time cannot exceed them. A reason
    is always required. Effects: the Decision row, a StatusChange row on the evaluation.
    """
    reason = (reason or "").strip()
    with transaction.atomic():
        evaluation = _evaluation_of(application.call_id, lock=True)
        require(can_decide(actor, evaluation))
        application = (
            Application.objects.select_related("organisation").prefetch_related("versions").get(pk=application.pk)
        )
        if application.status != ApplicationStatus.SCORED:
            raise InvalidState(
                _("A decision can be prepared only for an offer the committee has scored (this one is “%(state)s”).")
                % {"state": application.get_status_display()}
            )
        errors = {}
        if not reason:
            errors["reason"] = [_("Give the reason for the decision; the organisation receives it.")]
        value = None
        if awarded:
            value = _money(amount)
            requested = requested_when_scored(application, evaluation)
            funds = evaluation.call.funds
            row = evaluation_ranking(evaluation).row_for(application.pk)
            if value is None or value <= 0:
                errors["amount"] = [_("Give the amount awarded, more than zero.")]
            elif value != value.quantize(GROSZ):
                errors["amount"] = [_("Give the amount to the grosz (two decimal places).")]
            elif value > requested:
                errors["amount"] = [
                    _("The amount awarded (%(amount)s) is more than the grant requested (%(requested)s).")
                    % {"amount": format_pln(value), "requested": format_pln(requested)}
                ]
            elif funds is None:
                errors["amount"] = [_("The call states no funds, so no grant can be awarded.")]
            else:
                others = awards_total(evaluation.call, excluding=application)
                if others + value > funds:
                    errors["amount"] = [
                        _("The awards would exceed the call's funds (%(funds)s): %(remaining)s is left for this offer.")
                        % {"funds": format_pln(funds), "remaining": format_pln(max(funds - others, Decimal("0")))}
                    ]
            if row is None or row.result is None:
                errors.setdefault("awarded", []).append(
                    _("The committee gave this offer no result, so it cannot be awarded a grant.")
                )
            elif row.below_minimum:
                errors.setdefault("awarded", []).append(
                    _("This offer scored %(result)s, below the call's minimum of %(minimum)s: it cannot be awarded.")
                    % {"result": row.result, "minimum": evaluation.call.min_score}
                )
        if errors:
            raise DomainError(_("The decision was not saved."), code="decision_invalid", errors=errors)
        decision, _created = Decision.objects.update_or_create(
            application=application,
            defaults={
                "awarded": bool(awarded),
                "amount": value if awarded else None,
                "reason": reason,
                "prepared_by": actor,
                "prepared_at": timezone.now(),
            },
        )
        record_change(
            evaluation,
            transition="decision_prepared",
            from_state=evaluation.status,
            to_state=evaluation.status,
            actor=actor,
            reason=reason,
            data={"application": application.pk, "awarded": bool(awarded), "amount": str(value) if awarded else None},
        )
        return decision


def outcome_of(decision, requested):
    if not decision.awarded:
        return NOT_AWARDED
    return PARTIAL if decision.amount < requested else AWARDED


def _press_notes(evaluation, call, decisions):
    awarded = sorted((d for d in decisions if d.awarded), key=lambda d: (-d.amount, d.application.organisation.name))
    context = {
        "call": call,
        "evaluation": evaluation,
        "offers_count": Application.objects.filter(call=call, status__in=SUBMITTED_STATES).count(),
        "evaluated_count": len(decisions),
        "awarded": awarded,
        "awarded_total": sum((d.amount for d in awarded), Decimal("0")),
        "not_awarded_count": sum(1 for d in decisions if not d.awarded),
    }
    # A draft for an official's review (panel "Press notes"), or sent at once when the call says so.
    press_note_draft(call=call, context=context, automatic=call.press_notes_automatic)


def results_publish(*, actor, evaluation):
    """Publish the approver's decisions on a call together.

    Refused unless the actor is the approver, the evaluation is closed (a second publication is
    refused as an invalid state) and every scored offer has a decision. In ONE transaction: the
    evaluation → published; each decision's ``published_at``; each offer awarded (the amount
    requested), partly awarded (less: → update required) or not awarded, with the decision's reason
    on its history; the call → resolved (unless an approver already marked it so); the committee's
    protocol (if not stored yet) and the results PDF stored; one notice per offer decided (see the
    package's docstring) with its outcome and reason; one press note per active media outlet that
    consented and wants results — drafted for an official's review unless the call's press notes are
    automatic (notifications.press). Dedupe keys per evaluation make a repeat send nothing twice.
    """
    with transaction.atomic():
        locked = Evaluation.objects.select_for_update(of=("self",)).select_related("call__task").get(pk=evaluation.pk)
        require(EVALUATION_TRANSITION_CHECKS["publish"](actor, locked))
        if locked.status == EvaluationStatus.PUBLISHED:
            raise InvalidState(_("The results of this call have already been published."))
        if locked.status != EvaluationStatus.CLOSED:
            raise InvalidState(_("The results can be published once the committee's scoring has closed."))
        call = Call.objects.select_for_update().get(pk=locked.call_id)
        scored = list(
            Application.objects.filter(call=call, status=ApplicationStatus.SCORED)
            .select_related("organisation", "call")
            .prefetch_related("versions")
            .order_by("pk")
        )
        decisions = {d.application_id: d for d in Decision.objects.filter(application__call=call)}
        if not scored:
            raise DomainError(
                _(
                    "No offer was scored: there is nothing to publish (a competition without valid offers is cancelled)."
                ),
                code="nothing_to_publish",
            )
        missing = [a for a in scored if a.pk not in decisions]
        if missing:
            raise DomainError(
                _("Prepare a decision on every scored offer before publishing the results."),
                code="decisions_missing",
                errors={"__all__": [f"{a.organisation.name}: {a.title}" for a in missing]},
            )
        total = sum((d.amount for d in decisions.values() if d.awarded), Decimal("0"))
        if total > (call.funds or Decimal("0")):
            raise DomainError(_("The awards exceed the call's funds."), code="over_budget")
        if call.status not in (CallStatus.IN_EVALUATION, CallStatus.RESOLVED):
            raise InvalidState(
                _("The call is “%(state)s”: its results cannot be published.") % {"state": call.get_status_display()}
            )

        def within(published):
            now = published.published_at
            published_decisions = []
            for application in scored:
                decision = decisions[application.pk]
                decision.application = application
                decision.published_at = now
                decision.save(update_fields=["published_at"])
                published_decisions.append(decision)
                requested = requested_when_scored(application, published)
                outcome = outcome_of(decision, requested)
                name, kwargs = {
                    AWARDED: ("award", {"amount": decision.amount}),
                    PARTIAL: ("award_partially", {"amount": decision.amount}),
                    NOT_AWARDED: ("refuse_award", {}),
                }[outcome]
                decided = run_transition(
                    obj=application,
                    name=name,
                    actor=actor,
                    checks=AWARD_CHECKS,
                    reason=decision.reason,
                    data={"amount": str(decision.amount) if decision.awarded else None, "requested": str(requested)},
                    kwargs=kwargs,
                )
                decided.call = call
                notify_applicant(
                    "results_outcome",
                    "results_outcome",
                    decided,
                    {
                        "decision": decision,
                        "outcome": outcome,
                        "requested": requested,
                        "organisation": decided.organisation,
                    },
                    f"results_outcome:{published.pk}:application:{application.pk}",
                )
            if call.status == CallStatus.IN_EVALUATION:
                run_transition(obj=call, name="resolve", actor=actor, checks=CALL_TRANSITION_CHECKS)
            documents.protocol_store(published)
            published.results_document = StoredDocument.store(
                kind=documents.RESULTS_KIND, content=documents.results_pdf(published)
            )
            published.save(update_fields=["results_document", "updated_at"])
            _press_notes(published, call, published_decisions)

        return run_transition(
            obj=locked,
            name="publish",
            actor=actor,
            checks=EVALUATION_TRANSITION_CHECKS,
            data={"awarded_total": str(total), "decisions": len(decisions)},
            within=within,
        )
