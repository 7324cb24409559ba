"""The ranking: results as means of voting members' totals, ties, the minimum score and the cut-off line.

Pure cases first (evaluation.ranking.rank), then properties over any input (hypothesis), then the
ranking read from stored cards (excluded members, drafts, experts, a member who did not score).
"""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluation.enums import MemberRole
from evaluation.ranking import FULL, NONE, PARTIAL, CardIn, OfferIn, evaluation_ranking, mean, rank
from tests.evaluation.results_world import Scored, give_card, seat

D = Decimal


def offers(*requested):
    return [OfferIn(id=i, requested=D(r)) for i, r in enumerate(requested, start=1)]


def cards(table):
    """{offer_id: [total of member 1, of member 2, ...]} (None: that member did not score it)."""
    return [
        CardIn(offer_id=offer_id, member_id=member, total=D(total))
        for offer_id, totals in table.items()
        for member, total in enumerate(totals, start=1)
        if total is not None
    ]


def by_id(ranking):
    return {row.offer.id: row for row in ranking.rows}


# --- Explicit cases ------------------------------------------------------------------------------


def test_the_result_is_the_mean_of_the_members_totals_rounded_half_up_to_two_places():
    ranking = rank(offers(100), cards({1: [40, 41, 41]}), funds=D("1000"), min_score=None)
    assert ranking.rows[0].result == D("40.67")  # 122 / 3 = 40.666…
    assert mean([D("10"), D("10.005")]) == D("10.00")  # 10.0025 → 10.00
    assert mean([D("10.01"), D("10")]) == D("10.01")  # 10.005 → 10.01 (half up)
    assert mean([]) is None


def test_offers_are_ordered_by_result_and_ties_share_a_rank_shown_as_ties():
    ranking = rank(
        offers(100, 100, 100, 100),
        cards({1: [30, 30], 2: [40, 40], 3: [30, 30], 4: [20, 20]}),
        funds=D("1000"),
        min_score=None,
    )
    assert [(r.offer.id, r.rank, r.tied) for r in ranking.rows] == [
        (2, 1, False),
        (1, 2, True),
        (3, 2, True),  # ex aequo, listed in the offers' order
        (4, 4, False),  # the next rank skips the shared one
    ]


def test_a_member_who_did_not_score_is_simply_absent_from_the_mean():
    ranking = rank(offers(100), cards({1: [30, None, 40]}), funds=D("1000"), min_score=None)
    row = ranking.rows[0]
    assert row.result == D("35.00")
    assert row.card_count == 2


def test_cards_of_excluded_members_drafts_and_experts_do_not_count():
    inputs = [
        CardIn(offer_id=1, member_id=1, total=D("30")),
        CardIn(offer_id=1, member_id=2, total=D("50")),  # excluded from offer 1
        CardIn(offer_id=1, member_id=3, total=D("10"), submitted=False),  # a draft
        CardIn(offer_id=1, member_id=4, total=D("0"), votes=False),  # an expert
        CardIn(offer_id=2, member_id=2, total=D("50")),  # member 2 still counts on offer 2
    ]
    ranking = rank(offers(100, 100), inputs, [(2, 1)], funds=D("1000"), min_score=None)
    rows = by_id(ranking)
    assert rows[1].result == D("30.00") and rows[1].totals == {1: D("30")}
    assert rows[2].result == D("50.00")


def test_an_offer_with_no_counted_card_has_no_result_no_rank_and_no_proposal():
    ranking = rank(offers(100, 100), cards({1: [30], 2: [20]}), [(1, 1)], funds=D("1000"), min_score=None)
    rows = by_id(ranking)
    assert rows[1].result is None and rows[1].rank is None and rows[1].proposed is None
    assert ranking.rows[-1].offer.id == 1  # listed last


