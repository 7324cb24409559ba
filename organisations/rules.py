"""Who may see and change the register of organisations: role AND state, each denial with a reason.

The same checks serve the public pages, the panel, the API and querysets.
"""

import rules
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.permissions import ALLOW, deny, first_denial
from core.roles import is_approver, is_official

from .enums import RegisterType

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
