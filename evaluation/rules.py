"""Who may do what in an evaluation: role AND state AND the member's own standing, each denial with a reason.

The committee works on offers only after signing the impartiality declaration for the call, and
never on an offer it is excluded from. Experts advise: they read, they do not score. The chair
follows progress (who scored what) but sees no points until scoring closes. Officials run the
committee; the approver decides and publishes.
"""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from applications.enums import ApplicationStatus
from core.permissions import ALLOW, deny
from core.roles import is_approver, is_official

from .enums import CardStatus, EvaluationStatus

NOT_OFFICIAL = _("Only officials of the NGO Centre may do this.")
NOT_APPROVER = _("Only the mayor or a deputy (approver) may do this.")
NOT_MEMBER = _("You are not a member of this call's committee.")
NOT_SIGNED = _("Sign the impartiality declaration for this call first: until then no offer or score is shown.")
EXCLUDED = _("You are excluded from this offer: you can neither read nor score it.")
EXPERT = _("Experts advise the committee and do not score.")

# Offers the committee works on: those that passed the formal check (and what became of them).
EVALUATED_STATES = (
    ApplicationStatus.FORMALLY_ACCEPTED,
    ApplicationStatus.SCORED,
    ApplicationStatus.AWARDED,
    ApplicationStatus.NOT_AWARDED,
    ApplicationStatus.UPDATE_REQUIRED,
    ApplicationStatus.UPDATE_SUBMITTED,
    ApplicationStatus.DECLINED,
    ApplicationStatus.CONTRACTED,
    ApplicationStatus.IN_REALISATION,
    ApplicationStatus.REPORTED,
    ApplicationStatus.SETTLED,
    ApplicationStatus.TERMINATED,
)


def member_of(user, evaluation):
    """The user's seat on ``evaluation``'s committee, or ``None``."""
    if not user or not user.is_authenticated:
        return None
    return evaluation.members.filter(user=user).select_related("declaration").first()


def visible_evaluations_q(user):
    """Evaluations ``user`` may know of: officials and the approver all, a committee member their own."""
    if is_official(user) or is_approver(user):
        return Q()
    if not user or not user.is_authenticated:
        return Q(pk__in=[])
    return Q(members__user=user)


def has_signed(member):
    return member is not None and hasattr(member, "declaration")


def is_excluded(member, application):
    return member is not None and member.exclusions.filter(application=application).exists()


def can_manage_committee(user, evaluation):
    """Officials appoint and remove members and name the chair, until scoring closes."""
    if not is_official(user):
        return deny(NOT_OFFICIAL)
    if evaluation.status not in (EvaluationStatus.PREPARING, EvaluationStatus.SCORING):
        return deny(_("Scoring has closed: the committee can no longer change."))
    return ALLOW


def can_sign_declaration(user, evaluation):
    member = member_of(user, evaluation)
    if member is None:
        return deny(NOT_MEMBER)
    if has_signed(member):
        return deny(_("You have already signed the declaration for this call."))
    if evaluation.status not in (EvaluationStatus.PREPARING, EvaluationStatus.SCORING):
        return deny(_("Scoring has closed."))
    return ALLOW


def can_read_offer(user, evaluation, application):
    """A committee member reads an offer only after signing and when not excluded from it. (Officials
    and the approver read offers through applications.rules.can_view_application.)"""
    member = member_of(user, evaluation)
    if member is None:
        return deny(NOT_MEMBER)
    if not has_signed(member):
        return deny(NOT_SIGNED)
    if is_excluded(member, application):
        return deny(EXCLUDED)
    if application.status not in EVALUATED_STATES:
        return deny(_("This offer did not pass the formal check."))
    return ALLOW


def can_score(user, evaluation, application, card=None):
    decision = can_read_offer(user, evaluation, application)
    if not decision:
        return decision
    member = member_of(user, evaluation)
    if not member.votes:
        return deny(EXPERT)
    if evaluation.status != EvaluationStatus.SCORING:
        return deny(_("Scoring is not open."))
    if card is not None and card.status == CardStatus.SUBMITTED:
        return deny(_("You have submitted this card: it can no longer be changed."))
    return ALLOW


def can_record_exclusion(user, evaluation, member):
    """A member records their own exclusion; the chair and officials record anyone's."""
    if evaluation.status not in (EvaluationStatus.PREPARING, EvaluationStatus.SCORING):
        return deny(_("Scoring has closed: exclusions can no longer be recorded."))
    if is_official(user):
        return ALLOW
    own = member_of(user, evaluation)
    if own is None:
        return deny(NOT_MEMBER)
    if own.pk == member.pk or own.is_chair:
        return ALLOW
    return deny(_("Only the member concerned or the chair may record an exclusion."))


def _seat_binds(user, evaluation):
    """For an official or the approver: ALLOW, unless they have a seat on this committee and have not
    signed its declaration yet (a seat binds them like any member)."""
    member = member_of(user, evaluation)
    if member is not None and not has_signed(member):
        return deny(NOT_SIGNED)
    return ALLOW


def can_see_progress(user, evaluation):
    """Who scored what (not the points): the chair and officials."""
    if is_official(user) or is_approver(user):
        return _seat_binds(user, evaluation)
    member = member_of(user, evaluation)
    if member is not None and member.is_chair and has_signed(member):
        return ALLOW
    return deny(_("Only the chair and officials follow the scoring progress."))


def can_see_scores(user, evaluation):
    """Points and the ranking: once scoring has closed, for signed members, officials and the approver."""
    if evaluation.status in (EvaluationStatus.PREPARING, EvaluationStatus.SCORING):
        return deny(_("Scores are shown once scoring has closed."))
    if is_official(user) or is_approver(user):
        return _seat_binds(user, evaluation)
    member = member_of(user, evaluation)
    if member is None:
        return deny(NOT_MEMBER)
    if not has_signed(member):
        return deny(NOT_SIGNED)
    return ALLOW


def _open_scoring(user, evaluation):
    return ALLOW if is_official(user) else deny(NOT_OFFICIAL)


def _close_scoring(user, evaluation):
    if is_official(user):
        return ALLOW
    member = member_of(user, evaluation)
    if member is not None and member.is_chair and has_signed(member):
        return ALLOW
    return deny(_("Only the chair or an official closes the scoring."))


def _publish(user, evaluation):
    return ALLOW if is_approver(user) else deny(NOT_APPROVER)


EVALUATION_TRANSITION_CHECKS = {
    "open_scoring": _open_scoring,
    "close_scoring": _close_scoring,
    "publish": _publish,
}


def can_decide(user, evaluation):
    """The approver prepares decisions once scoring has closed and until the results are published."""
    if not is_approver(user):
        return deny(NOT_APPROVER)
    if evaluation.status != EvaluationStatus.CLOSED:
        return deny(_("Decisions are prepared after scoring closes and before the results are published."))
    return ALLOW


def can_answer_reason_request(user):
    return ALLOW if is_official(user) or is_approver(user) else deny(NOT_OFFICIAL)
