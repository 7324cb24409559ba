"""Scoring cards (points within each criterion's maximum, a justification each, drafts kept as typed,
submitted cards frozen), the chair's progress view without points, closing the scoring, and the
reminders before the decision date."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from applications.models import Application
from core.errors import DomainError, NotAllowed
from evaluation import rules, services
from evaluation.enums import CardStatus
from evaluation.models import Evaluation, Score, ScoreCard
from evaluation.tasks import remind_scoring
from notifications.models import OutboxMessage
from tests.calls.helpers import WARSAW, status_changes
from tests.clients import html_client
from tests.evaluation.committee_world import Committee, fill_card, full_scores

pytestmark = pytest.mark.django_db


def pl(message):
    with translation.override("pl"):
        return escape(gettext(str(message)))


def page(response):
    return response.content.decode()


@pytest.fixture
def world():
    return Committee(evaluation_status="scoring")


def criteria(world):
    return list(world.call.criteria.all())


def form_data(world, values, action="save", remarks=""):
    """The card form's POST body: ``values`` = {criterion: (points, justification)}."""
    data = {"action": action, "remarks": remarks}
    for criterion in criteria(world):
        points, justification = values.get(criterion, ("", ""))
        data[f"points_{criterion.pk}"] = points
        data[f"justification_{criterion.pk}"] = justification
    return data


# --- Saving a draft ----------------------------------------------------------------------------------


def test_a_draft_keeps_blank_points_and_accepts_a_decimal_comma(world):
    first, second, *_ = criteria(world)
    card = services.card_save(
        actor=world.voter.user,
        application=world.offer,
        scores={first.pk: ("7,5", "Dobre doświadczenie."), second.pk: ("", "Do uzupełnienia")},
        remarks="Uwagi ogólne",
    )
    assert card.status == CardStatus.DRAFT and card.remarks == "Uwagi ogólne"
    scores = {s.criterion_id: s for s in card.scores.all()}
    assert scores[first.pk].points == Decimal("7.50")
    assert scores[second.pk].points is None and scores[second.pk].justification == "Do uzupełnienia"
    # saving again changes the same card
    services.card_save(actor=world.voter.user, application=world.offer, scores={first.pk: ("3", "Inaczej.")})
    assert ScoreCard.objects.count() == 1
    assert Score.objects.get(card=card, criterion=first).points == Decimal("3")


@pytest.mark.parametrize("typed", ["abc", "-1", "1e3", "1,2,3", "NaN", "Infinity", "2,555", "1000"])
def test_malformed_or_out_of_range_points_are_refused_and_nothing_is_stored(world, typed):
    first = criteria(world)[0]
    with pytest.raises(DomainError) as excinfo:
        services.card_save(actor=world.voter.user, application=world.offer, scores={first.pk: (typed, "x")})
    assert list(excinfo.value.errors) == [f"points_{first.pk}"]
    assert not ScoreCard.objects.exists()


def test_the_maximum_itself_is_accepted(world):
    first = criteria(world)[0]
    card = services.card_save(
        actor=world.voter.user, application=world.offer, scores={first.pk: (str(first.max_points), "Pełna liczba.")}
    )
    assert card.scores.get().points == first.max_points


def test_the_card_page_refuses_with_400_and_keeps_everything_typed(world):
    first, second, *_ = criteria(world)
    client = html_client(world.voter.user)
    data = form_data(
        world,
        {first: ("dużo", "Uzasadnienie, które zostaje <b>"), second: ("999", "Drugie uzasadnienie")},
        remarks="Uwagi zostają",
    )
    response = client.post(f"/evaluation/offers/{world.offer.pk}/card/", data)
    assert response.status_code == 400
    text = page(response)
    assert 'value="dużo"' in text and 'value="999"' in text
    assert escape("Uzasadnienie, które zostaje <b>") in text and "Drugie uzasadnienie" in text
    assert "Uwagi zostają" in text
    assert not ScoreCard.objects.exists()


def test_the_card_page_saves_a_draft_and_shows_it_again(world):
    first = criteria(world)[0]
    client = html_client(world.voter.user)
    response = client.post(
        f"/evaluation/offers/{world.offer.pk}/card/", form_data(world, {first: ("4,25", "Solidny zespół.")})
    )
    assert response.status_code == 302
    text = page(client.get(f"/evaluation/offers/{world.offer.pk}/card/"))
    assert 'value="4,25"' in text and "Solidny zespół." in text
    # the member's list shows the draft
    listing = page(client.get(f"/evaluation/calls/{world.call.pk}/"))
    with translation.override("pl"):
        assert escape(translation.pgettext("scoring card status", "draft")) in listing


# --- Submitting ---------------------------------------------------------------------------------------


