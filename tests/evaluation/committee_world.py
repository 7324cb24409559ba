"""A call in evaluation with its committee, for the committee / scoring tests."""

from django.utils import timezone

from applications.enums import ApplicationStatus
from core.roles import APPROVER, OFFICIAL
from evaluation import services
from evaluation.enums import MemberRole
from evaluation.models import CommitteeMember, Evaluation, ScoreCard
from tests.applications.helpers import offer
from tests.calls.helpers import call_in_state
from tests.factories import UserFactory, make_ngo_member


def evaluated_call(**kwargs):
    """A call in evaluation (deadline passed) carrying the statutory criteria."""
    return call_in_state("in_evaluation", **kwargs)


def accepted_offer(call, status=ApplicationStatus.FORMALLY_ACCEPTED, title="Wakacje w mieście"):
    """An offer of a new organisation in ``call``; returns (application, a member of its organisation)."""
    application, member = offer(call, status=status)
    application.title = title
    application.save(update_fields=["title"])
    return application, member


def seat(evaluation, user=None, *, role=MemberRole.OFFICIAL, is_chair=False, signed=False, nominated_by=None):
    """A committee member appointed directly (no notice); signed through the service when asked."""
    user = user or UserFactory()
    member = CommitteeMember.objects.create(
        evaluation=evaluation, user=user, role=role, is_chair=is_chair, nominated_by=nominated_by
    )
    if signed:
        services.declaration_sign(actor=user, evaluation=evaluation)
        member.refresh_from_db()
    return member


def full_scores(call, points="5", justification="Uzasadnienie oceny."):
    return {criterion.pk: (points, justification) for criterion in call.criteria.all()}


def fill_card(member, application, points="5"):
    """A complete draft card written straight to the database (to test what happens to it later)."""
    card = ScoreCard.objects.create(member=member, application=application)
    for criterion in application.call.criteria.all():
        card.scores.create(criterion=criterion, points=points, justification="Uzasadnienie.")
    return card


class Committee:
    """A call in evaluation with two formally accepted offers and one committee member of each kind:
    a signed chair (a city representative without the panel role), a signed voting NGO nominee, a signed expert, a signed member excluded
    from the first offer (a member of its organisation), an unsigned member; plus an official, the
    approver and an NGO member who sit on no committee."""

    def __init__(self, *, evaluation_status="preparing", call_status="in_evaluation"):
        self.call = call_in_state(call_status)
        self.offer, self.offer_member = accepted_offer(self.call, title="Półkolonie nad wodą")
        self.other, self.other_member = accepted_offer(self.call, title="Turniej szachowy")
        self.evaluation = services.evaluation_for(self.call)
        self.official = UserFactory(roles=[OFFICIAL])
        self.approver = UserFactory(roles=[APPROVER])
        self.ngo_member = make_ngo_member()
        # the chair has no staff role of their own, so the table tells the chair's rights from an official's
        self.chair = seat(self.evaluation, is_chair=True, signed=True)
        self.voter = seat(self.evaluation, role=MemberRole.NGO_NOMINEE, signed=True)
        self.expert = seat(self.evaluation, role=MemberRole.EXPERT, signed=True)
        # a confirmed member of the first offer's organisation: excluded from it automatically on signing
        self.excluded = seat(self.evaluation, make_ngo_member(self.offer.organisation), signed=True)
        self.unsigned = seat(self.evaluation)
        if evaluation_status != "preparing":
            Evaluation.objects.filter(pk=self.evaluation.pk).update(
                status=evaluation_status, scoring_opened_at=timezone.now()
            )
            self.evaluation.refresh_from_db()

    def user(self, role):
        """The user acting as ``role`` (``None``: anonymous)."""
        return {
            "official": self.official,
            "approver": self.approver,
            "chair": self.chair.user,
            "voting_member": self.voter.user,
            "expert": self.expert.user,
            "excluded_member": self.excluded.user,
            "unsigned_member": self.unsigned.user,
            "ngo_member": self.ngo_member,
            "anonymous": None,
        }[role]

    def member(self, role):
        return {
            "chair": self.chair,
            "voting_member": self.voter,
            "expert": self.expert,
            "excluded_member": self.excluded,
            "unsigned_member": self.unsigned,
        }.get(role)


ROLES = [
    "official",
    "approver",
    "chair",
    "voting_member",
    "expert",
    "excluded_member",
    "unsigned_member",
    "ngo_member",
    "anonymous",
]
