"""Writes for programmes, tasks and calls. Each function is one transaction and says its effects."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from core.errors import DomainError, InvalidState
from core.models import StoredDocument
from core.pdf import render_pdf
from core.permissions import require
from core.transitions import run_transition
from notifications.media import CALLS, media_notice_write, outlets_for
from notifications.preferences import wants
from notifications.services import outbox_write
from organisations.models import Membership, Organisation
from subscriptions.services import subscribers_notify_call_announced

from .announcement import announcement_problems, same_type_grants
from .enums import STATUTORY_CRITERIA_DEFAULT_POINTS, CallStatus, statutory_criteria_for
from .models import AnnualProgramme, Call, Criterion, PublicTask
from .rules import (
    CALL_TRANSITION_CHECKS,
    can_change_task_terms,
    can_edit_call,
    can_manage_programme,
    cancellation_ground_holds,
    task_accepts_calls,
)


def _locked(instance):
    """The row of ``instance`` locked for this transaction (``None`` for a new object)."""
    return type(instance).objects.select_for_update().get(pk=instance.pk) if instance and instance.pk else None


def _save(instance, data, *, check=None):
    """Apply ``data`` to ``instance``, validate the model, save only those fields.

    ``check(locked_instance, data)``, if given, may refuse with a DomainError. Validation errors
    become a DomainError with per-field messages. Saving only the fields given means a concurrent
    transition (status, announcement) is never overwritten by an edit.
    """
    if check is not None:
        check(instance, data)
    for field, value in data.items():
        setattr(instance, field, value)
    try:
        # The workflow status is not data: only transitions change it (protected FSM field).
        instance.full_clean(exclude=["status"])
    except ValidationError as exc:
        raise DomainError(_("Please correct the errors below."), errors=exc.message_dict) from exc
    if instance.pk:
        instance.save(update_fields=[*data, "updated_at"])
    else:
        instance.save()
    return instance


def programme_save(*, actor, data, programme=None):
    """Create or update a programme. Effects: one row."""
    with transaction.atomic():
        programme = _locked(programme)
        require(can_manage_programme(actor, programme))
        return _save(programme or AnnualProgramme(), data)


def _task_terms_unchanged(task, data):
    decision = can_change_task_terms(task, data)
    if not decision:
        raise DomainError(decision.reason, code="task_terms_fixed", errors={"__all__": [decision.reason]})


def task_save(*, actor, data, task=None):
    """Create or update a planned public task. Effects: one row.

    Once a call of the task has been announced, its form, sphere and programme are part of a
    published announcement and cannot change.
    """
    with transaction.atomic():
        task = _locked(task)
        require(can_manage_programme(actor, task))
        return _save(task or PublicTask(), data, check=_task_terms_unchanged if task else None)


def criteria_sync_statutory(*, call):
    """Make ``call`` carry exactly the statutory criteria (art. 15 ust. 1) that apply to its form:
    add the missing ones, remove own funds when the task is entrusting."""
    applicable = statutory_criteria_for(call.form)
    call.criteria.exclude(statutory="").exclude(statutory__in=applicable).delete()
    present = set(call.criteria.values_list("statutory", flat=True))
    position = (call.criteria.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    # Stored in Polish: criteria are part of the official (Polish) announcement, whoever creates the call.
    with translation.override("pl"):
        Criterion.objects.bulk_create(
            Criterion(
                call=call, statutory=c, name=str(c.label), max_points=STATUTORY_CRITERIA_DEFAULT_POINTS[c], position=i
            )
            for i, c in enumerate((c for c in applicable if c not in present), start=position)
        )


def _call_may_take(call, data):
    decision = task_accepts_calls(data.get("task") or call.task)
    if not decision:
        raise DomainError(decision.reason, code="task_not_competition", errors={"task": [decision.reason]})


def call_save(*, actor, data, call=None):
    """Create or update a draft call; it then carries the statutory criteria of its task's form."""
    with transaction.atomic():
        call = _locked(call)
        require(can_edit_call(actor, call))
        call = _save(call or Call(created_by=actor), data, check=_call_may_take)
        criteria_sync_statutory(call=call)
        return call


def criteria_save(*, actor, call, formset):
    """Save a criteria formset of a draft call."""
    require(can_edit_call(actor, call))
    with transaction.atomic():
        formset.save()
        if not call.criteria.exists():
            raise DomainError(_("A call needs at least one criterion."), errors={"__all__": [_("Add a criterion.")]})


def announcement_context(call):
    criteria = list(call.criteria.all())
    return {
        "call": call,
        "task": call.task,
        "programme": call.task.programme,
        "criteria": criteria,
        "max_total": sum(c.max_points for c in criteria),
        "same_type_grants": same_type_grants(call),
    }


def call_announcement_pdf(call) -> bytes:
    from django.conf import settings

    return render_pdf(
        "calls/announcement_pdf.html",
        {**announcement_context(call), "authority": settings.AUTHORITY_NAME, "office": settings.AUTHORITY_OFFICE},
    )


