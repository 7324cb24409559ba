"""Permission checks that return a reason.

A check is a function ``(user, obj) -> Decision``. Rules modules build them from ``rules``
predicates and a reason, so the same definition serves HTML views, the API, querysets and the
transition runner, and a denial can always say why.
"""

from dataclasses import dataclass

from .errors import NotAllowed


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str = ""

    def __bool__(self):
        return self.allowed


ALLOW = Decision(True)


def deny(reason):
    return Decision(False, reason)


def require(decision):
    """Raise :class:`NotAllowed` with the decision's reason unless it allows."""
    if not decision.allowed:
        raise NotAllowed(decision.reason)
    return decision


def first_denial(*checks):
    """Combine ``(predicate_result, reason)`` pairs: the first false one gives the denial."""
    for ok, reason in checks:
        if not ok:
            return deny(reason)
    return ALLOW