def test_a_card_is_submitted_only_complete_and_the_refusal_lists_what_is_missing(world):
    first, second, *rest = criteria(world)
    scores = full_scores(world.call)
    scores[first.pk] = ("", "Bez punktów")
    scores[second.pk] = ("3", "   ")
    services.card_save(actor=world.voter.user, application=world.offer, scores=scores)
    with pytest.raises(DomainError) as excinfo:
        services.card_submit(actor=world.voter.user, application=world.offer)
    assert excinfo.value.code == "card_incomplete"
    assert set(excinfo.value.errors) == {f"points_{first.pk}", f"justification_{second.pk}"}
    assert first.name in excinfo.value.errors[f"points_{first.pk}"][0]
    assert ScoreCard.objects.get().status == CardStatus.DRAFT

    services.card_save(actor=world.voter.user, application=world.offer, scores=full_scores(world.call))
    card = services.card_submit(actor=world.voter.user, application=world.offer)
    assert card.status == CardStatus.SUBMITTED


def test_submitting_from_the_page_saves_the_draft_and_lists_what_is_missing(world):
    first, *_ = criteria(world)
    client = html_client(world.voter.user)
    response = client.post(
        f"/evaluation/offers/{world.offer.pk}/card/", form_data(world, {first: ("5", "Jedno uzasadnienie")}, "submit")
    )
    assert response.status_code == 400
    card = ScoreCard.objects.get()
    assert card.status == CardStatus.DRAFT and card.scores.get(criterion=first).points == 5
    text = page(response)
    for criterion in criteria(world)[1:]:
        assert escape(criterion.name) in text
    # complete it and submit: the card is then shown read-only and cannot be posted to
    values = {c: ("2", "Uzasadnienie") for c in criteria(world)}
    response = client.post(f"/evaluation/offers/{world.offer.pk}/card/", form_data(world, values, "submit"))
    assert response.status_code == 302
    card.refresh_from_db()
    assert card.status == CardStatus.SUBMITTED
    text = page(client.get(f"/evaluation/offers/{world.offer.pk}/card/"))
    assert "disabled" in text and 'name="action"' not in text
    response = client.post(f"/evaluation/offers/{world.offer.pk}/card/", form_data(world, {first: ("0", "x")}))
    assert response.status_code == 403
    assert card.scores.get(criterion=first).points == 2


def test_a_submitted_card_cannot_change(world):
    fill_card(world.voter, world.offer)
    services.card_submit(actor=world.voter.user, application=world.offer)
    with pytest.raises(NotAllowed):
        services.card_save(actor=world.voter.user, application=world.offer, scores=full_scores(world.call, "1"))
    assert set(Score.objects.values_list("points", flat=True)) == {Decimal("5")}


def test_an_expert_reads_but_does_not_score(world):
    client = html_client(world.expert.user)
    assert client.get(f"/evaluation/offers/{world.offer.pk}/").status_code == 200
    response = client.get(f"/evaluation/offers/{world.offer.pk}/card/")
    assert response.status_code == 403 and pl(rules.EXPERT) in page(response)
    with pytest.raises(NotAllowed):
        services.card_save(actor=world.expert.user, application=world.offer, scores=full_scores(world.call))


def test_no_card_before_the_scoring_opens():
    world = Committee()
    response = html_client(world.voter.user).get(f"/evaluation/offers/{world.offer.pk}/card/")
    assert response.status_code == 200 and 'name="action"' not in page(response)
    with pytest.raises(NotAllowed):
        services.card_save(actor=world.voter.user, application=world.offer, scores=full_scores(world.call))


# --- Progress: who scored what, no points ----------------------------------------------------------------


