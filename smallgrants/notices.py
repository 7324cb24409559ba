"""The notices of the small-grant procedure, written to the outbox inside the transaction of the change.

| event | recipients | mandatory |
|---|---|---|
| small_grant_submitted | the organisation's confirmed members | yes (confirmation of receipt) |
| small_grant_received | officials | no |
| small_grant_published | media outlets wanting news of calls; public subscribers of the sphere | (their own consent) |
| small_grant_refused | the organisation's confirmed members | yes |
| small_grant_comment | officials | no |
"""

from core.roles import officials_with_email
from notifications.media import CALLS, media_notice_write, outlets_for
from notifications.preferences import wants
from notifications.services import outbox_write
from organisations.selectors import members_to_notify


def members(small_grant):
    return members_to_notify(small_grant.organisation_id)


def officials():
    return officials_with_email()


def _context(small_grant):
    return {"small_grant": small_grant, "organisation": small_grant.organisation}


def submitted(small_grant):
    """Confirmation of receipt to the organisation's members; a new offer to officials (optional)."""
    stamp = small_grant.submitted_at.isoformat()
    for membership in members(small_grant):
        outbox_write(
            event="small_grant_submitted",
            recipient=membership.user.email,
            template="small_grant_submitted",
            context={**_context(small_grant), "person": membership.user},
            dedupe_key=f"small_grant_submitted:{small_grant.pk}:{stamp}:user:{membership.user_id}",
        )
    for official in officials():
        if not wants(official, "small_grant_received"):
            continue
        outbox_write(
            event="small_grant_received",
            recipient=official.email,
            template="small_grant_received",
            context=_context(small_grant),
            dedupe_key=f"small_grant_received:{small_grant.pk}:{stamp}:user:{official.pk}",
        )


def published(small_grant):
    """News of the publication for comments: media outlets that want news of calls, and the public
    subscribers of the offer's sphere (subscriptions.services)."""
    from subscriptions.services import subscribers_notify_small_grant_published

    for outlet in outlets_for(CALLS):
        media_notice_write(
            outlet=outlet,
            kind=CALLS,
            event="small_grant_published",
            template="small_grant_published_media",
            context=_context(small_grant),
            dedupe_key=f"small_grant_published:{small_grant.pk}:outlet:{outlet.pk}",
        )
    subscribers_notify_small_grant_published(small_grant)


def refused(small_grant):
    for membership in members(small_grant):
        outbox_write(
            event="small_grant_refused",
            recipient=membership.user.email,
            template="small_grant_refused",
            context={**_context(small_grant), "person": membership.user},
            dedupe_key=f"small_grant_refused:{small_grant.pk}:user:{membership.user_id}",
        )


def comment_received(comment):
    small_grant = comment.small_grant
    for official in officials():
        if not wants(official, "small_grant_comment"):
            continue
        outbox_write(
            event="small_grant_comment",
            recipient=official.email,
            template="small_grant_comment",
            context={**_context(small_grant), "comment": comment},
            dedupe_key=f"small_grant_comment:{comment.pk}:user:{official.pk}",
        )
