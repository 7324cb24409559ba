"""Who may see and change the register of organisations: role AND state, each denial with a reason.

The same checks serve the public pages, the panel, the API and querysets.
"""

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import ALLOW, deny, first_denial
from core.roles import is_approver, is_official

from .enums import MembershipRole, RegisterType

is_official_pred = rules.predicate(is_official, name="organisations.is_official")
is_staff_pred = is_official_pred | rules.predicate(is_approver, name="organisations.is_approver")

NOT_OFFICIAL = _("Only officials of the NGO Centre may do this.")


def can_view_organisation(user, organisation):
    """Verified organisations are public; officials and the approver also see those awaiting verification."""
    if organisation.verified_at is not None or is_staff_pred(user):
        return ALLOW
    return deny(_("This organisation has not been verified yet."))


def visible_organisations_q(user):
    """The queryset filter matching :func:`can_view_organisation`."""
    if is_staff_pred(user):
        return Q()
    return Q(verified_at__isnull=False)


def can_edit_organisation(user, organisation=None):
    """Officials keep the register: they add organisations and correct their register data."""
    return first_denial((is_official(user), NOT_OFFICIAL))


def can_verify_organisation(user, organisation):
    """An official verifies an organisation once it is identified in its register."""
    if organisation.register_type == RegisterType.KRS:
        identified = (bool(organisation.krs), _("Give the KRS number before verifying the organisation."))
    else:
        identified = (
            bool(organisation.register_number),
            _("Give the number in the other register before verifying the organisation."),
        )
    return first_denial(
        (is_official(user), NOT_OFFICIAL),
        (organisation.verified_at is None, _("This organisation has already been verified.")),
        identified,
    )


def can_unverify_organisation(user, organisation):
    """An official may take an organisation off the public register (e.g. it has been dissolved)."""
    return first_denial(
        (is_official(user), NOT_OFFICIAL),
        (organisation.verified_at is not None, _("This organisation has not been verified yet.")),
    )


ORGANISATION_ACTION_CHECKS = {
    "verify": can_verify_organisation,
    "unverify": can_unverify_organisation,
}


# --- Memberships: people acting for an organisation ---------------------------------------------

# The register data an official verifies; once the organisation is verified only officials change it.
REGISTER_FIELDS = ["name", "legal_form", "register_type", "krs", "register_number", "nip", "regon"]
# What the organisation's own members keep up to date at any time.
PROFILE_FIELDS = ["address", "city", "email", "phone", "website", "spheres", "description", "wants_call_notices"]

NOT_LOGGED_IN = _("Log in first.")
NOT_MEMBER_ADMIN = _("Only the organisation's administrators and officials may manage its members.")


def membership_of(user, organisation):
    """``user``'s membership of ``organisation`` (pending or confirmed), or None."""
    if not user or not user.is_authenticated:
        return None
    return organisation.memberships.filter(user=user).first()


def _is_confirmed_member(user, organisation, role=None):
    if not user or not user.is_authenticated:
        return False
    memberships = organisation.memberships.filter(user=user, confirmed_at__isnull=False)
    if role is not None:
        memberships = memberships.filter(role=role)
    return memberships.exists()


def is_last_admin(membership):
    """Whether ``membership`` is the only confirmed admin of its organisation."""
    if membership.role != MembershipRole.ADMIN or membership.confirmed_at is None:
        return False
    return (
        not membership.organisation.memberships.filter(role=MembershipRole.ADMIN, confirmed_at__isnull=False)
        .exclude(pk=membership.pk)
        .exists()
    )


def my_organisations_q(user):
    """The organisations whose members' page ``user`` may open: their own (confirmed), or all for officials."""
    if is_official(user):
        return Q()
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(memberships__user=user, memberships__confirmed_at__isnull=False)


def can_create_organisation(user):
    """Any person with an active account may register their organisation; officials verify it."""
    return first_denial((bool(user and user.is_authenticated and user.is_active), NOT_LOGGED_IN))


def can_request_membership(user, organisation):
    """A person asks to join a verified organisation they do not belong to yet."""
    return first_denial(
        (bool(user and user.is_authenticated and user.is_active), NOT_LOGGED_IN),
        (organisation.verified_at is not None, _("This organisation has not been verified yet.")),
        (
            membership_of(user, organisation) is None,
            _("You are already a member of this organisation or have asked to join it."),
        ),
    )


def can_manage_members(user, organisation):
    """A confirmed admin of the organisation, or an official, sees and manages its members."""
    return first_denial(
        (is_official(user) or _is_confirmed_member(user, organisation, MembershipRole.ADMIN), NOT_MEMBER_ADMIN)
    )


def can_decide_membership(user, membership):
    """Confirm or refuse a request to join: an admin of that organisation or an official, while it is pending."""
    return first_denial(
        (bool(can_manage_members(user, membership.organisation)), NOT_MEMBER_ADMIN),
        (membership.confirmed_at is None, _("This request has already been confirmed.")),
    )


def can_change_member_role(user, membership, role):
    """Change a confirmed member's role; the last admin stays an admin."""
    return first_denial(
        (bool(can_manage_members(user, membership.organisation)), NOT_MEMBER_ADMIN),
        (membership.confirmed_at is not None, _("Confirm the request before changing the role.")),
        (
            role == MembershipRole.ADMIN or not is_last_admin(membership),
            _("The organisation must keep at least one administrator: make another member an administrator first."),
        ),
    )


def can_remove_member(user, membership):
    """Remove a confirmed member; the last admin cannot be removed."""
    return first_denial(
        (bool(can_manage_members(user, membership.organisation)), NOT_MEMBER_ADMIN),
        (membership.confirmed_at is not None, _("A pending request is refused, not removed.")),
        (
            not is_last_admin(membership),
            _("The organisation must keep at least one administrator: make another member an administrator first."),
        ),
    )


def can_edit_organisation_profile(user, organisation):
    """A confirmed member (admin or editor) or an official keeps the organisation's profile."""
    return first_denial(
        (
            is_official(user) or _is_confirmed_member(user, organisation),
            _("Only the organisation's confirmed members and officials may change its profile."),
        )
    )


def editable_profile_fields(user, organisation):
    """The fields ``user`` may change on the members' page: the register data only until an official
    has verified it (officials correct it in the panel), the profile always."""
    if not can_edit_organisation_profile(user, organisation):
        return []
    if organisation.verified_at is None:
        return REGISTER_FIELDS + PROFILE_FIELDS
    return list(PROFILE_FIELDS)
