"""The transition runner: the one way a workflow object changes state.

``run_transition`` opens one transaction and, inside it: locks the row, checks the actor's
permission (a denial carries its reason), checks the transition is possible from the current
state, runs it, saves, writes the ``StatusChange`` audit row and lets the caller write outbox
rows. Notices are delivered only after commit (the outbox enqueues on commit).
"""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from .errors import InvalidState
from .models import StatusChange
from .permissions import require


def available_transitions(obj, user, checks, *, field="status"):
    """Names of the transitions ``user`` may run on ``obj`` now (state, conditions and permission)."""
    possible = getattr(obj, f"get_available_{field}_transitions")()
    return [t.name for t in possible if t.name in checks and checks[t.name](user, obj).allowed]


def run_transition(*, obj, name, actor, checks, reason="", data=None, kwargs=None, within=None, field="status"):
    """Run transition ``name`` on ``obj`` for ``actor`` and return the saved, locked instance.

    ``checks`` maps transition names to permission checks ``(user, obj) -> Decision``.
    ``within(obj)``, if given, runs in the same transaction after the save (outbox rows, documents).
    Raises ``NotAllowed`` (with the reason) or ``InvalidState``; nothing is written then.
    """
    model = type(obj)
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        require(checks[name](actor, locked))
        method = getattr(locked, name)
        from_state = getattr(locked, field)
        if not can_proceed(method):
            raise InvalidState(
                _("This cannot be done now: it is not possible while the status is “%(state)s”.")
                % {"state": locked.get_status_display()}
            )
        method(**(kwargs or {}))
        locked.save()
        record_change(
            locked,
            transition=name,
            from_state=from_state,
            to_state=getattr(locked, field),
            actor=actor,
            reason=reason,
            data=data,
        )
        if within is not None:
            within(locked)
    return locked


def record_change(obj, *, transition, from_state, to_state, actor, reason="", data=None):
    """Write the audit row of one change of ``obj`` (also for changes that are not FSM transitions,
    such as verifying an organisation or confirming a membership). ``actor`` None is the system."""
    return StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        transition=transition,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason or "",
        data=data or {},
    )


def history(obj, *, field="status"):
    """The status changes of ``obj``, oldest first, with actors and state labels."""
    labels = dict(type(obj)._meta.get_field(field).flatchoices)
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk
        ).select_related("actor")
    )
    for change in changes:
        change.from_label = labels.get(change.from_state, change.from_state)
        change.to_label = labels.get(change.to_state, change.to_state)
    return changes
