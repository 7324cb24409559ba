"""Who is told about reports and returns of funds: the organisation's members and the officials.

Every notice is written to the outbox in the caller's transaction (delivered after commit), once
per person and event (the dedupe key). Optional notices (``report_received`` to officials) are
sent only to those who did not turn them off (:func:`notifications.preferences.wants`).
"""

from core.roles import officials_with_email
from notifications.preferences import wants
from notifications.services import outbox_write
from organisations.selectors import members_to_notify


def members(organisation_id):
    """The confirmed, active members of the organisation with an e-mail address."""
    return [membership.user for membership in members_to_notify(organisation_id)]


def officials():
    return list(officials_with_email())


def _context(report, extra):
    agreement = report.agreement
    return {"report": report, "agreement": agreement, "organisation": agreement.organisation, **extra}


def notify_members(event, template, report, key, extra=None, *, optional=False):
    """One notice per member of the report's organisation; returns how many were written."""
    written = 0
    for user in members(report.agreement.organisation_id):
        if optional and not wants(user, event):
            continue
        message = outbox_write(
            event=event,
            recipient=user.email,
            template=template,
            context={**_context(report, extra or {}), "person": user},
            dedupe_key=f"{key}:user:{user.pk}",
        )
        written += message is not None
    return written


def notify_officials(event, template, report, key, extra=None):
    """One notice per official who wants ``event`` (optional notices)."""
    written = 0
    for user in officials():
        if not wants(user, event):
            continue
        message = outbox_write(
            event=event,
            recipient=user.email,
            template=template,
            context={**_context(report, extra or {}), "person": user},
            dedupe_key=f"{key}:user:{user.pk}",
        )
        written += message is not None
    return written
