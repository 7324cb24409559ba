"""Scoring through the API: opening and closing, a voting member's card from blank to submitted,
experts who do not score, the chair's progress without points, and the ranking once scoring closes."""

from decimal import Decimal

import pytest

from applications.models import Application
from evaluation import services
from evaluation.models import Evaluation, Score, ScoreCard
from tests.clients import api_client
from tests.evaluation.committee_world import Committee, full_scores

pytestmark = pytest.mark.django_db


def base(world):
    return f"/api/v1/evaluations/{world.evaluation.pk}/"


def card_url(world, application):
    return base(world) + f"offers/{application.pk}/card/"


def every_criterion(world, points="5", justification="Uzasadnienie."):
    return [{"criterion": c.pk, "points": points, "justification": justification} for c in world.call.criteria.all()]


def keys_anywhere(value):
    """Every key of every object inside ``value`` (parsed JSON)."""
    if isinstance(value, dict):
        return set(value) | set().union(*(keys_anywhere(v) for v in value.values()))
    if isinstance(value, list):
        return set().union(*(keys_anywhere(v) for v in value))
    return set()


# --- Opening and closing --------------------------------------------------------------------------------------


def test_an_official_opens_the_scoring_and_the_chair_closes_it():
    world = Committee()
    # the chair may not open it (officials do): 403 with the reason, nothing changes
    refused = api_client(world.chair.user).post(base(world) + "open_scoring/", {}, format="json")
    assert refused.status_code == 403 and refused.json()["message"]
    # an official opens it
    opened = api_client(world.official).post(base(world) + "open_scoring/", {"reason": "Start."}, format="json")
    assert opened.status_code == 200 and opened.json()["status"] == "scoring"
    assert opened.json()["available_transitions"] == ["close_scoring"]
    # opening twice is refused as a state that does not allow it
    assert api_client(world.official).post(base(world) + "open_scoring/").status_code == 409
    # a voting member may not close it; the chair does
    assert api_client(world.voter.user).post(base(world) + "close_scoring/").status_code == 403
    closed = api_client(world.chair.user).post(base(world) + "close_scoring/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["status"] == "closed"
    world.offer.refresh_from_db()
    assert world.offer.status == "scored"


def test_opening_a_committee_that_is_not_ready_lists_what_is_missing():
    world = Committee()
    services.member_remove(actor=world.official, member=world.unsigned)
    world.chair.is_chair = False
    world.chair.save(update_fields=["is_chair"])
    response = api_client(world.official).post(base(world) + "open_scoring/")
    assert response.status_code == 400 and response.json()["code"] == "not_ready"
    assert response.json()["errors"]["__all__"]
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == "preparing"


# --- A voting member's card -----------------------------------------------------------------------------------


def test_a_voting_members_card_round_trip():
    # given scoring is open and a voting member who signed
    world = Committee(evaluation_status="scoring")
    client = api_client(world.voter.user)
    url = card_url(world, world.offer)
    criteria = list(world.call.criteria.all())
    # when they open their card, then it is blank with every criterion of the call
    blank = client.get(url).json()
    assert blank["status"] is None and blank["editable"] is True
    assert [s["criterion"] for s in blank["scores"]] == [c.pk for c in criteria]
    assert all(s["points"] is None for s in blank["scores"])
    # when they save a draft with two criteria ("7,5" typed with a comma), then it is stored
    first, second = criteria[0], criteria[1]
    draft = client.put(
        url,
        {
            "scores": [
                {"criterion": first.pk, "points": "7,5", "justification": "Dobry opis."},
                {"criterion": second.pk, "points": 3},
            ],
            "remarks": "Wstępnie.",
        },
        format="json",
    )
    assert draft.status_code == 200, draft.json()
    body = draft.json()
    assert body["status"] == "draft" and body["remarks"] == "Wstępnie."
    assert Decimal(body["total"]) == Decimal("10.5")
    assert f"points_{criteria[2].pk}" in body["missing"]
    # the offers list shows the card's state
    listed = {o["id"]: o for o in client.get(base(world) + "offers/").json()}
    assert listed[world.offer.pk]["card_status"] == "draft"
    # submitting an incomplete card is refused with every gap
    incomplete = client.post(url + "submit/")
    assert incomplete.status_code == 400 and incomplete.json()["code"] == "card_incomplete"
    assert f"justification_{second.pk}" in incomplete.json()["errors"]
    # a PUT without remarks keeps them; the full card is saved and submitted
    full = client.put(url, {"scores": every_criterion(world)}, format="json")
    assert full.status_code == 200 and full.json()["remarks"] == "Wstępnie."
    submitted = client.post(url + "submit/")
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == "submitted" and submitted.json()["editable"] is False
    assert submitted.json()["missing"] == {}
    # then it can no longer change (403, the reason), and what was stored stays
    late = client.put(url, {"scores": every_criterion(world, points="1")}, format="json")
    assert late.status_code == 403 and "złożona" in late.json()["message"]
    assert client.post(url + "submit/").status_code == 403
    card = ScoreCard.objects.get(member=world.voter, application=world.offer)
    assert card.status == "submitted"
    assert set(card.scores.values_list("points", flat=True)) == {Decimal("5")}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"scores": "abc"}, "invalid"),
        ({"scores": [{"criterion": "abc", "points": 1}]}, "invalid"),
        ({"scores": [{"criterion": 10**30, "points": 1}]}, "card_invalid"),
        ({"scores": [{"points": 1}]}, "invalid"),
        ({"scores": [1, 2]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": True}]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": [1]}]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": {"a": 1}}]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": "dużo"}]}, "card_invalid"),
        ('{"scores": [{"criterion": FIRST, "points": 1e400}]}', "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": "NaN"}]}, "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": -1}]}, "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": 1000}]}, "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": 10**40}]}, "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": "1,234"}]}, "card_invalid"),
        ({"scores": [{"criterion": "FIRST", "points": 1, "justification": "a\x00b"}]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": 1, "justification": ["x"]}]}, "invalid"),
        ({"scores": [{"criterion": "FIRST", "points": 1}, {"criterion": "FIRST", "points": 2}]}, "invalid"),
        ({"scores": [{"criterion": "OTHER_CALL", "points": 1}]}, "card_invalid"),
        ({"scores": [], "remarks": {"x": 1}}, "invalid"),
        ([1, 2, 3], "invalid"),
    ],
)
def test_a_card_with_nonsense_is_a_400_and_nothing_is_stored(body, code):
    world = Committee(evaluation_status="scoring")
    first = world.call.criteria.first()
    other = Committee().call.criteria.first()

    def fill(value):
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return {"FIRST": first.pk, "OTHER_CALL": other.pk}.get(value, value) if isinstance(value, str) else value

    client = api_client(world.voter.user)
    if isinstance(body, str):  # raw JSON, as a client may send what Python's json would not write
        raw = body.replace("FIRST", str(first.pk))
        response = client.put(card_url(world, world.offer), raw, content_type="application/json")
    else:
        response = client.put(card_url(world, world.offer), fill(body), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert not ScoreCard.objects.exists() and not Score.objects.exists()


def test_experts_read_the_offers_but_do_not_score():
    world = Committee(evaluation_status="scoring")
    client = api_client(world.expert.user)
    # an expert reads the offer
    assert client.get(base(world) + f"offers/{world.offer.pk}/").status_code == 200
    assert {o["card_status"] for o in client.get(base(world) + "offers/").json()} == {None}
    # but has no card: GET, PUT and submit are refused with the reason
    for response in (
        client.get(card_url(world, world.offer)),
        client.put(card_url(world, world.offer), {"scores": every_criterion(world)}, format="json"),
        client.post(card_url(world, world.offer) + "submit/"),
    ):
        assert response.status_code == 403 and "Eksperci" in response.json()["message"]
    assert not ScoreCard.objects.filter(member=world.expert).exists()


def test_scoring_before_it_opens_is_refused_but_the_signed_member_reads():
    world = Committee()  # preparing
    client = api_client(world.voter.user)
    assert client.get(base(world) + f"offers/{world.offer.pk}/").status_code == 200
    blank = client.get(card_url(world, world.offer)).json()
    assert blank["editable"] is False and "nie trwa" in blank["not_editable_reason"]
    response = client.put(card_url(world, world.offer), {"scores": every_criterion(world)}, format="json")
    assert response.status_code == 403
    assert not ScoreCard.objects.exists()


def test_an_offer_of_another_call_or_a_rejected_one_is_not_found_under_this_evaluation():
    world = Committee(evaluation_status="scoring")
    elsewhere = Committee(evaluation_status="scoring")
    client = api_client(world.voter.user)
    for pk in (elsewhere.offer.pk, 10**30, "abc"):
        assert client.get(base(world) + f"offers/{pk}/").status_code == 404
        assert client.put(base(world) + f"offers/{pk}/card/", {"scores": []}, format="json").status_code == 404
    Application.objects.filter(pk=world.other.pk).update(status="formally_rejected")
    assert client.get(base(world) + f"offers/{world.other.pk}/").status_code == 404
    assert world.other.pk not in {o["id"] for o in client.get(base(world) + "offers/").json()}


# --- Progress and ranking ------------------------------------------------------------------------------------


def test_the_chair_sees_progress_but_no_points_while_scoring():
    # given one submitted card and one draft
    world = Committee(evaluation_status="scoring")
    services.card_save(actor=world.voter.user, application=world.offer, scores=full_scores(world.call, points="4"))
    services.card_submit(actor=world.voter.user, application=world.offer)
    services.card_save(actor=world.chair.user, application=world.other, scores=full_scores(world.call, points="3"))
    client = api_client(world.chair.user)
    # when the chair asks for the progress
    response = client.get(base(world) + "progress/")
    # then it says who scored what, with states only
    assert response.status_code == 200
    body = response.json()
    rows = {row["member"]: row for row in body["rows"]}
    cells = {cell["application"]: cell["state"] for cell in rows[world.voter.pk]["cells"]}
    assert cells == {world.offer.pk: "submitted", world.other.pk: "none"}
    chair_cells = {cell["application"]: cell["state"] for cell in rows[world.chair.pk]["cells"]}
    assert chair_cells[world.other.pk] == "draft"
    assert {c["state"] for c in rows[world.expert.pk]["cells"]} == {"advisory"}
    assert {c["state"] for c in rows[world.unsigned.pk]["cells"]} == {"unsigned"}
    excluded_cells = {c["application"]: c["state"] for c in rows[world.excluded.pk]["cells"]}
    assert excluded_cells[world.offer.pk] == "excluded"
    assert rows[world.voter.pk]["submitted"] == 1 and rows[world.voter.pk]["due"] == 2
    # and no points anywhere
    assert not keys_anywhere(body) & {"points", "total", "result", "totals"}
    # the ranking and the protocol are refused until scoring closes, for the chair and officials too
    for user in (world.chair.user, world.official, world.approver, world.voter.user):
        for path in ("ranking/", "protocol_pdf/"):
            refused = api_client(user).get(base(world) + path)
            assert refused.status_code == 403 and "po zakończeniu" in refused.json()["message"], path
    # a voting member does not follow the progress; officials and the approver do
    assert api_client(world.voter.user).get(base(world) + "progress/").status_code == 403
    assert api_client(world.official).get(base(world) + "progress/").status_code == 200
    assert api_client(world.approver).get(base(world) + "progress/").status_code == 200
    # a member's own card GET shows their own points, never another's
    own = api_client(world.voter.user).get(card_url(world, world.other)).json()
    assert own["status"] is None and all(s["points"] is None for s in own["scores"])


def test_after_closing_the_ranking_counts_voting_members_and_leaves_out_the_excluded():
    # given two members scored the second offer (5 and 3 on each criterion) and one the first
    world = Committee(evaluation_status="scoring")
    for member, application, points in (
        (world.voter, world.other, "5"),
        (world.chair, world.other, "3"),
        (world.chair, world.offer, "2"),
    ):
        services.card_save(actor=member.user, application=application, scores=full_scores(world.call, points))
        services.card_submit(actor=member.user, application=application)
    criteria = world.call.criteria.count()
    # when the chair closes the scoring through the API
    assert api_client(world.chair.user).post(base(world) + "close_scoring/").status_code == 200
    # then signed members, officials and the approver see the ranking
    for user in (world.voter.user, world.expert.user, world.excluded.user, world.official, world.approver):
        assert api_client(user).get(base(world) + "ranking/").status_code == 200
    body = api_client(world.voter.user).get(base(world) + "ranking/").json()
    rows = {row["application"]: row for row in body["rows"]}
    assert Decimal(rows[world.other.pk]["result"]) == Decimal(4 * criteria)
    assert rows[world.other.pk]["rank"] == 1 and rows[world.offer.pk]["rank"] == 2
    assert {t["member"] for t in rows[world.other.pk]["totals"]} == {world.voter.pk, world.chair.pk}
    assert rows[world.offer.pk]["card_count"] == 1
    # the unsigned member still sees no score; an NGO member does not even know of it
    assert api_client(world.unsigned.user).get(base(world) + "ranking/").status_code == 403
    assert api_client(world.ngo_member).get(base(world) + "ranking/").status_code == 404
    # the progress can still be followed, cards can no longer change
    late = api_client(world.voter.user).put(card_url(world, world.offer), {"scores": []}, format="json")
    assert late.status_code == 403
