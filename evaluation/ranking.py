"""The committee's ranking of a call's offers (art. 15): results, ties, the minimum score and the cut-off line.

:func:`rank` is pure: plain values in, plain values out, no database. :func:`evaluation_ranking`
reads what it needs (never writes) and calls it; the ranking page, the protocol PDF, the
approver's decisions page and the answers to requests for reasons all use it, so they agree.

The rules:

- A voting member's total for an offer is the sum of the points on their *submitted* card. Draft
  cards, cards of experts (who advise and do not vote) and cards of members excluded from the offer
  (KPA art. 24) do not count; a member who did not score the offer is simply absent.
- The offer's result is the mean of those totals, to two places, rounded half up; an offer with no
  counted card has no result. Offers are ranked on the result as shown (two places), so the ranking
  can be checked from the published numbers; equal results share a rank (shown *ex aequo*).
- An offer below the call's minimum score is marked and gets no proposal, nor does one without a
  result.
- The cut-off line: walking down the ranking, each offer that fits in what is left of the call's
  funds is proposed its requested amount; the first that does not fit is proposed what is left (a
  partial award); every later offer gets nothing. When offers tied on the result fall on both sides
  of that line, the ranking says so (``tie_at_cutoff``): the order inside a tie is not the
  committee's choice, so the approver decides there (the proposals follow the offers' order of
  submission only so that they add up).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

POINTS = Decimal("0.01")
ZERO = Decimal("0")

# How much of its request an offer above the minimum score is proposed.
FULL = "full"  # all it asked for
PARTIAL = "partial"  # what was left of the funds (less than it asked for)
NONE = "none"  # nothing: below the cut-off line


@dataclass(frozen=True)
class OfferIn:
    """One offer to rank: its id (ties are listed in this order), the grant it requests and, in
    ``subject``, whatever the caller wants back on the row (the Application)."""

    id: int
    requested: Decimal
    subject: object = None


@dataclass(frozen=True)
class CardIn:
    """One member's card on one offer: the sum of its points, whether it was submitted and whether
    the member votes (experts do not)."""

    offer_id: int
    member_id: int
    total: Decimal
    submitted: bool = True
    votes: bool = True


@dataclass
class Row:
    offer: OfferIn
    totals: dict[int, Decimal]  # voting member id -> the total that counts
    result: Decimal | None
    rank: int | None = None
    tied: bool = False  # shares its rank with another offer (ex aequo)
    below_minimum: bool = False
    proposed: Decimal | None = None  # None: no proposal (no result, below the minimum, no funds stated)
    allocation: str | None = None  # FULL / PARTIAL / NONE, or None with no proposal
    tie_at_cutoff: bool = False  # tied with an offer on the other side of the cut-off line

    @property
    def requested(self):
        return self.offer.requested

    @property
    def subject(self):
        return self.offer.subject

    @property
    def card_count(self):
        return len(self.totals)

    @property
    def eligible(self):
        return self.result is not None and not self.below_minimum


@dataclass
class Ranking:
    rows: list[Row]
    funds: Decimal | None
    min_score: Decimal | None
    proposed_total: Decimal = ZERO
    # How many rows are above the cut-off line (the line is drawn before rows[cutoff_index]);
    # None when the call states no funds (no line can be drawn).
    cutoff_index: int | None = None
    tie_at_cutoff: bool = False
    max_total: Decimal | None = None  # the most points a card can give (the criteria's maxima), if known
    extra: dict = field(default_factory=dict)

    @property
    def remaining(self):
        return None if self.funds is None else self.funds - self.proposed_total

    def row_for(self, offer_id):
        return next((row for row in self.rows if row.offer.id == offer_id), None)


def card_total(points: Iterable[Decimal | None]) -> Decimal:
    """The sum of a card's points (a criterion left empty counts as nothing)."""
    return sum((Decimal(p) for p in points if p is not None), ZERO)


def mean(totals: Iterable[Decimal]) -> Decimal | None:
    """The mean to two places, half up (``None`` for no totals)."""
    totals = list(totals)
    if not totals:
        return None
    return (sum(totals, ZERO) / len(totals)).quantize(POINTS, rounding=ROUND_HALF_UP)


