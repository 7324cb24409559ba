"""A call whose committee has scored its offers, built straight with the ORM (no committee services),
for the ranking, decisions, publication, update and reasons tests."""

import datetime
from decimal import Decimal

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application, ApplicationVersion
from core.models import StoredDocument
from core.roles import APPROVER, OFFICIAL
from evaluation.enums import CardStatus, EvaluationStatus, MemberRole
from evaluation.models import CommitteeMember, Evaluation, Exclusion, ImpartialityDeclaration, ScoreCard
from tests.applications.helpers import offer
from tests.calls.helpers import call_in_state
from tests.factories import UserFactory

D = Decimal
DEFAULT_FUNDS = Decimal("10000.00")


def seat(evaluation, *, role=MemberRole.OFFICIAL, is_chair=False, signed=True, user=None):
    member = CommitteeMember.objects.create(
        evaluation=evaluation, user=user or UserFactory(), role=role, is_chair=is_chair
    )
    if signed:
        ImpartialityDeclaration.objects.create(
            member=member, text=evaluation.declaration_text, text_sha256=evaluation.declaration_sha256
        )
    return member


def give_card(member, application, total, *, submitted=True):
    """A card whose points add up to ``total``, spread over the call's criteria up to their maxima."""
    card = ScoreCard.objects.create(
        member=member,
        application=application,
        status=CardStatus.SUBMITTED if submitted else CardStatus.DRAFT,
        submitted_at=timezone.now() if submitted else None,
    )
    left = D(total)
    criteria = list(application.call.criteria.all())
    for index, criterion in enumerate(criteria):
        points = left if index == len(criteria) - 1 else min(left, criterion.max_points)
        left -= points
        card.scores.create(criterion=criterion, points=points, justification=f"Ocena: {criterion.name} — {points} pkt.")
    return card


def _version(application, at):
    document = StoredDocument.store(kind="offer", content=f"%PDF-1.4 oferta {application.pk}".encode())
    ApplicationVersion.objects.create(
        application=application,
        number=application.versions.count() + 1,
        title=application.title,
        requested_amount=application.requested_amount,
        content=application.content,
        submitted_at=at,
        offer_document=document,
        confirmation_document=document,
    )


class Scored:
    """A call in evaluation, its evaluation closed (or in ``status``), three voting members who signed,
    an official, the approver; offers added with :meth:`add` (status ``scored``, one version each)."""

    def __init__(self, *, funds=DEFAULT_FUNDS, min_score=None, status=EvaluationStatus.CLOSED, members=3):
        self.call = call_in_state("in_evaluation", funds=funds, min_score=min_score)
        now = timezone.now()
        closed = status in (EvaluationStatus.CLOSED, EvaluationStatus.PUBLISHED)
        self.evaluation = Evaluation.objects.create(
            call=self.call,
            status=status,
            scoring_opened_at=now - datetime.timedelta(days=5),
            scoring_closed_at=now - datetime.timedelta(hours=1) if closed else None,
        )
        self.members = [seat(self.evaluation, is_chair=i == 0) for i in range(members)]
        self.official = UserFactory(roles=[OFFICIAL])
        self.approver = UserFactory(roles=[APPROVER])
        self.offers = []

    def add(self, requested, totals=(), *, title=None, status=ApplicationStatus.SCORED, excluded=(), drafts=()):
        """An offer requesting ``requested`` scored ``totals`` by the first members (``None``: no card).
        ``excluded``: member indexes excluded from it; ``drafts``: member indexes whose card is a draft."""
        application, member = offer(self.call, status=status)
        Application.objects.filter(pk=application.pk).update(
            requested_amount=D(requested), title=title or f"Oferta {len(self.offers) + 1}"
        )
        application.refresh_from_db()
        _version(application, self.evaluation.scoring_opened_at - datetime.timedelta(days=1))
        for index, total in enumerate(totals):
            if total is not None:
                give_card(self.members[index], application, total, submitted=index not in drafts)
        for index in excluded:
            Exclusion.objects.create(
                member=self.members[index], application=application, ground="Członek zarządu oferenta."
            )
        application.ngo_member = member
        self.offers.append(application)
        return application

    def refresh(self):
        self.evaluation.refresh_from_db()
        for application in self.offers:
            application.refresh_from_db()
        return self