def test_offers_below_the_minimum_score_are_marked_and_get_no_proposal():
    ranking = rank(offers(100, 100), cards({1: [29.99], 2: [30]}), funds=D("1000"), min_score=D("30"))
    rows = by_id(ranking)
    assert rows[1].below_minimum and rows[1].proposed is None and rows[1].allocation is None
    assert not rows[2].below_minimum and rows[2].proposed == D("100")


def test_the_cut_off_line_gives_the_first_offer_that_does_not_fit_the_remainder_and_later_ones_nothing():
    ranking = rank(
        offers(4000, 3000, 5000, 1000),
        cards({1: [50], 2: [40], 3: [30], 4: [20]}),
        funds=D("10000"),
        min_score=None,
    )
    rows = by_id(ranking)
    assert (rows[1].proposed, rows[1].allocation) == (D("4000"), FULL)
    assert (rows[2].proposed, rows[2].allocation) == (D("3000"), FULL)
    assert (rows[3].proposed, rows[3].allocation) == (D("3000"), PARTIAL)  # what was left
    assert (rows[4].proposed, rows[4].allocation) == (D("0"), NONE)  # would fit, but comes after the line
    assert ranking.proposed_total == D("10000") and ranking.remaining == D("0")
    assert ranking.cutoff_index == 3  # the line is drawn after the partial offer
    assert not ranking.tie_at_cutoff


def test_when_everything_fits_the_line_is_drawn_after_the_last_funded_offer():
    ranking = rank(
        offers(1000, 1000, 1000),
        cards({1: [50], 2: [40], 3: [10]}),
        funds=D("5000"),
        min_score=D("20"),
    )
    assert ranking.cutoff_index == 2  # offer 3 is below the minimum, after the line
    assert ranking.remaining == D("3000")


def test_a_tie_straddling_the_cut_off_line_is_flagged_not_chosen_silently():
    ranking = rank(
        offers(6000, 5000, 5000, 1000),
        cards({1: [50], 2: [40], 3: [40], 4: [30]}),
        funds=D("10000"),
        min_score=None,
    )
    rows = by_id(ranking)
    assert rows[2].rank == rows[3].rank == 2
    assert rows[2].allocation == PARTIAL and rows[3].allocation == NONE
    assert rows[2].tie_at_cutoff and rows[3].tie_at_cutoff
    assert not rows[1].tie_at_cutoff and not rows[4].tie_at_cutoff
    assert ranking.tie_at_cutoff


def test_a_tie_entirely_above_the_line_is_not_flagged():
    ranking = rank(offers(3000, 3000), cards({1: [40], 2: [40]}), funds=D("10000"), min_score=None)
    assert not ranking.tie_at_cutoff
    assert all(row.allocation == FULL for row in ranking.rows)


def test_without_funds_stated_nothing_is_proposed_and_no_line_is_drawn():
    ranking = rank(offers(3000), cards({1: [40]}), funds=None, min_score=None)
    assert ranking.rows[0].proposed is None and ranking.cutoff_index is None


# --- Properties ----------------------------------------------------------------------------------

amounts = st.integers(min_value=0, max_value=2_000_000).map(lambda grosze: D(grosze) / 100)
totals = st.lists(st.one_of(st.none(), st.integers(0, 10_000).map(lambda x: D(x) / 100)), max_size=5)