def _announcement_notices(call):
    """Media that want news of calls; each verified organisation of the call's sphere that wants call
    notices (its e-mail) and its confirmed members who have not turned the notice off — one per address."""
    context = {"call": call, "task": call.task}
    for outlet in outlets_for(CALLS):
        media_notice_write(
            outlet=outlet,
            kind=CALLS,
            event="call_announced",
            template="call_announced_media",
            context=context,
            dedupe_key=f"call_announced:{call.pk}:media:{outlet.pk}",
        )
    organisations = Organisation.objects.filter(
        wants_call_notices=True, spheres=call.task.sphere_id, verified_at__isnull=False
    ).exclude(email="")
    written = set()
    for organisation in organisations:
        outbox_write(
            event="call_announced",
            recipient=organisation.email,
            template="call_announced",
            context={**context, "organisation": organisation},
            dedupe_key=f"call_announced:{call.pk}:organisation:{organisation.pk}",
        )
        written.add(organisation.email.lower())
    members = (
        Membership.objects.filter(organisation__in=organisations, confirmed_at__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("user_id", "pk")
    )
    for membership in members:
        user = membership.user
        if user.email.lower() in written or not wants(user, "call_announced"):
            continue
        written.add(user.email.lower())
        outbox_write(
            event="call_announced",
            recipient=user.email,
            template="call_announced",
            context={**context, "organisation": membership.organisation, "person": user},
            dedupe_key=f"call_announced:{call.pk}:user:{user.pk}",
        )
    subscribers_notify_call_announced(call)  # public e-mail subscribers of the call's sphere (after the above)


def call_announce(*, call, actor):
    """Announce a draft call.

    Refuses (DomainError with per-field messages) a call missing any art. 13 item or whose deadline
    is shorter than the minimum offer period. Effects, in one transaction: the announcement PDF is
    rendered and stored with its SHA-256, status → announced, a StatusChange row, and outbox
    notices to media outlets and to organisations working in the call's sphere.
    """
    with transaction.atomic():
        call = Call.objects.select_for_update().select_related("task__programme", "task__sphere").get(pk=call.pk)
        require(CALL_TRANSITION_CHECKS["announce"](actor, call))
        if not can_proceed(call.announce):
            raise InvalidState(_("Only a draft call can be announced."))
        problems = announcement_problems(call)
        if problems:
            raise DomainError(_("The call cannot be announced yet."), code="announcement_incomplete", errors=problems)
        document = StoredDocument.store(kind="call_announcement", content=call_announcement_pdf(call))
        return run_transition(
            obj=call,
            name="announce",
            actor=actor,
            checks=CALL_TRANSITION_CHECKS,
            kwargs={"document": document},
            data={"sha256": document.sha256},
            within=_announcement_notices,
        )


def call_transition(*, call, name, actor, reason=""):
    """Run a call transition that has no parameters (close, start_evaluation, resolve, complete)."""
    if name not in {"close", "start_evaluation", "resolve", "complete"}:
        raise DomainError(_("Unknown action."), code="unknown_transition")
    return run_transition(obj=call, name=name, actor=actor, checks=CALL_TRANSITION_CHECKS, reason=reason)


def _cancellation_notices(call):
    for outlet in outlets_for(CALLS):
        media_notice_write(
            outlet=outlet,
            kind=CALLS,
            event="call_cancelled",
            template="call_cancelled_media",
            context={"call": call},
            dedupe_key=f"call_cancelled:{call.pk}:media:{outlet.pk}",
        )


def call_cancel(*, call, actor, ground, reason):
    """Cancel a competition (art. 18a) on one of its two grounds, with the reason on the record.

    Effects: status → cancelled, a StatusChange row with ground and reason, notices to media.
    """
    errors = {}
    if ground not in {"no_offers", "no_valid_offers"}:
        errors["ground"] = [_("Choose the ground for cancellation (art. 18a).")]
    if not (reason or "").strip():
        errors["reason"] = [_("Give the reason; it is published with the cancellation.")]
    if errors:
        raise DomainError(_("The call cannot be cancelled without a ground and a reason."), errors=errors)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=call.pk)
        require(CALL_TRANSITION_CHECKS["cancel"](actor, call))
        if call.status == CallStatus.ANNOUNCED and not call.deadline_passed():
            raise InvalidState(
                _("A competition can be cancelled only after its offer deadline (art. 18a: no offers, or none valid).")
            )
        decision = cancellation_ground_holds(call, ground)
        if not decision:
            raise DomainError(decision.reason, code="ground_not_met", errors={"ground": [decision.reason]})
        return run_transition(
            obj=call,
            name="cancel",
            actor=actor,
            checks=CALL_TRANSITION_CHECKS,
            reason=reason,
            data={"ground": ground},
            kwargs={"ground": ground},
            within=_cancellation_notices,
        )


def calls_close_due(*, now=None):
    """Close every announced call whose deadline has passed (the beat task). Returns the count."""
    now = now or timezone.now()
    closed = 0
    for call in Call.objects.filter(status=CallStatus.ANNOUNCED, offer_deadline__lte=now).order_by("pk"):
        call_transition(call=call, name="close", actor=None, reason=_("Offer deadline passed."))
        closed += 1
    return closed
