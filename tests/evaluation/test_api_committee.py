"""The committee through the API: who may know of an evaluation, the committee, the impartiality
declaration before any offer is shown, exclusions, and an excluded member who can neither read nor
score the offer.

Given/when/then in each test; the committee comes from ``committee_world.Committee`` (a chair, a
voting NGO nominee, an expert, a member of the first offer's organisation (excluded on signing), an
unsigned member; an official, the approver and an NGO member who sit on no committee).
"""

import pytest

from core.roles import OFFICIAL
from evaluation import services
from evaluation.enums import MemberRole
from evaluation.models import CommitteeMember, Evaluation, Exclusion, ImpartialityDeclaration, ScoreCard
from notifications.models import OutboxMessage
from tests.calls.helpers import call_in_state
from tests.clients import api_client
from tests.evaluation.committee_world import Committee, accepted_offer, evaluated_call, full_scores, seat
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def base(world):
    return f"/api/v1/evaluations/{world.evaluation.pk}/"


def offer_titles(world):
    return [world.offer.title, world.other.title]


def assert_no_offer_named(response, world):
    text = response.content.decode()
    for title in offer_titles(world):
        assert title not in text, (response.request["PATH_INFO"], title)
    assert world.offer.organisation.name not in text and world.other.organisation.name not in text


# --- Who may know of an evaluation ----------------------------------------------------------------------------


def test_officials_and_the_approver_see_every_evaluation_a_member_only_theirs():
    # given two calls in evaluation, one of them with our committee
    world = Committee()
    elsewhere = Committee()
    # when each asks for the list, then officials and the approver see both, a member only theirs
    for user in (world.official, world.approver):
        listed = api_client(user).get("/api/v1/evaluations/").json()["results"]
        assert {e["id"] for e in listed} >= {world.evaluation.pk, elsewhere.evaluation.pk}
    listed = api_client(world.voter.user).get("/api/v1/evaluations/").json()["results"]
    assert [e["id"] for e in listed] == [world.evaluation.pk]
    assert api_client(world.voter.user).get(base(elsewhere)).status_code == 404
    # and the list filters by call
    filtered = api_client(world.official).get("/api/v1/evaluations/", {"call": world.call.pk}).json()["results"]
    assert [e["id"] for e in filtered] == [world.evaluation.pk]


