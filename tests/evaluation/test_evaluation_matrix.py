"""The evaluation's state machine and the scoring card's submission as tables: every state × every
transition × every role (official, approver, chair, voting member, expert, excluded member, unsigned
member, NGO member, anonymous).

The expected tables are written out from the issue and ARCHITECTURE.md, not derived from the code
under test: officials open the scoring; the chair or an official closes it; the approver publishes;
a card is submitted by its own voting member who signed and is not excluded, while scoring is open.
"""

import pytest
from django.contrib.auth.models import AnonymousUser

from applications.models import Application
from core.errors import InvalidState, NotAllowed
from core.transitions import available_transitions
from evaluation import services
from evaluation.enums import CardStatus, EvaluationStatus
from evaluation.models import Evaluation, ScoreCard
from evaluation.rules import EVALUATION_TRANSITION_CHECKS
from notifications.models import OutboxMessage
from tests.calls.helpers import status_changes
from tests.evaluation.committee_world import ROLES, Committee, fill_card

pytestmark = pytest.mark.django_db

STATES = [s.value for s in EvaluationStatus]

# transition -> (states it starts from, roles that may run it, the state it leads to)
EXPECTED = {
    "open_scoring": ({"preparing"}, {"official"}, "scoring"),
    "close_scoring": ({"scoring"}, {"official", "chair"}, "closed"),
    "publish": ({"closed"}, {"approver"}, "published"),
}
# The services of this part of the issue (publishing is evaluation.decisions').
SERVICES = {"open_scoring": services.scoring_open, "close_scoring": services.scoring_close}

# The card's submission: (evaluation states, card states, roles) in which it is allowed.
CARD_EXPECTED = ({"scoring"}, {"draft"}, {"chair", "voting_member"})


def actor(world, role):
    return world.user(role) or AnonymousUser()


def stored(evaluation):
    return Evaluation.objects.values_list("status", flat=True).get(pk=evaluation.pk)


@pytest.mark.parametrize(
    ("state", "transition", "role"),
    [pytest.param(s, t, r, id=f"{s}-{t}-{r}") for s in STATES for t in SERVICES for r in ROLES],
)
def test_the_services_run_exactly_the_transitions_in_the_table(state, transition, role):
    # given a committee with a chair and voting members, on a call in evaluation, in `state`
    world = Committee(evaluation_status=state)
    sources, roles, target = EXPECTED[transition]
    offers_before = dict(Application.objects.values_list("pk", "status"))

    if state in sources and role in roles:
        # when an allowed actor runs it, then the evaluation moves with one history entry
        SERVICES[transition](actor=actor(world, role), evaluation=world.evaluation)
        assert stored(world.evaluation) == target
        changes = list(status_changes(world.evaluation))
        assert [(c.transition, c.from_state, c.to_state) for c in changes] == [(transition, state, target)]
        assert changes[0].actor == world.user(role)
        offers = dict(Application.objects.values_list("pk", "status"))
        if transition == "close_scoring":
            # and closing marks every formally accepted offer as scored, each with its history entry
            assert set(offers.values()) == {"scored"}
            for application in Application.objects.all():
                assert [(c.transition, c.to_state) for c in status_changes(application)] == [("mark_scored", "scored")]
        else:
            assert offers == offers_before
        return

    # when anyone else tries, then the refusal says whether it is the role or the state, and nothing changes
    expected_error = InvalidState if role in roles else NotAllowed
    with pytest.raises((NotAllowed, InvalidState)) as excinfo:
        SERVICES[transition](actor=actor(world, role), evaluation=world.evaluation)
    assert type(excinfo.value) is expected_error
    assert str(excinfo.value.message).strip()
    assert stored(world.evaluation) == state
    assert not status_changes(world.evaluation).exists()
    assert dict(Application.objects.values_list("pk", "status")) == offers_before
    assert not OutboxMessage.objects.filter(event__startswith="scoring").exists()


@pytest.mark.parametrize(("state", "role"), [pytest.param(s, r, id=f"{s}-{r}") for s in STATES for r in ROLES])
def test_the_transitions_offered_to_each_role_are_the_tables(state, role):
    world = Committee(evaluation_status=state)
    expected = {t for t, (sources, roles, _) in EXPECTED.items() if state in sources and role in roles}
    offered = available_transitions(world.evaluation, actor(world, role), EVALUATION_TRANSITION_CHECKS)
    assert set(offered) == expected


@pytest.mark.parametrize(
    ("state", "card_state", "role"),
    [
        pytest.param(s, c, r, id=f"{s}-card_{c}-{r}")
        for s in STATES
        for c in [CardStatus.DRAFT.value, CardStatus.SUBMITTED.value]
        for r in ROLES
    ],
)
def test_a_card_is_submitted_exactly_as_the_table_says(state, card_state, role):
    # given a complete card of the acting member for the first offer (for non-members: the voting
    # member's card, which they must not be able to submit)
    world = Committee(evaluation_status=state)
    owner = world.member(role) or world.voter
    card = fill_card(owner, world.offer)
    ScoreCard.objects.filter(pk=card.pk).update(status=card_state)
    states, card_states, roles = CARD_EXPECTED

    if state in states and card_state in card_states and role in roles:
        submitted = services.card_submit(actor=actor(world, role), application=world.offer)
        assert submitted.pk == card.pk
        card.refresh_from_db()
        assert card.status == CardStatus.SUBMITTED and card.submitted_at is not None
        assert [(c.transition, c.from_state, c.to_state) for c in status_changes(card)] == [
            ("submit", "draft", "submitted")
        ]
        return

    with pytest.raises(NotAllowed) as excinfo:
        services.card_submit(actor=actor(world, role), application=world.offer)
    assert str(excinfo.value.message).strip()
    card.refresh_from_db()
    assert card.status == card_state
    assert not status_changes(card).exists()


def test_the_excluded_member_is_refused_for_the_offer_they_are_excluded_from_only():
    # given a member excluded from the first offer (member of its organisation), scoring open
    world = Committee(evaluation_status="scoring")
    fill_card(world.excluded, world.other)
    # then they submit their card for the other offer
    services.card_submit(actor=world.excluded.user, application=world.other)
    # but they can neither save nor submit one for the offer they are excluded from
    with pytest.raises(NotAllowed):
        services.card_save(actor=world.excluded.user, application=world.offer, scores={})
    with pytest.raises(NotAllowed):
        services.card_submit(actor=world.excluded.user, application=world.offer)
    assert not ScoreCard.objects.filter(member=world.excluded, application=world.offer).exists()
