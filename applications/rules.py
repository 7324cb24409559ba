"""Who may do what with an offer: role AND state AND ownership, each denial with a reason."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official
from organisations.enums import MembershipRole
from organisations.models import Membership

NOT_MEMBER = _("Only confirmed members of the offering organisation may do this.")


def is_member(user, organisation_id, roles=(MembershipRole.ADMIN, MembershipRole.EDITOR)):
    if not user or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, confirmed_at__isnull=False, role__in=roles
    ).exists()


def can_view_application(user, application):
    """An offer is seen by its organisation's members and by officials and the approver."""
    if is_official(user) or is_approver(user) or is_member(user, application.organisation_id):
        return ALLOW
    return deny(_("This offer belongs to another organisation."))


def visible_applications_q(user):
    """The queryset filter matching :func:`can_view_application`."""
    if is_official(user) or is_approver(user):
        return Q()
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(organisation__memberships__user=user, organisation__memberships__confirmed_at__isnull=False)


def can_create_application(user, organisation, call):
    if not is_member(user, organisation.pk):
        return deny(NOT_MEMBER)
    if organisation.verified_at is None:
        return deny(_("The organisation must be verified by the NGO Centre before it can submit offers."))
    if not call.accepts_offers():
        return deny(_("This call does not accept offers now."))
    return ALLOW


def _member(user, application):
    return ALLOW if is_member(user, application.organisation_id) else deny(NOT_MEMBER)


def _official(user, application):
    return ALLOW if is_official(user) else deny(_("Only officials of the NGO Centre carry out the formal check."))


APPLICATION_TRANSITION_CHECKS = {
    "submit": _member,
    "withdraw": _member,
    "accept_formally": _official,
    "return_for_correction": _official,
    "reject_formally": _official,
}