@st.composite
def scenarios(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    requested = [draw(amounts) for _ in range(count)]
    table = {i: draw(totals) for i in range(1, count + 1)}
    excluded = draw(st.sets(st.tuples(st.integers(1, 5), st.integers(1, max(count, 1))), max_size=4))
    funds = draw(st.one_of(st.none(), amounts))
    min_score = draw(st.one_of(st.none(), st.integers(0, 100).map(D)))
    return offers(*requested), cards(table), excluded, funds, min_score


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_proposals_never_exceed_the_funds_nor_any_request(scenario):
    offer_list, card_list, excluded, funds, min_score = scenario
    ranking = rank(offer_list, card_list, excluded, funds=funds, min_score=min_score)
    assert len(ranking.rows) == len(offer_list)
    proposed = [row.proposed for row in ranking.rows if row.proposed is not None]
    if funds is not None:
        assert sum(proposed, D(0)) <= funds
        assert ranking.remaining >= 0
    for row in ranking.rows:
        if row.proposed is not None:
            assert D(0) <= row.proposed <= row.requested
        if not row.eligible or funds is None:
            assert row.proposed is None
    assert sum(1 for row in ranking.rows if row.allocation == PARTIAL) <= 1


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_ranks_follow_results_and_equal_results_share_a_rank(scenario):
    offer_list, card_list, excluded, funds, min_score = scenario
    ranking = rank(offer_list, card_list, excluded, funds=funds, min_score=min_score)
    ranked = [row for row in ranking.rows if row.result is not None]
    assert ranking.rows[: len(ranked)] == ranked  # offers without a result come last
    for a, b in zip(ranked, ranked[1:], strict=False):
        assert a.result >= b.result
        assert (a.rank == b.rank) == (a.result == b.result)
        assert a.rank <= b.rank
    for row in ranked:
        assert row.tied == any(other is not row and other.result == row.result for other in ranked)
        # the rank is one more than the number of offers with a better result
        assert row.rank == 1 + sum(1 for other in ranked if other.result > row.result)
        assert row.below_minimum == (min_score is not None and row.result < min_score)


@settings(max_examples=300, deadline=None)
@given(scenarios())
def test_the_funded_offers_are_a_prefix_of_the_eligible_ones_and_the_line_follows_them(scenario):
    offer_list, card_list, excluded, funds, min_score = scenario
    ranking = rank(offer_list, card_list, excluded, funds=funds, min_score=min_score)
    if funds is None:
        return
    eligible = [row for row in ranking.rows if row.eligible]
    allocations = [row.allocation for row in eligible]
    funded = [a for a in allocations if a in (FULL, PARTIAL)]
    assert allocations[: len(funded)] == funded  # nothing funded after an unfunded offer
    assert PARTIAL not in funded[:-1]  # a partial award is the last one funded
    above = ranking.rows[: ranking.cutoff_index]
    assert all(row.allocation in (FULL, PARTIAL) or not row.eligible for row in above)
    assert all(row.allocation != FULL and row.allocation != PARTIAL for row in ranking.rows[ranking.cutoff_index :])
    # a flagged tie is one whose members were treated differently
    for row in eligible:
        group = {other.allocation for other in eligible if other.rank == row.rank}
        assert row.tie_at_cutoff == (len(group) > 1)


# --- From the stored cards -------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_stored_ranking_leaves_out_excluded_members_drafts_experts_and_members_who_did_not_score():
    world = Scored(funds=D("5000.00"), min_score=D("20"))
    expert = seat(world.evaluation, role=MemberRole.EXPERT)
    first = world.add("3000.00", [40, 44, None], excluded=[1])  # member 2 excluded: only 40 counts
    second = world.add("3000.00", [36, 34, 35], drafts=[2])  # member 3's card is a draft: (36+34)/2
    third = world.add("1000.00", [10, 12, 14])  # 12.00: below the minimum
    fourth = world.add("1000.00", [])  # nobody scored it
    give_card(expert, first, 0)  # an expert's card never counts

    ranking = evaluation_ranking(world.evaluation)

    rows = {row.subject.pk: row for row in ranking.rows}
    assert rows[first.pk].result == D("40.00") and rows[first.pk].card_count == 1
    assert rows[second.pk].result == D("35.00") and rows[second.pk].card_count == 2
    assert rows[third.pk].below_minimum and rows[third.pk].proposed is None
    assert rows[fourth.pk].result is None
    assert [row.subject.pk for row in ranking.rows] == [first.pk, second.pk, third.pk, fourth.pk]
    assert rows[first.pk].proposed == D("3000.00")
    assert rows[second.pk].proposed == D("2000.00") and rows[second.pk].allocation == PARTIAL
    assert ranking.max_total == sum(c.max_points for c in world.call.criteria.all())
