"""The register in the REST API: the same visibility as the pages, search and sphere filter, writes only by
officials through the service, and JSON errors (never a 500) for anything wrong."""

import pytest
from rest_framework.test import APIClient

from core.models import StatusChange
from organisations.models import Organisation
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.organisations.helpers import VerifiedOrganisationFactory, polish, register_snapshot

pytestmark = pytest.mark.django_db

URL = "/api/v1/organisations/"


def api(user=None):
    client = APIClient(raise_request_exception=False)
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def official_api(official):
    return api(official)


def names(response):
    assert response.status_code == 200, response.content
    return [o["name"] for o in response.json()["results"]]


def assert_json_error(response, status, code=None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["message"]
    if code:
        assert body["code"] == code
    return body


@pytest.fixture
def register(db):
    return {
        "razem": VerifiedOrganisationFactory(
            name="Stowarzyszenie „Razem”", krs="123456", nip="1234563218", regon="123456785", sphere_codes=["1", "13"]
        ),
        "gornik": VerifiedOrganisationFactory(name="Klub Sportowy „Górnik”", nip="5260250274", sphere_codes=["17"]),
        "waiting": OrganisationFactory(name="Fundacja Niezweryfikowana", krs="777", sphere_codes=["17"]),
    }


def test_the_public_list_shows_verified_organisations_with_their_register_data(register):
    response = api().get(URL)
    assert names(response) == ["Klub Sportowy „Górnik”", "Stowarzyszenie „Razem”"]
    razem = response.json()["results"][1]
    assert razem["krs"] == "0000123456"
    assert razem["nip"] == "1234563218"
    assert razem["register_type"] == "krs"
    assert razem["spheres"] == ["1", "13"]
    assert razem["verified_at"] is not None
    assert razem["available_transitions"] == []


@pytest.mark.parametrize(
    "params, expected",
    [
        ({"sphere": "17"}, ["Klub Sportowy „Górnik”"]),
        ({"q": "razem"}, ["Stowarzyszenie „Razem”"]),
        ({"q": "GÓRNIK"}, ["Klub Sportowy „Górnik”"]),
        ({"q": "gornik"}, ["Klub Sportowy „Górnik”"]),
        ({"q": "PL 526-025-02-74"}, ["Klub Sportowy „Górnik”"]),
        ({"q": "123456"}, ["Stowarzyszenie „Razem”"]),
        ({"q": "123 456 785"}, ["Stowarzyszenie „Razem”"]),
        ({"q": "niezweryfikowana"}, []),
        ({"q": "razem", "sphere": "17"}, []),
    ],
)
def test_search_and_sphere_filter(register, params, expected):
    assert names(api().get(URL, params)) == expected


@pytest.mark.parametrize("who", ["anonymous", "ngo_member", "member_of_it"])
def test_an_unverified_organisation_is_not_in_the_api_for_the_public(register, who):
    user = {"anonymous": None, "ngo_member": make_ngo_member(register["razem"])}.get(who)
    if who == "member_of_it":
        user = make_ngo_member(register["waiting"])
    client = api(user)
    assert "Fundacja Niezweryfikowana" not in names(client.get(URL))
    assert_json_error(client.get(f"{URL}{register['waiting'].pk}/"), 404, "not_found")


def test_officials_see_unverified_organisations_and_what_they_may_do_with_them(register, official_api):
    assert "Fundacja Niezweryfikowana" in names(official_api.get(URL))
    detail = official_api.get(f"{URL}{register['waiting'].pk}/").json()
    assert detail["verified_at"] is None
    assert detail["available_transitions"] == ["verify"]
    assert official_api.get(f"{URL}{register['razem'].pk}/").json()["available_transitions"] == ["unverify"]


def test_an_unknown_sphere_is_a_json_error(register):
    body = assert_json_error(api().get(URL, {"sphere": "999"}), 400, "invalid")
    assert "sphere" in body["errors"]


# --- writes ---------------------------------------------------------------------------------------


def new_organisation(**overrides):
    return {
        "name": "Fundacja „Zielone Zabrze”",
        "legal_form": "foundation",
        "register_type": "krs",
        "krs": "345678",
        "nip": "PL 526-025-02-74",
        "regon": "850518457",
        "city": "Zabrze",
        "spheres": ["18"],
        **overrides,
    }


def test_an_official_adds_an_organisation_and_verifies_it(official_api, official):
    response = official_api.post(URL, new_organisation(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["krs"], created["nip"], created["regon"]) == ("0000345678", "5260250274", "850518457")
    assert created["spheres"] == ["18"]
    assert created["verified_at"] is None
    assert api().get(f"{URL}{created['id']}/").status_code == 404
    verified = official_api.post(f"{URL}{created['id']}/verify/")
    assert verified.status_code == 200, verified.content
    assert verified.json()["verified_at"] is not None
    assert api().get(f"{URL}{created['id']}/").json()["name"] == "Fundacja „Zielone Zabrze”"
    assert StatusChange.objects.get(transition="verify").actor == official


def test_an_official_corrects_an_organisation(register, official_api):
    response = official_api.patch(
        f"{URL}{register['gornik'].pk}/", {"regon": "85 05 18 457", "spheres": ["17", "15"]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["regon"] == "850518457"
    assert response.json()["spheres"] == ["15", "17"]
    register["gornik"].refresh_from_db()
    assert register["gornik"].verified_at is not None


@pytest.mark.parametrize(
    "field, typed, msgid",
    [
        ("krs", "0000123456", "An organisation with this KRS number is already in the register."),
        ("nip", "123-456-32-18", "An organisation with this NIP is already in the register."),
        ("regon", "123456785", "An organisation with this REGON is already in the register."),
    ],
)
def test_a_duplicate_identifier_is_a_json_error_naming_it(register, official_api, field, typed, msgid):
    before = register_snapshot()
    response = official_api.post(URL, new_organisation(**{field: typed}), format="json")
    body = assert_json_error(response, 400, "invalid")
    assert body["errors"][field] == [polish(msgid, html=False)]
    assert register_snapshot() == before


@pytest.mark.parametrize(
    "data, field",
    [
        ({"nip": "1234567890"}, "nip"),
        ({"nip": "1234560020"}, "nip"),  # checksum remainder 10
        ({"regon": "732065834"}, "regon"),
        ({"krs": "12345678901"}, "krs"),
        ({"krs": "x" * 40}, "krs"),
        ({"name": ""}, "name"),
        ({"spheres": ["99"]}, "spheres"),
        ({"register_type": "parish"}, "register_type"),
        ({"website": "javascript:alert(1)"}, "website"),
        ({"register_type": "arimr"}, "krs"),  # a KRS number for an organisation in another register
    ],
)
def test_bad_input_is_a_json_error_on_the_field(official_api, data, field):
    response = official_api.post(URL, new_organisation(**data), format="json")
    body = assert_json_error(response, 400, "invalid")
    assert field in body["errors"]
    assert not Organisation.objects.exists()


def test_a_body_that_is_not_json_is_a_json_error(official_api):
    response = official_api.post(URL, "{not json", content_type="application/json")
    assert_json_error(response, 400)


def test_verifying_twice_or_without_a_number_is_refused_with_a_reason(register, official_api):
    body = assert_json_error(official_api.post(f"{URL}{register['razem'].pk}/verify/"), 403, "not_allowed")
    assert body["message"] == polish("This organisation has already been verified.", html=False)
    nameless = OrganisationFactory(name="Bez numeru")
    body = assert_json_error(official_api.post(f"{URL}{nameless.pk}/verify/"), 403, "not_allowed")
    assert body["message"] == polish("Give the KRS number before verifying the organisation.", html=False)


def test_withdrawing_a_verification_needs_a_reason(register, official_api):
    body = assert_json_error(official_api.post(f"{URL}{register['razem'].pk}/unverify/", {}, format="json"), 400)
    assert "reason" in body["errors"]
    response = official_api.post(f"{URL}{register['razem'].pk}/unverify/", {"reason": "Likwidacja."}, format="json")
    assert response.status_code == 200
    assert response.json()["verified_at"] is None


@pytest.mark.parametrize("role", ["anonymous", "ngo_member", "member_of_it", "approver"])
@pytest.mark.parametrize("write", ["create", "update", "verify", "unverify"])
def test_only_officials_write_through_the_api(register, role, write, user_of_role):
    target = register["waiting"] if write == "verify" else register["razem"]
    if role == "member_of_it":
        user = make_ngo_member(target)
    else:
        user = user_of_role(role)
    client = api(user)
    before = register_snapshot()
    response = {
        "create": lambda: client.post(URL, new_organisation(), format="json"),
        "update": lambda: client.patch(f"{URL}{target.pk}/", {"name": "Przejęta"}, format="json"),
        "verify": lambda: client.post(f"{URL}{target.pk}/verify/"),
        "unverify": lambda: client.post(f"{URL}{target.pk}/unverify/", {"reason": "Próba"}, format="json"),
    }[write]()
    assert_json_error(response, 403)
    assert register_snapshot() == before
    assert not StatusChange.objects.exists()


def test_the_api_has_no_delete(register, official_api):
    assert_json_error(official_api.delete(f"{URL}{register['razem'].pk}/"), 405)
    assert Organisation.objects.filter(pk=register["razem"].pk).exists()


def test_an_approver_is_told_why_a_write_is_refused(register):
    response = api(UserFactory(roles=["approver"])).post(URL, new_organisation(), format="json")
    body = assert_json_error(response, 403, "not_allowed")
    assert body["message"] == polish("Only officials of the NGO Centre may do this.", html=False)


def test_two_requests_with_the_same_identifier_at_once_give_the_second_a_clear_refusal(
    register, official_api, monkeypatch
):
    # The second request passes validation before the first commits (as in a race): the database's
    # unique constraint refuses it, and the person still gets the message naming the identifier.
    monkeypatch.setattr(Organisation, "clean", lambda self: None)
    monkeypatch.setattr(Organisation, "validate_constraints", lambda self, exclude=None: None)
    before = register_snapshot()
    response = official_api.post(URL, new_organisation(nip="1234563218"), format="json")
    body = assert_json_error(response, 400, "invalid")
    assert body["errors"] == {"nip": [polish("An organisation with this NIP is already in the register.", html=False)]}
    assert register_snapshot() == before
