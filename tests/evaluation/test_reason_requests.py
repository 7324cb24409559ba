"""Reasons on request: anyone asks why an offer was chosen or not once the results are published; an
official (or the approver) answers from the stored scores and reasons; the answer is e-mailed and recorded."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType

from core.errors import DomainError, InvalidState, NotAllowed
from core.models import StatusChange
from evaluation.decisions import (
    decision_prepare,
    reason_answer_draft,
    reason_request_answer,
    reason_request_create,
    results_publish,
)
from evaluation.models import ReasonRequest
from notifications.models import OutboxMessage
from tests.clients import html_client
from tests.evaluation.results_world import Scored
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db

D = Decimal


def published_world(publish=True):
    world = Scored(funds=D("5000.00"))
    chosen = world.add("5000.00", [40, 42, 44], title="Półkolonie")
    rejected = world.add("3000.00", [20, 22, 24], title="Festyn")
    decision_prepare(
        actor=world.approver, application=chosen, awarded=True, amount=D("5000"), reason="Najlepsza oferta."
    )
    decision_prepare(
        actor=world.approver, application=rejected, awarded=False, reason="Środki wyczerpane przez ofertę wyżej."
    )
    if publish:
        results_publish(actor=world.approver, evaluation=world.evaluation)
        OutboxMessage.objects.all().delete()
    return world


def ask(application, **overrides):
    data = {"name": "Jan Dziennikarz", "email": "jan@gazeta.example.org", "question": "Dlaczego odrzucono?"}
    return reason_request_create(application=application, **{**data, **overrides})


def test_anyone_asks_for_reasons_and_officials_are_told():
    world = published_world()
    request = ask(world.offers[1])
    assert ReasonRequest.objects.get() == request
    notices = OutboxMessage.objects.filter(event="reason_requested")
    assert [n.recipient for n in notices] == [world.official.email]
    assert "Jan Dziennikarz" in notices[0].body_text and "Dlaczego odrzucono?" in notices[0].body_text


def test_reasons_cannot_be_asked_before_the_results_are_published():
    world = published_world(publish=False)
    with pytest.raises(InvalidState):
        ask(world.offers[0])
    assert not ReasonRequest.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("name", " "), ("email", "nie-adres")])
def test_a_request_needs_a_name_and_an_e_mail_address(field, value):
    world = published_world()
    with pytest.raises(DomainError) as caught:
        ask(world.offers[0], **{field: value})
    assert field in caught.value.errors


def test_the_draft_answer_is_built_from_the_stored_scores_and_the_decisions_reason():
    world = published_world()
    draft = reason_answer_draft(ask(world.offers[1]))
    assert "Festyn" in draft and "nie została wybrana" in draft
    assert "22,00 pkt" in draft  # the result: mean of 20, 22 and 24
    criterion = world.call.criteria.first()
    assert criterion.name in draft
    assert f"Ocena: {criterion.name}" in draft  # a member's justification
    assert "Środki wyczerpane przez ofertę wyżej." in draft


@pytest.mark.parametrize("role", ["official", "approver"])
def test_an_official_or_the_approver_answers_and_the_answer_is_e_mailed_and_recorded(role):
    world = published_world()
    request = ask(world.offers[1])
    actor = world.official if role == "official" else world.approver

    answered = reason_request_answer(actor=actor, reason_request=request, answer="Oferta uzyskała 22 pkt.")

    assert (answered.answer, answered.answered_by) == ("Oferta uzyskała 22 pkt.", actor)
    assert answered.answered_at is not None
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(ReasonRequest), object_id=answered.pk
    )
    assert [(c.transition, c.actor) for c in changes] == [("answer", actor)]
    mail = OutboxMessage.objects.get(event="reason_answered")
    assert mail.recipient == "jan@gazeta.example.org"
    assert "Oferta uzyskała 22 pkt." in mail.body_text
    with pytest.raises(InvalidState):
        reason_request_answer(actor=actor, reason_request=request, answer="Jeszcze raz.")
    assert OutboxMessage.objects.filter(event="reason_answered").count() == 1


@pytest.mark.parametrize("who", ["anonymous", "ngo_member", "committee_member"])
def test_nobody_else_answers(who):
    world = published_world()
    request = ask(world.offers[0])
    actor = {"anonymous": AnonymousUser(), "ngo_member": make_ngo_member(), "committee_member": world.members[0].user}[
        who
    ]
    with pytest.raises(NotAllowed):
        reason_request_answer(actor=actor, reason_request=request, answer="Odpowiedź.")
    request.refresh_from_db()
    assert request.answered_at is None


def test_an_empty_answer_is_refused():
    world = published_world()
    with pytest.raises(DomainError) as caught:
        reason_request_answer(actor=world.official, reason_request=ask(world.offers[0]), answer="  ")
    assert "answer" in caught.value.errors


# --- Pages -----------------------------------------------------------------------------------------------


def test_an_anonymous_visitor_asks_from_the_results_page_and_an_official_answers_from_the_panel():
    world = published_world()
    rejected = world.offers[1]
    visitor = html_client(None)
    form = visitor.get(f"/calls/{world.call.pk}/results/reasons/?offer={rejected.pk}")
    assert form.status_code == 200
    assert f'<option value="{rejected.pk}" selected>' in form.content.decode()
    refused = visitor.post(f"/calls/{world.call.pk}/results/reasons/", {"offer": rejected.pk, "name": "", "email": "x"})
    assert refused.status_code == 400
    sent = visitor.post(
        f"/calls/{world.call.pk}/results/reasons/",
        {
            "offer": rejected.pk,
            "name": "Anna Mieszkanka",
            "email": "anna@example.net",
            "question": "Proszę o uzasadnienie.",
        },
    )
    assert sent.status_code == 302 and sent["Location"] == f"/calls/{world.call.pk}/results/"
    request = ReasonRequest.objects.get()
    assert (request.application, request.requester_name) == (rejected, "Anna Mieszkanka")

    official = html_client(world.official)
    listing = official.get("/panel/reason-requests/").content.decode()
    assert "Anna Mieszkanka" in listing and f"/panel/reason-requests/{request.pk}/" in listing
    page = official.get(f"/panel/reason-requests/{request.pk}/").content.decode()
    assert "Środki wyczerpane przez ofertę wyżej." in page  # the prefilled draft
    done = official.post(f"/panel/reason-requests/{request.pk}/", {"answer": "Uzasadnienie: 22 pkt."})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.answer == "Uzasadnienie: 22 pkt." and request.answered_by == world.official
    assert official.post(f"/panel/reason-requests/{request.pk}/", {"answer": "Znowu"}).status_code == 409


def test_the_request_form_does_not_exist_before_publication():
    world = published_world(publish=False)
    assert html_client(None).get(f"/calls/{world.call.pk}/results/reasons/").status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "ngo_member"])
def test_the_requests_are_for_officials_and_the_approver_only(who):
    world = published_world()
    request = ask(world.offers[0])
    user = None if who == "anonymous" else make_ngo_member()
    for url in ("/panel/reason-requests/", f"/panel/reason-requests/{request.pk}/"):
        response = html_client(user).get(url)
        assert response.status_code == (302 if user is None else 403)
        assert "Jan Dziennikarz" not in response.content.decode()
    assert html_client(world.approver).get(f"/panel/reason-requests/{request.pk}/").status_code == 200


# --- The 30-day window (art. 15 ust. 2j) and the per-address limit -------------------------------------


def _published_on(world):
    from django.utils import timezone

    world.evaluation.refresh_from_db()
    return timezone.localdate(world.evaluation.published_at)


def _at_local(day, hour, minute=0):
    import datetime

    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_reasons_can_be_asked_on_the_thirtieth_day_after_the_results_and_not_after():
    import datetime

    import time_machine

    world = published_world()
    last_day = _published_on(world) + datetime.timedelta(days=30)
    with time_machine.travel(_at_local(last_day, 23, 59), tick=False):
        assert ask(world.offers[0]).pk
    with time_machine.travel(_at_local(last_day + datetime.timedelta(days=1), 0, 0), tick=False):
        with pytest.raises(InvalidState) as refused:
            ask(world.offers[1])
    assert last_day.strftime("%d.%m.%Y") in str(refused.value)
    assert ReasonRequest.objects.count() == 1


def test_the_window_follows_the_legal_parameter_in_force_on_the_day_of_the_results():
    import datetime

    import time_machine

    from core.models import LegalParameter

    world = published_world()
    published_on = _published_on(world)
    LegalParameter.objects.create(key="reasons_request_days", value=D("14"), effective_from=published_on)
    with time_machine.travel(_at_local(published_on + datetime.timedelta(days=15), 12), tick=False):
        with pytest.raises(InvalidState):
            ask(world.offers[0])


def test_the_request_page_says_until_when_and_hides_the_form_afterwards():
    import datetime

    import time_machine
    from django.test import Client

    world = published_world()
    call = world.evaluation.call
    last_day = _published_on(world) + datetime.timedelta(days=30)
    url = f"/calls/{call.pk}/results/reasons/"
    open_page = Client().get(url).content.decode()
    assert last_day.strftime("%Y") in open_page and "<form" in open_page.split("<main", 1)[-1]
    with time_machine.travel(_at_local(last_day + datetime.timedelta(days=2), 9), tick=False):
        response = Client().get(url)
        closed_page = response.content.decode().split("<main", 1)[-1]
    assert response.status_code == 200
    assert 'name="email"' not in closed_page


def test_one_address_cannot_send_more_than_the_days_limit():
    from evaluation.decisions.reasons import REQUESTS_PER_ADDRESS_PER_DAY

    world = published_world()
    for _ in range(REQUESTS_PER_ADDRESS_PER_DAY):
        ask(world.offers[0])
    with pytest.raises(DomainError) as refused:
        ask(world.offers[1], email="JAN@gazeta.example.org")
    assert refused.value.code == "too_many_requests"
    assert ReasonRequest.objects.count() == REQUESTS_PER_ADDRESS_PER_DAY
    assert ask(world.offers[1], email="inna@gazeta.example.org").pk
