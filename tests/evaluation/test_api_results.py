"""Decisions, publication, public results and requests for reasons through the API.

The world: a call (funds 50 000 zł) whose committee has scored two offers — the first asked for
30 000 zł, the second for 40 000 zł — and closed the scoring.
"""

from decimal import Decimal

import pytest

from applications.models import Application
from calls.models import Call
from evaluation import services
from evaluation.models import Decision, Evaluation, ReasonRequest
from notifications.models import OutboxMessage
from tests.clients import api_client
from tests.evaluation.committee_world import Committee, full_scores
from tests.factories import MediaOutletFactory

pytestmark = pytest.mark.django_db


def base(world):
    return f"/api/v1/evaluations/{world.evaluation.pk}/"


def closed_world():
    world = Committee(evaluation_status="scoring")
    Application.objects.filter(pk=world.offer.pk).update(requested_amount=Decimal("30000.00"))
    Application.objects.filter(pk=world.other.pk).update(requested_amount=Decimal("40000.00"))
    for member, application, points in (
        (world.voter, world.offer, "5"),
        (world.chair, world.offer, "4"),
        (world.voter, world.other, "3"),
        (world.chair, world.other, "3"),
    ):
        services.card_save(actor=member.user, application=application, scores=full_scores(world.call, points))
        services.card_submit(actor=member.user, application=application)
    services.scoring_close(actor=world.official, evaluation=world.evaluation)
    world.evaluation.refresh_from_db()
    return world


def decide(world, user, application, awarded=True, amount=None, reason="Wysoka ocena komisji."):
    body = {"application": application.pk, "awarded": awarded, "reason": reason}
    if amount is not None:
        body["amount"] = amount
    return api_client(user).post(base(world) + "decisions/", body, format="json")


def published_world():
    world = closed_world()
    assert decide(world, world.approver, world.offer, amount="30000.00").status_code == 201
    assert decide(world, world.approver, world.other, amount="20000.00").status_code == 201
    response = api_client(world.approver).post(base(world) + "publish/")
    assert response.status_code == 200, response.json()
    return world


# --- Decisions ----------------------------------------------------------------------------------------------


def test_the_approver_prepares_decisions_and_the_budget_check_refuses_an_over_budget_award():
    world = closed_world()
    # the first offer is awarded in full
    first = decide(world, world.approver, world.offer, amount="30000.00")
    assert first.status_code == 201, first.json()
    assert first.json()["awarded"] is True and Decimal(first.json()["amount"]) == Decimal("30000.00")
    # the second, in full, would exceed the call's funds (20 000 zł left): refused, with what is left
    over = decide(world, world.approver, world.other, amount="40000.00")
    assert over.status_code == 400 and over.json()["code"] == "decision_invalid"
    assert "20 000,00" in over.json()["errors"]["amount"][0].replace("\xa0", " ")
    # more than it asked for is refused too
    above = decide(world, world.approver, world.other, amount="40000.01")
    assert above.status_code == 400 and "amount" in above.json()["errors"]
    assert not Decision.objects.filter(application=world.other).exists()
    # what is left is awarded (a partial award)
    partial = decide(world, world.approver, world.other, amount="20000.00")
    assert partial.status_code == 201
    # a decision is replaced until publication (200), and is always given a reason
    replaced = decide(world, world.approver, world.offer, amount="25000.00")
    assert replaced.status_code == 200 and Decimal(replaced.json()["amount"]) == Decimal("25000.00")
    no_reason = decide(world, world.approver, world.offer, awarded=False, reason="  ")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    # officials and the approver list them
    for user in (world.approver, world.official):
        listed = api_client(user).get(base(world) + "decisions/").json()
        assert {d["application"] for d in listed} == {world.offer.pk, world.other.pk}
    assert sum(d.amount for d in Decision.objects.filter(awarded=True)) <= world.call.funds