def rank(
    offers: Iterable[OfferIn],
    cards: Iterable[CardIn],
    exclusions: Iterable[tuple[int, int]] = (),
    *,
    funds: Decimal | None,
    min_score: Decimal | None,
    max_total: Decimal | None = None,
) -> Ranking:
    """Rank ``offers`` on ``cards`` (``exclusions``: ``(member_id, offer_id)`` pairs) against ``funds``."""
    excluded = set(exclusions)
    offers = list(offers)
    known = {offer.id for offer in offers}
    totals: dict[int, dict[int, Decimal]] = {offer.id: {} for offer in offers}
    for card in cards:
        if card.offer_id not in known or not card.submitted or not card.votes:
            continue
        if (card.member_id, card.offer_id) in excluded:
            continue
        totals[card.offer_id][card.member_id] = Decimal(card.total)

    rows = []
    for offer in offers:
        result = mean(totals[offer.id].values())
        below = result is not None and min_score is not None and result < min_score
        rows.append(Row(offer=offer, totals=totals[offer.id], result=result, below_minimum=below))
    # Best result first; offers without a result last; ties (and the rest) in the offers' order.
    rows.sort(key=lambda r: (r.result is None, -(r.result or ZERO), r.offer.id))

    previous = None
    for position, row in enumerate(rows, start=1):
        if row.result is None:
            continue
        row.rank = previous.rank if previous is not None and previous.result == row.result else position
        previous = row
    results = [row.result for row in rows if row.result is not None]
    for row in rows:
        row.tied = row.result is not None and results.count(row.result) > 1

    ranking = Ranking(rows=rows, funds=funds, min_score=min_score, max_total=max_total)
    if funds is None:
        return ranking

    left, exhausted = Decimal(funds), False
    for row in rows:
        if not row.eligible:
            continue
        requested = Decimal(row.requested)
        if not exhausted and requested <= left:
            row.proposed, row.allocation = requested, FULL
            left -= requested
        elif not exhausted and left > 0:
            row.proposed, row.allocation = left, PARTIAL
            left, exhausted = ZERO, True
        else:
            row.proposed, row.allocation = ZERO, NONE
            exhausted = True
    ranking.proposed_total = sum((row.proposed for row in rows if row.proposed), ZERO)

    funded = [index for index, row in enumerate(rows) if row.allocation in (FULL, PARTIAL)]
    ranking.cutoff_index = funded[-1] + 1 if funded else 0

    by_rank: dict[int, list[Row]] = {}
    for row in rows:
        if row.eligible:
            by_rank.setdefault(row.rank, []).append(row)
    for group in by_rank.values():
        if len({row.allocation for row in group}) > 1:
            for row in group:
                row.tie_at_cutoff = True
            ranking.tie_at_cutoff = True
    return ranking


# --- Reading the database ----------------------------------------------------------------------


def requested_when_scored(application, evaluation):
    """The grant the offer requested when the committee scored it.

    After a partial award the organisation edits its budget and the offer's ``requested_amount``
    follows the new V.B grant; the ranking, the decisions and the update page must keep showing
    what was scored: the amount of the last version submitted before scoring closed (the offer's
    current amount when it has no such version).
    """
    closed = evaluation.scoring_closed_at
    versions = [v for v in application.versions.all() if closed is None or v.submitted_at <= closed]
    if versions:
        return max(versions, key=lambda v: v.number).requested_amount
    return application.requested_amount


def ranked_applications(evaluation):
    """The offers of the evaluation's call that the committee worked on (passed the formal check)."""
    from applications.models import Application

    from .rules import EVALUATED_STATES

    return (
        Application.objects.filter(call_id=evaluation.call_id, status__in=EVALUATED_STATES)
        .select_related("organisation")
        .prefetch_related("versions")
        .order_by("pk")
    )


def evaluation_ranking(evaluation) -> Ranking:
    """The ranking of ``evaluation``'s call from the stored cards, exclusions and the call's funds.

    Each row's ``subject`` is the Application; ``ranking.extra["members"]`` maps member ids to
    CommitteeMember rows (for the members' columns).
    """
    from .enums import CardStatus
    from .models import Exclusion, ScoreCard

    call = evaluation.call
    applications = list(ranked_applications(evaluation))
    members = {member.pk: member for member in evaluation.members.select_related("user")}
    cards = ScoreCard.objects.filter(member__evaluation=evaluation, application__in=applications).prefetch_related(
        "scores"
    )
    card_inputs = [
        CardIn(
            offer_id=card.application_id,
            member_id=card.member_id,
            total=card_total(score.points for score in card.scores.all()),
            submitted=card.status == CardStatus.SUBMITTED,
            votes=members[card.member_id].votes,
        )
        for card in cards
    ]
    exclusions = Exclusion.objects.filter(member__evaluation=evaluation).values_list("member_id", "application_id")
    criteria = list(call.criteria.all())
    ranking = rank(
        [OfferIn(id=a.pk, requested=requested_when_scored(a, evaluation), subject=a) for a in applications],
        card_inputs,
        list(exclusions),
        funds=call.funds,
        min_score=call.min_score,
        max_total=sum((c.max_points for c in criteria), ZERO) if criteria else None,
    )
    ranking.extra["members"] = members
    return ranking
