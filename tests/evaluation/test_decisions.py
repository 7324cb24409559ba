"""The approver's decisions: within the call's funds whatever the order, never above the request, with a
reason; only the approver, only while scoring is closed and the results unpublished; the decisions page."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import DomainError, InvalidState, NotAllowed
from core.transitions import history
from evaluation.decisions import awards_total, decision_prepare
from evaluation.enums import EvaluationStatus
from evaluation.models import Decision, Evaluation
from tests.clients import html_client
from tests.evaluation.results_world import Scored, seat
from tests.factories import make_ngo_member

D = Decimal


def prepare(world, application, amount=None, *, awarded=True, actor=None, reason="Oferta spełnia kryteria."):
    return decision_prepare(
        actor=actor or world.approver, application=application, awarded=awarded, amount=amount, reason=reason
    )


def refusal(callable_, *args, **kwargs):
    with pytest.raises(DomainError) as caught:
        callable_(*args, **kwargs)
    return caught.value


@pytest.fixture
def world(db):
    world = Scored(funds=D("10000.00"), min_score=D("20"))
    world.add("6000.00", [40, 42, 41])
    world.add("5000.00", [35, 35, 36])
    world.add("3000.00", [10, 12, 11])  # below the minimum score
    return world


# --- The service -----------------------------------------------------------------------------------


def test_the_approver_prepares_replaces_and_refuses_decisions_each_with_a_reason(world):
    first, second, _low = world.offers
    decision = prepare(world, first, D("6000.00"))
    assert (decision.awarded, decision.amount, decision.published_at) == (True, D("6000.00"), None)
    assert decision.prepared_by == world.approver

    replaced = prepare(world, first, "5 500,50", reason="Koszty częściowo zawyżone.")
    assert Decision.objects.filter(application=first).count() == 1
    assert (replaced.amount, replaced.reason) == (D("5500.50"), "Koszty częściowo zawyżone.")

    refused = prepare(world, second, awarded=False, reason="Niższa ocena merytoryczna.")
    assert (refused.awarded, refused.amount) == (False, None)
    # on the evaluation's record (not on the offer's history the organisation sees before publication)
    assert [c.transition for c in history(world.evaluation)] == ["decision_prepared"] * 3
    assert not history(first)


@pytest.mark.parametrize(
    ("amount", "field"),
    [
        ("6000.01", "amount"),  # one grosz above the request
        ("0", "amount"),
        ("-5", "amount"),
        ("100.001", "amount"),
        ("dużo", "amount"),
        (None, "amount"),
    ],
)
def test_an_award_must_be_above_zero_to_the_grosz_and_at_most_the_grant_requested(world, amount, field):
    error = refusal(prepare, world, world.offers[0], amount)
    assert field in error.errors
    assert not Decision.objects.exists()


def test_a_reason_is_required(world):
    error = refusal(prepare, world, world.offers[0], D("100"), reason="   ")
    assert "reason" in error.errors
    error = refusal(prepare, world, world.offers[0], awarded=False, reason="")
    assert "reason" in error.errors


def test_awards_beyond_the_calls_funds_are_refused_saying_what_is_left(world):
    first, second, _low = world.offers
    prepare(world, first, D("6000.00"))
    error = refusal(prepare, world, second, D("4000.01"))
    assert "4\u00a0000,00\u00a0zł" in error.errors["amount"][0]
    assert prepare(world, second, D("4000.00")).amount == D("4000.00")  # exactly the funds: fine
    assert awards_total(world.call) == D("10000.00")
    # lowering the first award frees funds for a higher second one
    prepare(world, first, D("5000.00"))
    assert prepare(world, second, D("5000.00")).amount == D("5000.00")


def test_an_offer_below_the_minimum_score_or_without_a_result_cannot_be_awarded_but_can_be_refused(world):
    low = world.offers[2]
    error = refusal(prepare, world, low, D("100"))
    assert "awarded" in error.errors
    unscored = world.add("1000.00", [])
    assert "awarded" in refusal(prepare, world, unscored, D("100")).errors
    assert not prepare(world, low, awarded=False, reason="Poniżej progu punktowego.").awarded


@pytest.mark.parametrize("role", ["official", "ngo_member", "committee_member"])
def test_only_the_approver_decides(world, role):
    actor = {
        "official": world.official,
        "ngo_member": make_ngo_member(),
        "committee_member": world.members[0].user,
    }[role]
    with pytest.raises(NotAllowed):
        prepare(world, world.offers[0], D("100"), actor=actor)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("status", [EvaluationStatus.PREPARING, EvaluationStatus.SCORING, EvaluationStatus.PUBLISHED])
def test_decisions_are_prepared_only_between_closing_the_scoring_and_publishing(db, status):
    world = Scored(status=status)
    application = world.add("1000.00", [40])
    with pytest.raises(NotAllowed):
        prepare(world, application, D("1000"))


def test_an_offer_that_was_not_scored_gets_no_decision(world):
    accepted = world.add("1000.00", [40], status="formally_accepted")
    with pytest.raises(InvalidState):
        prepare(world, accepted, D("1000"))


# --- Whatever the order of decisions ---------------------------------------------------------------


@pytest.fixture
def budget_world(db):
    world = Scored(funds=D("10000.00"))
    for requested in ("6000.00", "4500.00", "3000.00", "2500.50"):
        world.add(requested, [40, 40, 40])
    return world


attempts = st.lists(
    st.tuples(
        st.integers(0, 3),  # which offer
        st.booleans(),  # award or not
        st.integers(-100, 800_000).map(lambda grosze: D(grosze) / 100),  # amount
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts)
def test_the_sum_of_awards_never_exceeds_the_funds_nor_any_award_the_request_whatever_the_order(budget_world, sequence):
    world = budget_world
    funds = world.call.funds
    with transaction.atomic():
        for index, awarded, amount in sequence:
            application = world.offers[index]
            before = {d.application_id: d.amount for d in Decision.objects.filter(awarded=True)}
            others = sum((v for k, v in before.items() if k != application.pk), D(0))
            fits = amount > 0 and amount <= application.requested_amount and others + amount <= funds
            try:
                prepare(world, application, amount, awarded=awarded)
            except DomainError:
                assert awarded and not fits, "a decision within the rules was refused"
            else:
                assert not awarded or fits, "a decision breaking the rules was accepted"
            awards = list(Decision.objects.filter(awarded=True).select_related("application"))
            assert sum((d.amount for d in awards), D(0)) <= funds
            assert all(d.amount <= d.application.requested_amount for d in awards)
        transaction.set_rollback(True)


@pytest.mark.django_db(transaction=True)
def test_two_decisions_made_at_the_same_moment_cannot_exceed_the_funds():
    world = Scored(funds=D("10000.00"))
    first = world.add("7000.00", [40])
    second = world.add("7000.00", [40])
    barrier = threading.Barrier(2)
    outcomes = []

    def decide(application):
        try:
            barrier.wait(timeout=10)
            prepare(world, application, D("7000.00"))
            outcomes.append("saved")
        except DomainError as error:
            outcomes.append(error.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(a,)) for a in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["decision_invalid", "saved"]
    assert awards_total(world.call) == D("7000.00")


# --- The decisions page ----------------------------------------------------------------------------


def test_the_decisions_page_prefills_the_proposals_and_shows_the_remaining_budget(world):
    page = html_client(world.approver).get(f"/panel/calls/{world.call.pk}/decisions/")
    assert page.status_code == 200
    html = page.content.decode()
    first, second, _low = world.offers
    assert f'name="offer-{first.pk}-amount" value="6000,00"' in html
    assert f'name="offer-{second.pk}-amount" value="4000,00"' in html  # the partial proposal
    assert "10\u00a0000,00\u00a0zł" in html  # remaining: nothing decided yet


def test_the_approver_saves_a_decision_from_the_page_and_a_refusal_keeps_what_was_typed(world):
    client = html_client(world.approver)
    first = world.offers[0]
    url = f"/panel/calls/{world.call.pk}/decisions/"
    data = {
        "application": first.pk,
        f"offer-{first.pk}-awarded": "award",
        f"offer-{first.pk}-amount": "6 000,01",
        f"offer-{first.pk}-reason": "Dobra oferta.",
    }
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "6 000,01" in refused.content.decode()
    assert not Decision.objects.exists()

    data[f"offer-{first.pk}-amount"] = "5 000,00"
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert Decision.objects.get(application=first).amount == D("5000.00")
    assert "5\u00a0000,00\u00a0zł" in client.get(url).content.decode()  # remaining


def test_an_official_sees_the_decisions_page_but_cannot_decide(world):
    client = html_client(world.official)
    url = f"/panel/calls/{world.call.pk}/decisions/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="application"' not in page.content.decode()
    first = world.offers[0]
    response = client.post(
        url,
        {
            "application": first.pk,
            f"offer-{first.pk}-awarded": "award",
            f"offer-{first.pk}-amount": "100",
            f"offer-{first.pk}-reason": "x",
        },
    )
    assert response.status_code == 403
    assert not Decision.objects.exists()


@pytest.mark.parametrize("who", ["anonymous", "ngo_member", "signed_committee_member"])
def test_the_decisions_page_is_closed_to_everyone_but_officials_and_the_approver(world, who):
    user = {"anonymous": None, "ngo_member": make_ngo_member(), "signed_committee_member": world.members[0].user}[who]
    for url in (f"/panel/calls/{world.call.pk}/decisions/", f"/panel/calls/{world.call.pk}/decisions/publish/"):
        response = html_client(user).get(url)
        if user is None:
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 403


def test_a_member_of_another_calls_committee_sees_nothing_of_this_call(world):
    other = Scored()
    member = seat(other.evaluation)
    response = html_client(member.user).get(f"/panel/calls/{world.call.pk}/ranking/")
    assert response.status_code == 403
    assert Evaluation.objects.get(pk=world.evaluation.pk).protocol_document_id is None


@pytest.mark.parametrize("status", [EvaluationStatus.PREPARING, EvaluationStatus.SCORING])
def test_the_decisions_pages_show_no_result_before_scoring_closes(db, status):
    world = Scored(status=status)
    world.add("1000.00", [40], title="Oferta w ocenie")
    for user, url in (
        (world.official, f"/panel/calls/{world.call.pk}/decisions/"),
        (world.approver, f"/panel/calls/{world.call.pk}/decisions/"),
        (world.approver, f"/panel/calls/{world.call.pk}/decisions/publish/"),
    ):
        response = html_client(user).get(url)
        assert response.status_code == 403
        assert "Oferta w ocenie" not in response.content.decode()
