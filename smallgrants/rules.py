"""Who may do what with a small grant (art. 19a): role AND state AND ownership, each denial with a reason.

The organisation's confirmed members (admins and editors) write, submit and withdraw its offer;
officials of the NGO Centre and the approver (the executive body, *organ wykonawczy*) publish it for
comments, close the comments and refuse it. Drafts and offers not yet published are seen only by the
organisation's members and the staff; once published the offer is public (art. 19a ust. 3).
"""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.rules import NOT_MEMBER, is_member
from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official

from .enums import SmallGrantStatus

EDITABLE_STATES = (SmallGrantStatus.DRAFT,)
# States in which the offer was published for comments (art. 19a ust. 3): public from then on.
PUBLIC_STATES = (SmallGrantStatus.PUBLISHED, SmallGrantStatus.COMMENTS_CLOSED, SmallGrantStatus.CONTRACTED)
# The small grants that count against the caps (art. 19a ust. 6 and 7): received and not refused or withdrawn.
COUNTED_STATES = (
    SmallGrantStatus.SUBMITTED,
    SmallGrantStatus.PUBLISHED,
    SmallGrantStatus.COMMENTS_CLOSED,
    SmallGrantStatus.CONTRACTED,
)

NOT_STAFF = _("Only officials of the NGO Centre and the approver decide on small grants.")
NOT_VERIFIED = _("The organisation must be verified by the NGO Centre before it can submit offers.")


def is_staff(user):
    return is_official(user) or is_approver(user)


def was_published(small_grant):
    """Published for comments at some point (also when refused after the comments)."""
    return small_grant.published_at is not None and small_grant.status != SmallGrantStatus.WITHDRAWN


def can_view_small_grant(user, small_grant):
    """Published offers are public; the others only for the organisation's members and the staff."""
    if was_published(small_grant):
        return ALLOW
    if is_member(user, small_grant.organisation_id) or is_staff(user):
        return ALLOW
    return deny(_("This offer belongs to another organisation."))


def visible_small_grants_q(user):
    """The queryset filter matching :func:`can_view_small_grant`."""
    public = Q(published_at__isnull=False) & ~Q(status=SmallGrantStatus.WITHDRAWN)
    if is_staff(user):
        return Q()
    if not user or not user.is_authenticated:
        return public
    own = Q(
        organisation__memberships__user=user,
        organisation__memberships__confirmed_at__isnull=False,
        organisation__memberships__role__in=("admin", "editor"),
    )
    return public | own


def can_create_small_grant(user, organisation):
    """A confirmed member of a verified organisation starts a small-grant offer at any time."""
    if not is_member(user, organisation.pk):
        return deny(NOT_MEMBER)
    if organisation.verified_at is None:
        return deny(NOT_VERIFIED)
    return ALLOW


def can_edit_small_grant(user, small_grant):
    if not is_member(user, small_grant.organisation_id):
        return deny(NOT_MEMBER)
    if small_grant.status not in EDITABLE_STATES:
        return deny(_("The offer has been submitted and can no longer be changed."))
    return ALLOW


def can_moderate_comments(user, small_grant=None):
    return ALLOW if is_staff(user) else deny(_("Only officials of the NGO Centre moderate comments."))


def comments_open(small_grant, now=None):
    """Anyone may comment while the offer is published and the comment period lasts (art. 19a ust. 4)."""
    now = now or timezone.now()
    return (
        small_grant.status == SmallGrantStatus.PUBLISHED
        and small_grant.comments_until is not None
        and now <= small_grant.comments_until
    )


def _member(user, small_grant):
    if not is_member(user, small_grant.organisation_id):
        return deny(NOT_MEMBER)
    return ALLOW


def _submit(user, small_grant):
    if not is_member(user, small_grant.organisation_id):
        return deny(NOT_MEMBER)
    if small_grant.organisation.verified_at is None:
        return deny(NOT_VERIFIED)
    return ALLOW


def _staff(user, small_grant):
    return ALLOW if is_staff(user) else deny(NOT_STAFF)


def comment_period_over(small_grant, now=None):
    now = now or timezone.now()
    if small_grant.comments_until is not None and now <= small_grant.comments_until:
        return deny(
            _("The comment period lasts until %(until)s: the comments can be closed after it.")
            % {"until": timezone.localtime(small_grant.comments_until).strftime("%d.%m.%Y %H:%M")}
        )
    return ALLOW


def _close_comments(user, small_grant):
    if not is_staff(user):
        return deny(NOT_STAFF)
    return comment_period_over(small_grant)


SMALL_GRANT_TRANSITION_CHECKS = {
    "submit": _submit,
    "withdraw": _member,
    "publish": _staff,
    "close_comments": _close_comments,
    "reject": _staff,
}

# The beat task closes the comments as the system (no actor): only the period must be over.
SYSTEM_CHECKS = {"close_comments": lambda user, small_grant: comment_period_over(small_grant)}


def can_prepare_agreement(user, small_grant):
    if not is_staff(user):
        return deny(NOT_STAFF)
    if small_grant.status != SmallGrantStatus.COMMENTS_CLOSED:
        return deny(_("The agreement is prepared once the comment period has been closed."))
    return ALLOW
