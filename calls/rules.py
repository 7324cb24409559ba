"""Who may do what with programmes, tasks and calls: role AND state, each denial with a reason.

The same checks serve HTML views, the API, querysets and the transition runner.
"""

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import ALLOW, deny, first_denial
from core.roles import is_approver, is_official

from .enums import CallStatus, CancellationGround

is_official_pred = rules.predicate(is_official, name="is_official")
is_approver_pred = rules.predicate(is_approver, name="is_approver")
is_staff_pred = is_official_pred | is_approver_pred

NOT_STAFF = _("Only officials of the NGO Centre may do this.")
NOT_APPROVER = _("Only the mayor or a deputy (approver) may do this.")
NOT_STAFF_OR_APPROVER = _("Only officials or the approver may do this.")


def _is_system(user):
    """Scheduled work (beat) runs with no user."""
    return user is None


def can_manage_programme(user, obj=None):
    return first_denial((is_official(user), NOT_STAFF))


def can_edit_call(user, call=None):
    if not is_official(user):
        return deny(NOT_STAFF)
    if call is not None and call.pk and call.status != CallStatus.DRAFT:
        return deny(_("An announced call cannot be edited; cancel it and announce a new one if it must change."))
    return ALLOW


TASK_TERMS = ("form", "sphere", "programme")


def can_change_task_terms(task, data):
    """A task's form, sphere and programme are fixed once one of its calls has been announced."""
    changed = [f for f in TASK_TERMS if f in data and getattr(task, f) != data[f]]
    if changed and task.calls.exclude(status=CallStatus.DRAFT).exists():
        return deny(_("A call of this task has been announced: its form, sphere and programme can no longer change."))
    return ALLOW


def task_accepts_calls(task):
    """Open competitions are held only for tasks planned in that mode (small grants go by art. 19a)."""
    from .enums import TaskMode

    if task is not None and task.mode != TaskMode.OPEN_COMPETITION:
        return deny(_("This task is not planned as an open competition, so no call can be made for it."))
    return ALLOW


def can_view_call(user, call):
    if call.status != CallStatus.DRAFT or is_staff_pred(user):
        return ALLOW
    return deny(_("This call has not been announced yet."))


def visible_calls_q(user):
    """The queryset filter matching :func:`can_view_call`."""
    if is_staff_pred(user):
        return Q()
    return ~Q(status=CallStatus.DRAFT)


def _official(user, call):
    return first_denial((is_official(user), NOT_STAFF))


def _approver(user, call):
    return first_denial((is_approver(user), NOT_APPROVER))


def _official_or_approver(user, call):
    return first_denial((is_staff_pred(user), NOT_STAFF_OR_APPROVER))


def _system_or_official(user, call):
    return first_denial((_is_system(user) or is_official(user), NOT_STAFF))


def cancellation_ground_holds(call, ground):
    """Art. 18a ust. 1: a competition is cancelled only when no offer came in, or none was valid."""
    from applications.enums import SUBMITTED_STATES, VALID_STATES

    if ground == CancellationGround.NO_OFFERS and call.applications.filter(status__in=SUBMITTED_STATES).exists():
        return deny(_("Offers were submitted in this call, so it cannot be cancelled for lack of offers."))
    if ground == CancellationGround.NO_VALID_OFFERS and call.applications.filter(status__in=VALID_STATES).exists():
        return deny(_("At least one offer met the requirements, so the call cannot be cancelled on this ground."))
    return ALLOW


def _resolve(user, call):
    """The approver resolves a call; when its committee has worked, only by publishing the results."""
    decision = _approver(user, call)
    if not decision:
        return decision
    evaluation = getattr(call, "evaluation", None) if call.pk else None
    if evaluation is not None and evaluation.status != "published":
        return deny(_("The committee has evaluated the offers: the call is resolved by publishing the results."))
    return ALLOW


CALL_TRANSITION_CHECKS = {
    "announce": _official,
    "close": _system_or_official,
    "start_evaluation": _official,
    "resolve": _resolve,
    "complete": _official,
    "cancel": _official_or_approver,
}