def test_the_chair_follows_progress_without_seeing_points(world):
    services.card_save(actor=world.voter.user, application=world.offer, scores=full_scores(world.call, "4,25"))
    fill_card(world.chair, world.offer, points="3.75")
    services.card_submit(actor=world.chair.user, application=world.offer)

    for client, path in [
        (html_client(world.chair.user), f"/evaluation/calls/{world.call.pk}/progress/"),
        (html_client(world.official), f"/panel/calls/{world.call.pk}/committee/"),
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        text = page(response)
        assert escape(world.offer.title) in text
        for shown in ["4,25", "4.25", "3,75", "3.75", "25,5", "22,5"]:
            assert shown not in text, (path, shown)
        with translation.override("pl"):
            assert escape(translation.pgettext("scoring card status", "submitted")) in text
            assert escape(gettext("excluded")) in text
            assert escape(gettext("declaration not signed")) in text

    for member in (world.voter, world.expert):
        response = html_client(member.user).get(f"/evaluation/calls/{world.call.pk}/progress/")
        assert response.status_code == 403


# --- Closing --------------------------------------------------------------------------------------------


def test_closing_with_cards_missing_warns_then_marks_the_offers_scored_and_leaves_drafts_as_drafts(world):
    fill_card(world.voter, world.offer)
    services.card_submit(actor=world.voter.user, application=world.offer)
    draft = fill_card(world.chair, world.offer)
    client = html_client(world.chair.user)
    response = client.get(f"/evaluation/calls/{world.call.pk}/close-scoring/")
    assert response.status_code == 200
    text = page(response)
    assert escape(str(world.chair)) in text and escape(world.other.title) in text

    response = client.post(f"/evaluation/calls/{world.call.pk}/close-scoring/")
    assert response.status_code == 302
    world.evaluation.refresh_from_db()
    assert world.evaluation.status == "closed"
    assert set(Application.objects.values_list("status", flat=True)) == {"scored"}
    draft.refresh_from_db()
    assert draft.status == CardStatus.DRAFT
    for application in Application.objects.all():
        (change,) = status_changes(application)
        assert (change.transition, change.actor) == ("mark_scored", world.chair.user)
    # the officials' committee page leads on to the ranking
    response = html_client(world.official).get(f"/panel/calls/{world.call.pk}/committee/")
    assert response.status_code == 200 and f"/panel/calls/{world.call.pk}/ranking/" in page(response)
    # after closing, the member's own cards are read-only
    text = page(html_client(world.voter.user).get(f"/evaluation/offers/{world.offer.pk}/card/"))
    assert "disabled" in text and 'name="action"' not in text


def test_the_missing_cards_leave_out_experts_and_exclusions(world):
    missing = {(m.pk, a.pk) for m, a in services.missing_cards(world.evaluation)}
    assert missing == {
        (world.chair.pk, world.offer.pk),
        (world.chair.pk, world.other.pk),
        (world.voter.pk, world.offer.pk),
        (world.voter.pk, world.other.pk),
        (world.excluded.pk, world.other.pk),  # not the offer they are excluded from
        (world.unsigned.pk, world.offer.pk),
        (world.unsigned.pk, world.other.pk),
    }


def test_a_member_who_is_not_the_chair_cannot_close(world):
    response = html_client(world.voter.user).post(f"/evaluation/calls/{world.call.pk}/close-scoring/")
    assert response.status_code == 403
    assert Evaluation.objects.get().status == "scoring"


# --- Reminders -----------------------------------------------------------------------------------------


def reminders():
    return {row.recipient: row for row in OutboxMessage.objects.filter(event="scoring_reminder")}


def at_noon(day):
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=WARSAW)


def test_reminders_go_to_those_who_still_have_to_sign_or_score_once_a_day(world):
    # given: the voter submitted both cards; the chair has one draft; the excluded member submitted the
    # card for the only offer they may score; the expert signed; one member has not signed
    for application in (world.offer, world.other):
        fill_card(world.voter, application)
        services.card_submit(actor=world.voter.user, application=application)
    fill_card(world.chair, world.offer)
    fill_card(world.excluded, world.other)
    services.card_submit(actor=world.excluded.user, application=world.other)
    decision_by = world.call.decision_by

    # four days before: nothing
    with time_machine.travel(at_noon(decision_by - datetime.timedelta(days=4)), tick=False):
        assert remind_scoring() == 0
    assert not reminders()

    # three days before: the chair (two offers without a submitted card) and the unsigned member
    with time_machine.travel(at_noon(decision_by - datetime.timedelta(days=3)), tick=False):
        assert remind_scoring() == 2
        assert remind_scoring() == 0  # the same day again: nothing new
    sent = reminders()
    assert set(sent) == {world.chair.user.email, world.unsigned.user.email}
    assert world.call.title in sent[world.chair.user.email].subject
    assert f"/evaluation/calls/{world.call.pk}/" in sent[world.chair.user.email].body_text

    # the next day: once more for each
    with time_machine.travel(at_noon(decision_by - datetime.timedelta(days=2)), tick=False):
        assert remind_scoring() == 2
    assert OutboxMessage.objects.filter(event="scoring_reminder").count() == 4

    # after the decision date: nothing
    with time_machine.travel(at_noon(decision_by + datetime.timedelta(days=1)), tick=False):
        assert remind_scoring() == 0


def test_before_the_scoring_opens_only_unsigned_members_are_reminded():
    world = Committee()
    with time_machine.travel(at_noon(world.call.decision_by), tick=False):
        assert remind_scoring() == 1
    assert set(reminders()) == {world.unsigned.user.email}


def test_no_reminder_once_the_scoring_closed(world):
    Evaluation.objects.filter(pk=world.evaluation.pk).update(status="closed", scoring_closed_at=timezone.now())
    with time_machine.travel(at_noon(world.call.decision_by), tick=False):
        assert remind_scoring() == 0


def test_the_reminder_task_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "evaluation.tasks.remind_scoring" in tasks