@pytest.mark.parametrize(
    "body",
    [
        {"application": "abc", "awarded": True, "amount": "1", "reason": "x"},
        {"application": 10**30, "awarded": True, "amount": "1", "reason": "x"},
        {"application": "OFFER", "awarded": "maybe", "reason": "x"},
        {"application": "OFFER", "awarded": True, "amount": "dużo", "reason": "x"},
        {"application": "OFFER", "awarded": True, "amount": "1.001", "reason": "x"},
        {"application": "OFFER", "awarded": True, "amount": "-5", "reason": "x"},
        {"application": "OFFER", "awarded": True, "reason": "x"},
        {"application": "OFFER", "awarded": True, "amount": "1e40", "reason": "x"},
        {"application": "OFFER", "awarded": True, "amount": [1], "reason": "x"},
        {"application": "ELSEWHERE", "awarded": False, "reason": "x"},
        {"awarded": False},
        [1, 2],
    ],
)
def test_a_decision_with_nonsense_is_a_400_and_nothing_is_stored(body):
    world = closed_world()
    elsewhere = Committee()
    if isinstance(body, dict):
        body = {
            k: {"OFFER": world.offer.pk, "ELSEWHERE": elsewhere.offer.pk}.get(v, v) if isinstance(v, str) else v
            for k, v in body.items()
        }
    response = api_client(world.approver).post(base(world) + "decisions/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["message"]
    assert not Decision.objects.exists()


def test_only_the_approver_decides_and_only_once_scoring_has_closed():
    world = closed_world()
    for user in (world.official, world.chair.user, world.voter.user):
        response = decide(world, user, world.offer, amount="100.00")
        assert response.status_code == 403 and response.json()["message"], user
    assert decide(world, world.ngo_member, world.offer, amount="100.00").status_code == 404
    assert decide(world, None, world.offer, amount="100.00").status_code == 404
    # the prepared decisions are not shown to the committee, nor to anyone outside
    assert api_client(world.voter.user).get(base(world) + "decisions/").status_code == 403
    assert api_client(world.ngo_member).get(base(world) + "decisions/").status_code == 404
    # while scoring is open the approver cannot decide yet
    scoring = Committee(evaluation_status="scoring")
    early = decide(scoring, scoring.approver, scoring.offer, amount="100.00")
    assert early.status_code == 403 and "po zakończeniu oceny" in early.json()["message"]
    assert not Decision.objects.exists()


# --- Publication --------------------------------------------------------------------------------------------


def test_the_approver_publishes_once_and_nothing_is_sent_twice():
    world = closed_world()
    # press notes sent at publication (without a review: see tests/notifications/test_press_notes.py)
    Call.objects.filter(pk=world.call.pk).update(press_notes_automatic=True)
    outlets = [MediaOutletFactory(), MediaOutletFactory()]
    decide(world, world.approver, world.offer, amount="30000.00")
    # publishing before every scored offer has a decision is refused, listing the missing ones
    missing = api_client(world.approver).post(base(world) + "publish/")
    assert missing.status_code == 400 and missing.json()["code"] == "decisions_missing"
    decide(world, world.approver, world.other, awarded=False, reason="Za mało punktów.")
    # an official may not publish
    assert api_client(world.official).post(base(world) + "publish/").status_code == 403
    # the approver publishes
    response = api_client(world.approver).post(base(world) + "publish/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "published" and response.json()["published_at"]
    statuses = dict(Application.objects.filter(call=world.call).values_list("pk", "status"))
    assert statuses == {world.offer.pk: "awarded", world.other.pk: "not_awarded"}
    outcomes = OutboxMessage.objects.filter(event="results_outcome")
    assert sorted(outcomes.values_list("recipient", flat=True)) == sorted(
        [world.offer.organisation.email, world.other.organisation.email]
    )
    press = OutboxMessage.objects.filter(event="results_published")
    assert sorted(press.values_list("recipient", flat=True)) == sorted(o.email for o in outlets)
    sent = OutboxMessage.objects.count()
    # publishing again is refused and writes nothing
    again = api_client(world.approver).post(base(world) + "publish/")
    assert again.status_code == 409 and again.json()["message"]
    assert OutboxMessage.objects.count() == sent
    # and decisions can no longer change
    late = decide(world, world.approver, world.other, amount="100.00")
    assert late.status_code == 403
    assert Decision.objects.get(application=world.other).awarded is False


def test_the_published_results_are_public_and_unpublished_ones_are_not():
    world = closed_world()
    client = api_client()
    # before publication nothing is shown
    assert client.get(f"/api/v1/results/{world.call.pk}/").status_code == 404
    assert world.call.pk not in [r["call"] for r in client.get("/api/v1/results/").json()["results"]]
    decide(world, world.approver, world.offer, amount="30000.00")
    decide(world, world.approver, world.other, amount="20000.00")
    api_client(world.approver).post(base(world) + "publish/")
    # after it, anyone reads who got how much, and the results PDF
    body = client.get(f"/api/v1/results/{world.call.pk}/").json()
    assert Decimal(body["awarded_total"]) == Decimal("50000.00")
    assert {(r["application"], Decimal(r["amount"])) for r in body["awarded"]} == {
        (world.offer.pk, Decimal("30000.00")),
        (world.other.pk, Decimal("20000.00")),
    }
    assert body["not_chosen"] == []
    assert "reason" not in str(body)  # the reasons go to the applicants, not to the public list
    listed = client.get("/api/v1/results/", {"call": world.call.pk}).json()["results"]
    assert [r["call"] for r in listed] == [world.call.pk]
    pdf = client.get(f"/api/v1/results/{world.call.pk}/results_pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["X-Content-SHA256"] == body["results_sha256"]
    # the protocol is for those who may see scores: a signed member, officials; not the public
    assert api_client(world.voter.user).get(base(world) + "protocol_pdf/").status_code == 200
    assert client.get(base(world) + "protocol_pdf/").status_code == 404
    assert client.get("/api/v1/results/abc/").status_code == 404
    assert client.get(f"/api/v1/results/{10**30}/").status_code == 404


# --- Requests for reasons -----------------------------------------------------------------------------------


def test_anyone_asks_for_reasons_and_an_official_answers_once():
    world = published_world()
    # an anonymous visitor asks about the second offer
    asked = api_client().post(
        "/api/v1/reason-requests/",
        {"application": world.other.pk, "name": "Jan Nowak", "email": "jan@example.org", "question": "Dlaczego?"},
        format="json",
    )
    assert asked.status_code == 201, asked.json()
    assert set(asked.json()) == {"id", "application", "submitted_at"}
    request_id = asked.json()["id"]
    # the requests are listed to officials, not to anyone else
    listed = api_client(world.official).get("/api/v1/reason-requests/").json()["results"]
    assert [r["id"] for r in listed] == [request_id] and listed[0]["requester_email"] == "jan@example.org"
    for user in (None, world.ngo_member, world.voter.user):
        assert api_client(user).get("/api/v1/reason-requests/").status_code == 403
        assert api_client(user).get(f"/api/v1/reason-requests/{request_id}/").status_code == 404
        assert (
            api_client(user)
            .post(f"/api/v1/reason-requests/{request_id}/answer/", {"answer": "x"}, format="json")
            .status_code
            == 404
        )
    # the official reads a draft from the stored scores, then answers
    draft = api_client(world.official).get(f"/api/v1/reason-requests/{request_id}/draft/")
    assert draft.status_code == 200 and draft.json()["draft"]
    empty = api_client(world.official).post(
        f"/api/v1/reason-requests/{request_id}/answer/", {"answer": " "}, format="json"
    )
    assert empty.status_code == 400 and "answer" in empty.json()["errors"]
    answered = api_client(world.official).post(
        f"/api/v1/reason-requests/{request_id}/answer/", {"answer": "Oferta uzyskała 18 pkt."}, format="json"
    )
    assert answered.status_code == 200 and answered.json()["answered_at"] and answered.json()["answered_by"]
    assert OutboxMessage.objects.filter(event="reason_answered", recipient="jan@example.org").count() == 1
    # answering twice is refused and sends nothing more
    again = api_client(world.official).post(
        f"/api/v1/reason-requests/{request_id}/answer/", {"answer": "Inaczej."}, format="json"
    )
    assert again.status_code == 409
    assert ReasonRequest.objects.get(pk=request_id).answer == "Oferta uzyskała 18 pkt."
    assert OutboxMessage.objects.filter(event="reason_answered").count() == 1


def test_reasons_are_requested_only_for_published_decisions_and_nonsense_is_a_400():
    world = closed_world()  # not published
    client = api_client()
    for body in (
        {"application": world.offer.pk, "name": "Jan", "email": "jan@example.org"},
        {"application": 10**30, "name": "Jan", "email": "jan@example.org"},
        {"application": "abc", "name": "Jan", "email": "jan@example.org"},
        {"application": world.offer.pk, "name": "", "email": "nie-adres"},
        {"application": world.offer.pk, "name": ["x"], "email": "jan@example.org"},
        [1],
    ):
        response = client.post("/api/v1/reason-requests/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["message"]
    assert not ReasonRequest.objects.exists()
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == "closed"
