"""Who may do what with an offer: role AND state AND ownership, each denial with a reason."""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official
from organisations.enums import MembershipRole
from organisations.models import Membership

from .enums import SUBMITTED_STATES, ApplicationStatus, AttachmentKind

# The states in which the organisation may still change its offer (after a partial award it
# updates the schedule and budget to the amount awarded).
EDITABLE_STATES = (
    ApplicationStatus.DRAFT,
    ApplicationStatus.RETURNED_FOR_CORRECTION,
    ApplicationStatus.UPDATE_REQUIRED,
)

NOT_MEMBER = _("Only confirmed members of the offering organisation may do this.")


def is_member(user, organisation_id, roles=(MembershipRole.ADMIN, MembershipRole.EDITOR)):
    if not user or not user.is_authenticated:
        return False
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, confirmed_at__isnull=False, role__in=roles
    ).exists()


def _committee_may_read(user, application):
    """A member of the call's committee who signed the impartiality declaration and is not excluded
    from the offer reads it once it passed the formal check (evaluation.rules.can_read_offer)."""
    from evaluation.models import Evaluation  # the evaluation app builds on offers
    from evaluation.rules import can_read_offer

    if not user or not user.is_authenticated:
        return False
    evaluation = Evaluation.objects.filter(call_id=application.call_id).first()
    return evaluation is not None and can_read_offer(user, evaluation, application).allowed


def committee_block(user, application):
    """A seat on the call's committee binds officials and the approver too: none of the call's offers
    before signing the impartiality declaration, never one they are excluded from (KPA art. 24).
    ``None`` when nothing blocks."""
    from evaluation.models import CommitteeMember  # the evaluation app builds on offers
    from evaluation.rules import EXCLUDED, NOT_SIGNED

    if not user or not user.is_authenticated:
        return None
    seat = (
        CommitteeMember.objects.filter(user=user, evaluation__call_id=application.call_id)
        .select_related("declaration")
        .first()
    )
    if seat is None:
        return None
    if not hasattr(seat, "declaration"):
        return deny(NOT_SIGNED)
    if seat.exclusions.filter(application_id=application.pk).exists():
        return deny(EXCLUDED)
    return None


def can_view_application(user, application):
    """An offer is seen by its organisation's members, by officials and the approver, and by the call's
    committee members who signed the impartiality declaration and are not excluded from it. An
    official or the approver who sits on the call's committee is bound as a member (committee_block)."""
    if is_member(user, application.organisation_id):
        return ALLOW
    if is_official(user) or is_approver(user):
        blocked = committee_block(user, application)
        return ALLOW if blocked is None else blocked
    if _committee_may_read(user, application):
        return ALLOW
    return deny(_("This offer belongs to another organisation."))


def _committee_q(user):
    """The filter matching :func:`_committee_may_read`."""
    from evaluation.models import CommitteeMember, Exclusion
    from evaluation.rules import EVALUATED_STATES

    signed_seat = CommitteeMember.objects.filter(
        user=user, declaration__isnull=False, evaluation__call_id=OuterRef("call_id")
    )
    excluded = Exclusion.objects.filter(member__user=user, application_id=OuterRef("pk"))
    return Q(Exists(signed_seat), ~Exists(excluded), status__in=EVALUATED_STATES)


def _staff_q(user):
    """The filter matching :func:`committee_block` for officials and the approver."""
    from evaluation.models import CommitteeMember, Exclusion

    unsigned_seat = CommitteeMember.objects.filter(
        user=user, declaration__isnull=True, evaluation__call_id=OuterRef("call_id")
    )
    excluded = Exclusion.objects.filter(member__user=user, application_id=OuterRef("pk"))
    return ~Q(Exists(unsigned_seat)) & ~Q(Exists(excluded))


def visible_applications_q(user):
    """The queryset filter matching :func:`can_view_application`."""
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    own = Q(organisation__memberships__user=user, organisation__memberships__confirmed_at__isnull=False)
    if is_official(user) or is_approver(user):
        return own | _staff_q(user)
    return own | _committee_q(user)


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


def _official_update(user, application):
    return ALLOW if is_official(user) else deny(_("Only officials of the NGO Centre confirm an updated offer."))


APPLICATION_TRANSITION_CHECKS = {
    "submit": _member,
    "withdraw": _member,
    "accept_formally": _official,
    "return_for_correction": _official,
    "reject_formally": _official,
    # after a partial award (the evaluation app runs mark_scored, award, award_partially, refuse_award)
    "submit_update": _member,
    "decline": _member,
    "confirm_update": _official_update,
    "return_update": _official_update,
}


# Attachments.


def can_add_attachment(user, application, kind):
    """Members of the offering organisation attach files while the offer can be edited (draft, returned
    for correction); the signed confirmation of submission exists only once the offer was submitted."""
    if not is_member(user, application.organisation_id):
        return deny(NOT_MEMBER)
    if application.status == ApplicationStatus.WITHDRAWN:
        return deny(_("The offer has been withdrawn: no attachment can be added."))
    if kind == AttachmentKind.SIGNED_CONFIRMATION:
        if application.status in SUBMITTED_STATES:
            return ALLOW
        return deny(_("The confirmation of submission can be uploaded once the offer has been submitted."))
    if application.status in EDITABLE_STATES:
        return ALLOW
    return deny(
        _(
            "The offer has been submitted and can no longer be changed: only the signed confirmation of "
            "submission can be added now."
        )
    )


def can_delete_attachment(user, attachment):
    """Members remove an attachment while the offer can be edited; a file that was part of a submitted
    version stays (it is evidence of what was submitted)."""
    application = attachment.application
    if not is_member(user, application.organisation_id):
        return deny(NOT_MEMBER)
    if application.status not in EDITABLE_STATES:
        return deny(_("The offer has been submitted: its attachments can no longer be removed."))
    if application.submitted_at is not None and attachment.uploaded_at <= application.submitted_at:
        return deny(_("This attachment was part of the submitted offer and cannot be removed."))
    return ALLOW
