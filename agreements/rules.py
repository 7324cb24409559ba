"""Who may do what with an agreement: role AND state AND ownership, each denial with a reason.

Officials of the NGO Centre manage agreements; the approver reads them; confirmed members of the
agreement's organisation read theirs, give the bank account while it is prepared and upload the
signed file when it is ready. Nobody else learns an agreement exists (the views answer 404).
A committee seat does not matter here: the agreement follows the published decision.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.rules import is_member
from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official
from organisations.enums import MembershipRole

from .enums import AgreementStatus, AnnexStatus

# Any confirmed member reads the organisation's agreements; the bank account and the signed file
# come from those who act for it (admins and editors, as for offers).
READ_ROLES = tuple(MembershipRole.values)

NOT_YOURS = _("This agreement belongs to another organisation.")
OFFICIALS_ONLY = _("Only officials of the NGO Centre manage agreements.")
NOT_MEMBER = _("Only confirmed members of the organisation may do this.")


def is_org_member(user, agreement, roles=None):
    if roles is None:
        return is_member(user, agreement.organisation_id, roles=READ_ROLES)
    return is_member(user, agreement.organisation_id, roles=roles)


def can_view_agreement(user, agreement):
    if is_official(user) or is_approver(user):
        return ALLOW
    if is_org_member(user, agreement):
        return ALLOW
    return deny(NOT_YOURS)


def visible_agreements_q(user):
    """The queryset filter matching :func:`can_view_agreement`."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    if is_official(user) or is_approver(user):
        return Q()
    return Q(
        organisation__memberships__user=user,
        organisation__memberships__confirmed_at__isnull=False,
        organisation__memberships__role__in=READ_ROLES,
    )


def can_manage(user, agreement=None):
    return ALLOW if is_official(user) else deny(OFFICIALS_ONLY)


def can_prepare(user, source=None):
    return ALLOW if is_official(user) else deny(_("Only officials of the NGO Centre prepare agreements."))


def can_edit_draft(user, agreement):
    if not is_official(user):
        return deny(OFFICIALS_ONLY)
    if agreement.status != AgreementStatus.DRAFT:
        return deny(_("Only an agreement being prepared can be changed; reopen it first."))
    return ALLOW


def can_give_bank_account(user, agreement):
    """The organisation gives its bank account (and declares it is the sole holder) while the agreement
    is prepared; an official may type it from a letter too."""
    if not (is_official(user) or is_member(user, agreement.organisation_id)):
        return deny(NOT_MEMBER)
    if agreement.status != AgreementStatus.DRAFT:
        return deny(_("The bank account can only be changed while the agreement is being prepared."))
    return ALLOW


def can_upload_signed(user, agreement, annex=None):
    """The signed agreement (or annex) is uploaded by the organisation or an official once it is ready."""
    if not (is_official(user) or is_member(user, agreement.organisation_id)):
        return deny(NOT_MEMBER)
    if annex is not None:
        if agreement.status != AgreementStatus.SIGNED or annex.status != AnnexStatus.DRAFT or annex.document_id is None:
            return deny(_("A signed annex can be uploaded once its PDF is ready and before it is signed."))
        return ALLOW
    if agreement.status != AgreementStatus.READY:
        return deny(_("The signed agreement can be uploaded once the agreement is ready for signing."))
    return ALLOW


def can_manage_annexes(user, agreement):
    if not is_official(user):
        return deny(OFFICIALS_ONLY)
    if agreement.status != AgreementStatus.SIGNED:
        return deny(_("Annexes are made to signed agreements only."))
    return ALLOW


def can_record_payment(user, agreement):
    if not is_official(user):
        return deny(_("Only officials of the NGO Centre record payments."))
    if agreement.status != AgreementStatus.SIGNED:
        return deny(_("Payments are recorded for signed agreements only."))
    return ALLOW


def _official(user, agreement):
    return can_manage(user, agreement)


AGREEMENT_TRANSITION_CHECKS = {
    "mark_ready": _official,
    "reopen": _official,
    "sign": _official,
    "settle": _official,
    "terminate": _official,
}


def _official_annex(user, annex):
    return can_manage(user, annex.agreement)


ANNEX_TRANSITION_CHECKS = {"sign": _official_annex}


def _agreement_drives_offer(user, application):
    """The offer's realisation transitions follow the agreement; the agreement service checked the actor."""
    return ALLOW if is_official(user) else deny(OFFICIALS_ONLY)


# Checks for the offer's (and small grant's) transitions run from the agreement services.
SOURCE_TRANSITION_CHECKS = {
    "contract": _agreement_drives_offer,
    "start_realisation": _agreement_drives_offer,
    "settle": _agreement_drives_offer,
    "terminate": _agreement_drives_offer,
}