@pytest.mark.parametrize("role", ["ngo_member", "anonymous", "offer_member"])
def test_an_ngo_member_or_an_anonymous_visitor_gets_nothing(role):
    # given a committee at work, and a person who does not sit on it (even one whose offer it evaluates)
    world = Committee(evaluation_status="scoring")
    user = world.offer_member if role == "offer_member" else world.user(role)
    client = api_client(user)
    # when they ask for the evaluation or anything under it, then it does not exist for them
    assert client.get("/api/v1/evaluations/").json()["results"] == []
    paths = [
        base(world),
        base(world) + "declaration/",
        base(world) + "progress/",
        base(world) + "ranking/",
        base(world) + "protocol_pdf/",
        base(world) + "members/",
        base(world) + "exclusions/",
        base(world) + "offers/",
        base(world) + f"offers/{world.other.pk}/",
        base(world) + f"offers/{world.other.pk}/card/",
        base(world) + "decisions/",
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json()["code"] == "not_found"
    posts = {
        "open_scoring/": {},
        "close_scoring/": {},
        "publish/": {},
        "sign_declaration/": {},
        "members/": {"email": user.email if user else "x@example.org", "role": "official"},
        "exclusions/": {"member": world.voter.pk, "application": world.other.pk, "ground": "x"},
        f"offers/{world.other.pk}/card/submit/": {},
        "decisions/": {"application": world.other.pk, "awarded": False, "reason": "x"},
    }
    for path, body in posts.items():
        assert client.post(base(world) + path, body, format="json").status_code == 404, path
    assert client.put(base(world) + f"offers/{world.other.pk}/card/", {"scores": []}, format="json").status_code == 404
    # and nothing changed
    assert Evaluation.objects.get(pk=world.evaluation.pk).status == "scoring"
    assert CommitteeMember.objects.filter(evaluation=world.evaluation).count() == 5
    assert not ScoreCard.objects.exists()


def test_the_detail_names_the_committee_without_personal_data_and_says_what_i_may_do():
    # given a committee being appointed
    world = Committee()
    # when the chair asks for the evaluation
    body = api_client(world.chair.user).get(base(world)).json()
    # then it shows the status, the members with role, chair and signature, and no e-mail
    assert body["status"] == "preparing" and body["call"] == world.call.pk
    committee = {m["id"]: m for m in body["committee"]}
    assert committee[world.chair.pk]["is_chair"] and committee[world.chair.pk]["signed"]
    assert committee[world.expert.pk]["votes"] is False and committee[world.expert.pk]["role"] == "expert"
    assert committee[world.unsigned.pk]["signed"] is False and committee[world.unsigned.pk]["signed_at"] is None
    for member in (world.chair, world.voter, world.unsigned):
        assert member.user.email not in str(body) and member.user.username not in str(body)
    assert body["my_seat"] == {
        "member": world.chair.pk,
        "role": "official",
        "is_chair": True,
        "votes": True,
        "signed": True,
    }
    # the chair does not open the scoring (officials do); an official may
    assert body["available_transitions"] == []
    assert api_client(world.official).get(base(world)).json()["available_transitions"] == ["open_scoring"]
    assert api_client(world.official).get(base(world)).json()["my_seat"] is None


def test_an_official_sets_up_the_evaluation_of_a_call_and_nobody_else_does():
    # given a call in evaluation without a committee yet
    call = evaluated_call()
    official = UserFactory(roles=[OFFICIAL])
    # when an NGO member or an anonymous visitor tries, then they are refused with the reason
    for user in (make_ngo_member(), None):
        refused = api_client(user).post("/api/v1/evaluations/", {"call": call.pk}, format="json")
        assert refused.status_code == 403 and refused.json()["message"]
    assert not Evaluation.objects.filter(call=call).exists()
    # when an official sets it up, then it is created once (201), and asked again it is the same (200)
    created = api_client(official).post("/api/v1/evaluations/", {"call": call.pk}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "preparing"
    again = api_client(official).post("/api/v1/evaluations/", {"call": call.pk}, format="json")
    assert again.status_code == 200 and again.json()["id"] == created.json()["id"]
    # and nonsense is a 400 or 404, never a 500
    for body in ({"call": "abc"}, {"call": 10**30}, {}, [1, 2]):
        response = api_client(official).post("/api/v1/evaluations/", body, format="json")
        assert response.status_code in (400, 404), body


def test_a_committee_for_a_draft_call_is_refused_with_the_reason():
    call = call_in_state("draft")
    response = api_client(UserFactory(roles=[OFFICIAL])).post("/api/v1/evaluations/", {"call": call.pk}, format="json")
    assert response.status_code == 409 and "ogłoszonym" in response.json()["message"]
    assert not Evaluation.objects.filter(call=call).exists()


# --- The committee ------------------------------------------------------------------------------------------


def test_an_official_appoints_a_member_by_e_mail_and_a_notice_is_written():
    world = Committee()
    person = UserFactory()
    client = api_client(world.official)
    # when an official appoints the person as an expert
    response = client.post(base(world) + "members/", {"email": person.email.upper(), "role": "expert"}, format="json")
    # then the seat exists, is listed, and an appointment notice waits in the outbox
    assert response.status_code == 201, response.json()
    assert response.json()["role"] == "expert" and response.json()["votes"] is False
    assert CommitteeMember.objects.filter(evaluation=world.evaluation, user=person).exists()
    assert OutboxMessage.objects.filter(event="committee_appointed", recipient=person.email).count() == 1
    listed = client.get(base(world) + "members/").json()
    assert person.get_full_name() in [m["name"] for m in listed]


def test_appointments_are_refused_with_reasons():
    world = Committee()
    client = api_client(world.official)
    # a nominee of an organisation that submitted an offer in the call: refused with the reason
    nominee = UserFactory()
    refused = client.post(
        base(world) + "members/",
        {"email": nominee.email, "role": "ngo_nominee", "nominated_by": world.offer.organisation.pk},
        format="json",
    )
    assert refused.status_code == 400
    assert world.offer.organisation.name in refused.json()["errors"]["nominated_by"][0]
    # a person without an account, a role that does not exist, wrong types: 400 with the fields named
    bad = client.post(
        base(world) + "members/",
        {"email": "nobody@example.org", "role": "king", "is_chair": "maybe", "nominated_by": "x"},
        format="json",
    )
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"email", "role", "is_chair", "nominated_by"}
    # a second chair: refused (the chair moves with make_chair)
    second = client.post(base(world) + "members/", {"email": nominee.email, "role": "official", "is_chair": True})
    assert second.status_code == 400 and "is_chair" in second.json()["errors"]
    # a member (even the chair) may not appoint: 403 with the reason, the body not even read
    for user in (world.chair.user, world.voter.user, world.approver):
        response = api_client(user).post(base(world) + "members/", {"email": nominee.email, "role": "official"})
        assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert not CommitteeMember.objects.filter(user=nominee).exists()


def test_an_official_moves_the_chair_and_removes_a_member_without_cards():
    world = Committee()
    client = api_client(world.official)
    # when the chair moves to the voting member
    moved = client.post(base(world) + f"members/{world.voter.pk}/make_chair/")
    assert moved.status_code == 200 and moved.json()["is_chair"] is True
    world.chair.refresh_from_db()
    assert world.chair.is_chair is False
    # an expert cannot chair
    assert client.post(base(world) + f"members/{world.expert.pk}/make_chair/").status_code == 400
    # a member cannot move the chair
    assert api_client(world.voter.user).post(base(world) + f"members/{world.chair.pk}/make_chair/").status_code == 403
    # when the unsigned member is removed, with a reason
    removed = client.post(base(world) + f"members/{world.unsigned.pk}/remove/", {"reason": "Rezygnacja."})
    assert removed.status_code == 204
    assert not CommitteeMember.objects.filter(pk=world.unsigned.pk).exists()
    # a seat that is not on this committee: 404
    other = Committee()
    assert client.post(base(world) + f"members/{other.voter.pk}/remove/").status_code == 404
    assert client.post(base(world) + "members/abc/remove/").status_code == 404


# --- The declaration first --------------------------------------------------------------------------------------


def test_before_signing_a_member_gets_no_offer_no_title_and_no_score():
    # given a committee at work with submitted cards, and a member who has not signed
    world = Committee(evaluation_status="scoring")
    services.card_save(actor=world.voter.user, application=world.other, scores=full_scores(world.call))
    services.card_submit(actor=world.voter.user, application=world.other)
    client = api_client(world.unsigned.user)
    # when they ask for the offers, one offer, its card, the progress, the ranking, the exclusions
    for path in [
        "offers/",
        f"offers/{world.other.pk}/",
        f"offers/{world.other.pk}/card/",
        f"offers/{world.other.pk}/offer_pdf/",
        f"offers/{10**6}/",
        "exclusions/",
        "progress/",
        "ranking/",
        "protocol_pdf/",
    ]:
        response = client.get(base(world) + path)
        # then each is refused with the reason (sign first), naming no offer
        assert response.status_code == 403, path
        assert_no_offer_named(response, world)
    assert "oświadczenie" in client.get(base(world) + "offers/").json()["message"]
    # and scoring is refused as well, nothing stored
    put = client.put(base(world) + f"offers/{world.other.pk}/card/", {"scores": []}, format="json")
    assert put.status_code == 403
    assert not ScoreCard.objects.filter(member=world.unsigned).exists()
    # the offers API and the evaluation itself name no offer either
    assert_no_offer_named(client.get("/api/v1/applications/"), world)
    assert client.get(f"/api/v1/applications/{world.other.pk}/").status_code == 404
    assert_no_offer_named(client.get(base(world)), world)
    assert_no_offer_named(client.get(base(world) + "members/"), world)
    # the declaration to sign is shown, with the text's SHA-256
    declaration = client.get(base(world) + "declaration/").json()
    assert declaration["signed"] is False and "art. 24" in declaration["text"]
    assert declaration["text_sha256"] == world.evaluation.declaration_sha256


def test_after_signing_a_member_reads_the_offers_and_a_declared_link_excludes():
    # given an unsigned member linked with the second offer's organisation
    world = Committee()
    client = api_client(world.unsigned.user)
    # when they sign, declaring the link
    signed = client.post(
        base(world) + "sign_declaration/", {"linked_organisations": [world.other.organisation.pk]}, format="json"
    )
    # then the declaration is stored as shown, with the link
    assert signed.status_code == 201, signed.json()
    assert signed.json()["signed"] is True
    assert signed.json()["linked_organisations"] == [
        {"id": world.other.organisation.pk, "name": world.other.organisation.name}
    ]
    declaration = ImpartialityDeclaration.objects.get(member=world.unsigned)
    assert declaration.text_sha256 == world.evaluation.declaration_sha256
    # and the offers are listed: the first with its content, the second excluded (no content)
    offers = {o["id"]: o for o in client.get(base(world) + "offers/").json()}
    assert offers[world.offer.pk]["title"] == world.offer.title and offers[world.offer.pk]["excluded"] is False
    assert offers[world.offer.pk]["url"].endswith(f"/offers/{world.offer.pk}/")
    excluded = offers[world.other.pk]
    assert excluded["excluded"] is True and "art. 24" in excluded["exclusion_ground"]
    assert excluded["url"] is None and excluded["requested_amount"] is None
    detail = client.get(base(world) + f"offers/{world.offer.pk}/")
    assert detail.status_code == 200
    assert detail.json()["content"]["task"]["synopsis"] == world.offer.content["task"]["synopsis"]
    # signing twice is refused with the reason
    again = client.post(base(world) + "sign_declaration/", {}, format="json")
    assert again.status_code == 403 and again.json()["message"]


def test_signing_with_nonsense_is_a_400_and_nothing_is_signed():
    world = Committee()
    client = api_client(world.unsigned.user)
    for body in (
        {"linked_organisations": "abc"},
        {"linked_organisations": ["x"]},
        {"linked_organisations": [10**30]},
        {"linked_organisations": [999999]},
        {"linked_organisations": [True]},
    ):
        response = client.post(base(world) + "sign_declaration/", body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert response.json()["errors"]["linked_organisations"]
    assert not ImpartialityDeclaration.objects.filter(member=world.unsigned).exists()
    # someone who is not on the committee but may know of it (an official): refused with the reason
    response = api_client(world.official).post(base(world) + "sign_declaration/", {}, format="json")
    assert response.status_code == 403 and "Nie jesteś członkiem" in response.json()["message"]


# --- Excluded members ------------------------------------------------------------------------------------------


def test_an_excluded_member_can_neither_read_nor_score_that_offer():
    # given a member of the first offer's organisation, excluded from it on signing, while scoring is open
    world = Committee(evaluation_status="scoring")
    client = api_client(world.excluded.user)
    assert Exclusion.objects.filter(member=world.excluded, application=world.offer, automatic=True).exists()
    path = base(world) + f"offers/{world.offer.pk}/"
    # when they ask for the offer, its PDF or their card, or try to score or submit
    for response in (
        client.get(path),
        client.get(path + "offer_pdf/"),
        client.get(path + "card/"),
        client.put(
            path + "card/",
            {"scores": [{"criterion": c.pk, "points": 1} for c in world.call.criteria.all()]},
            format="json",
        ),
        client.post(path + "card/submit/"),
    ):
        # then each is refused with the reason, and the offer's content is not in the answer
        assert response.status_code == 403, response.content
        assert "wyłączeniu" in response.json()["message"]
        assert world.offer.content["task"]["synopsis"] not in response.content.decode()
    assert not ScoreCard.objects.filter(member=world.excluded).exists()
    # the list says they are excluded, without content, amount or card
    listed = {o["id"]: o for o in client.get(base(world) + "offers/").json()}
    assert listed[world.offer.pk]["excluded"] is True and listed[world.offer.pk]["card_status"] is None
    # (through the offers API they still see it as a member of the offering organisation, not as a judge)
    # and the other offer they may read and score
    assert client.get(base(world) + f"offers/{world.other.pk}/").status_code == 200
    scored = client.put(
        base(world) + f"offers/{world.other.pk}/card/",
        {"scores": [{"criterion": c.pk, "points": 1, "justification": "Ok."} for c in world.call.criteria.all()]},
        format="json",
    )
    assert scored.status_code == 200, scored.json()


def test_a_member_linked_only_by_exclusion_does_not_see_the_offer_in_the_offers_api():
    # given a signed member excluded by the chair from the second offer (no membership)
    world = Committee(evaluation_status="scoring")
    recorded = api_client(world.chair.user).post(
        base(world) + "exclusions/",
        {"member": world.voter.pk, "application": world.other.pk, "ground": "Brat prezesa zarządu."},
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["recorded_by"] and recorded.json()["automatic"] is False
    client = api_client(world.voter.user)
    # then neither the committee API nor the offers API gives the offer to them
    assert client.get(base(world) + f"offers/{world.other.pk}/").status_code == 403
    assert client.get(f"/api/v1/applications/{world.other.pk}/").status_code == 404
    assert client.get(f"/api/v1/applications/{world.offer.pk}/").status_code == 200


def test_exclusions_are_recorded_by_the_member_or_the_chair_and_listed_to_those_who_may_see_them():
    world = Committee(evaluation_status="scoring")
    # a member records their own exclusion
    own = api_client(world.voter.user).post(
        base(world) + "exclusions/",
        {"member": world.voter.pk, "application": world.offer.pk, "ground": "Byłem pracownikiem oferenta."},
        format="json",
    )
    assert own.status_code == 201
    # but not another member's (403, the reason), nor with a body of the wrong shape (400)
    other = api_client(world.voter.user).post(
        base(world) + "exclusions/",
        {"member": world.expert.pk, "application": world.offer.pk, "ground": "x"},
        format="json",
    )
    assert other.status_code == 403 and other.json()["message"]
    for body in (
        {"member": "x", "application": world.offer.pk, "ground": "x"},
        {"member": world.voter.pk, "application": world.other.pk, "ground": ""},
        {"member": world.voter.pk, "application": 10**30, "ground": "x"},
        {"member": 10**30, "application": world.other.pk, "ground": "x"},
        {"member": world.voter.pk, "application": Committee().offer.pk, "ground": "x"},
    ):
        response = api_client(world.voter.user).post(base(world) + "exclusions/", body, format="json")
        assert response.status_code == 400, (body, response.content)
    # the voter lists their own exclusions; the chair and officials every exclusion
    mine = api_client(world.voter.user).get(base(world) + "exclusions/").json()
    assert [e["member"] for e in mine] == [world.voter.pk]
    everyone = {e["member"] for e in api_client(world.chair.user).get(base(world) + "exclusions/").json()}
    assert everyone == {world.voter.pk, world.excluded.pk}
    assert {e["member"] for e in api_client(world.official).get(base(world) + "exclusions/").json()} == everyone
    # an official who sits on no committee records one too
    by_official = api_client(world.official).post(
        base(world) + "exclusions/",
        {"member": world.expert.pk, "application": world.other.pk, "ground": "Konflikt interesów."},
        format="json",
    )
    assert by_official.status_code == 201


def test_an_ngo_nominee_who_belongs_to_no_offering_organisation_sits_and_reads():
    # given a nominee of an organisation without an offer in the call
    call = evaluated_call()
    application, _member = accepted_offer(call)
    evaluation = Evaluation.objects.create(call=call)
    nominee = seat(evaluation, role=MemberRole.NGO_NOMINEE, nominated_by=OrganisationFactory(), signed=True)
    response = api_client(nominee.user).get(f"/api/v1/evaluations/{evaluation.pk}/offers/{application.pk}/")
    assert response.status_code == 200


def test_absurd_ids_and_filters_are_answered_without_a_server_error():
    world = Committee()
    client = api_client(world.official)
    huge = 10**30
    for path in (
        f"/api/v1/evaluations/{huge}/",
        f"/api/v1/evaluations/{huge}/members/",
        f"/api/v1/evaluations/{huge}/offers/",
        f"/api/v1/evaluations/{huge}/ranking/",
        base(world) + f"members/{huge}/make_chair/",
        "/api/v1/evaluations/abc/",
    ):
        response = client.post(path) if path.endswith("make_chair/") else client.get(path)
        assert response.status_code == 404, path
    for query in ({"call": "abc"}, {"status": "nonsense"}, {"call": huge}, {"limit": "x", "offset": -1}):
        assert client.get("/api/v1/evaluations/", query).status_code in (200, 400), query
