"""The officials' panel for the register: adding and correcting an organisation, refusals that keep what was
typed, verification, and that nobody else can write."""

import pytest
from django.test import Client
from django.utils import timezone

from core.models import StatusChange
from organisations.models import Organisation
from organisations.urls import panel_patterns
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.organisations.helpers import VerifiedOrganisationFactory, polish, register_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def panel(official):
    client = Client(raise_request_exception=False)  # a server error is an answer (500) the test can report
    client.force_login(official)
    return client


def form_data(**overrides):
    return {
        "name": "Fundacja „Zielone Zabrze”",
        "legal_form": "foundation",
        "register_type": "krs",
        "krs": "345678",
        "register_number": "",
        "nip": "PL 526-025-02-74",
        "regon": "850 518 457",
        "address": "ul. Wolności 1",
        "city": "Zabrze",
        "email": "biuro@zielone.example.org",
        "phone": "+48 32 123 45 67",
        "website": "https://zielone.example.org",
        "spheres": ["18", "6"],
        "description": "Sadzimy drzewa.",
        "wants_call_notices": "on",
        **overrides,
    }


def spheres_by_code(data):
    """The form's sphere checkboxes take primary keys; tests speak in art. 4 codes."""
    from organisations.models import Sphere

    codes = data.pop("spheres", [])
    data["spheres"] = [str(pk) for pk in Sphere.objects.filter(code__in=codes).values_list("pk", flat=True)]
    return data


def test_an_official_adds_an_organisation_typing_identifiers_with_formatting(panel):
    response = panel.post("/panel/organisations/new/", spheres_by_code(form_data()))
    organisation = Organisation.objects.get(name="Fundacja „Zielone Zabrze”")
    assert response.status_code == 302
    assert response["Location"] == f"/panel/organisations/{organisation.pk}/"
    assert (organisation.krs, organisation.nip, organisation.regon) == ("0000345678", "5260250274", "850518457")
    assert sorted(organisation.spheres.values_list("code", flat=True)) == ["18", "6"]
    assert organisation.verified_at is None  # a new entry waits for verification
    page = panel.get(response["Location"]).content.decode()
    assert polish("The organisation has been saved.") in page
    assert "0000345678" in page


@pytest.mark.parametrize(
    "field, typed, msgid",
    [
        ("nip", "123-456-78-90", "This NIP is not valid: its check digit does not match. Please check the number."),
        ("nip", "1234560020", "This NIP is not valid: its check digit does not match. Please check the number."),
        ("regon", "732065834", "This REGON is not valid: its check digit does not match. Please check the number."),
        ("regon", "12345", "A REGON has 9 or 14 digits."),
        ("krs", "12345678901", "A KRS number has 10 digits, e.g. 0000123456."),
    ],
)
def test_a_wrong_identifier_is_refused_in_polish_keeping_everything_typed(panel, field, typed, msgid):
    response = panel.post("/panel/organisations/new/", spheres_by_code(form_data(**{field: typed})))
    page = response.content.decode()
    assert response.status_code == 400
    assert polish(msgid) in page
    assert f'value="{typed}"' in page  # as typed, not normalised
    assert 'value="Fundacja „Zielone Zabrze”"' in page
    assert "Sadzimy drzewa." in page
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "field, typed, msgid",
    [
        ("krs", "0000 345 678", "An organisation with this KRS number is already in the register."),
        ("nip", "526-025-02-74", "An organisation with this NIP is already in the register."),
        ("regon", "850518457", "An organisation with this REGON is already in the register."),
    ],
)
def test_an_identifier_already_in_the_register_is_refused_naming_it(panel, field, typed, msgid):
    VerifiedOrganisationFactory(name="Pierwsza", krs="345678", nip="5260250274", regon="850518457")
    data = {"krs": "111111", "nip": "1234563218", "regon": "123456785", field: typed}
    response = panel.post("/panel/organisations/new/", spheres_by_code(form_data(**data)))
    page = response.content.decode()
    assert response.status_code == 400
    assert page.count(polish(msgid)) == 1  # on the field, once
    assert f'value="{typed}"' in page
    assert Organisation.objects.count() == 1


def test_correcting_an_organisation_keeps_its_own_identifiers_and_its_verification(panel):
    organisation = VerifiedOrganisationFactory(name="Stara nazwa", krs="345678", nip="5260250274")
    verified_at = organisation.verified_at
    response = panel.post(
        f"/panel/organisations/{organisation.pk}/", spheres_by_code(form_data(name="Nowa nazwa", regon=""))
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Nowa nazwa"
    assert organisation.verified_at == verified_at


def test_an_organisation_outside_the_krs_gives_its_other_register_number(panel):
    data = form_data(register_type="local_register", krs="", register_number="SZ.512.7.2019")
    assert panel.post("/panel/organisations/new/", spheres_by_code(data)).status_code == 302
    organisation = Organisation.objects.get()
    assert organisation.register_entry == "SZ.512.7.2019"
    # a KRS number given for an organisation in another register is a contradiction
    response = panel.post(
        f"/panel/organisations/{organisation.pk}/",
        spheres_by_code(form_data(register_type="local_register", krs="345678", register_number="SZ.512.7.2019")),
    )
    assert response.status_code == 400
    assert (
        polish(
            "Only an organisation registered in the KRS has a KRS number: choose the KRS as its register "
            "or leave the KRS number empty."
        )
        in response.content.decode()
    )


def test_an_official_verifies_an_organisation_and_it_becomes_public(panel, official):
    organisation = OrganisationFactory(name="Fundacja Do Weryfikacji", krs="345678")
    assert Client().get(f"/organisations/{organisation.pk}/").status_code == 404
    page = panel.get(f"/panel/organisations/{organisation.pk}/").content.decode()
    assert f'action="/panel/organisations/{organisation.pk}/verify/"' in page
    response = panel.post(f"/panel/organisations/{organisation.pk}/verify/")
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified_at is not None
    change = StatusChange.objects.get(object_id=organisation.pk, transition="verify")
    assert (change.from_state, change.to_state, change.actor) == ("unverified", "verified", official)
    assert Client().get(f"/organisations/{organisation.pk}/").status_code == 200
    assert polish("verified", html=False) in panel.get(response["Location"]).content.decode()


def test_an_organisation_without_its_register_number_cannot_be_verified(panel):
    organisation = OrganisationFactory(name="Bez numeru")
    page = panel.get(f"/panel/organisations/{organisation.pk}/").content.decode()
    assert polish("Give the KRS number before verifying the organisation.") in page
    response = panel.post(f"/panel/organisations/{organisation.pk}/verify/")
    assert response.status_code == 403
    assert polish("Give the KRS number before verifying the organisation.") in response.content.decode()
    organisation.refresh_from_db()
    assert organisation.verified_at is None


def test_withdrawing_a_verification_needs_a_reason_and_takes_the_organisation_off_the_register(panel):
    organisation = VerifiedOrganisationFactory(name="Fundacja Rozwiązana", krs="345678")
    refused = panel.post(f"/panel/organisations/{organisation.pk}/unverify/", {"reason": "  "})
    assert refused.status_code == 400
    organisation.refresh_from_db()
    assert organisation.verified_at is not None
    response = panel.post(f"/panel/organisations/{organisation.pk}/unverify/", {"reason": "Fundacja zlikwidowana."})
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.verified_at is None
    assert StatusChange.objects.get(object_id=organisation.pk, transition="unverify").reason == "Fundacja zlikwidowana."
    assert Client().get(f"/organisations/{organisation.pk}/").status_code == 404
    assert "Fundacja zlikwidowana." in panel.get(f"/panel/organisations/{organisation.pk}/").content.decode()


def test_the_panel_list_shows_organisations_awaiting_verification(panel):
    VerifiedOrganisationFactory(name="Zweryfikowana")
    OrganisationFactory(name="Czekająca")
    page = panel.get("/panel/organisations/", {"verified": "no"}).content.decode()
    assert "Czekająca" in page and "Zweryfikowana" not in page
    page = panel.get("/panel/organisations/").content.decode()
    assert "Czekająca" in page and "Zweryfikowana" in page


# --- nobody else writes ----------------------------------------------------------------------------------


def panel_requests(organisation):
    """Every panel URL pattern with data an official's POST would succeed with."""
    table = {
        "list": (f"/panel/organisations/?q={organisation.name}", None),
        "new": ("/panel/organisations/new/", spheres_by_code(form_data(krs="", nip="", regon=""))),
        "edit": (f"/panel/organisations/{organisation.pk}/", spheres_by_code(form_data(name="Przejęta"))),
        "verify": (f"/panel/organisations/{organisation.pk}/verify/", {}),
        "unverify": (f"/panel/organisations/{organisation.pk}/unverify/", {"reason": "Próba"}),
    }
    assert set(table) == {pattern.name for pattern in panel_patterns[0]}, "a panel page without a permission test"
    return table


@pytest.mark.parametrize("role", ["anonymous", "ngo_member", "member_of_it", "approver"])
@pytest.mark.parametrize("target", ["new", "edit", "verify", "unverify"])
def test_only_officials_write_in_the_register_panel(role, target, user_of_role):
    organisation = OrganisationFactory(name="Fundacja Cudza", krs="345678")
    if target == "unverify":
        organisation.verified_at = timezone.now()
        organisation.save()
    url, data = panel_requests(organisation)[target]
    client = Client()
    if role == "member_of_it":
        client.force_login(make_ngo_member(organisation))
    elif role != "anonymous":
        client.force_login(user_of_role(role))
    before = register_snapshot()
    response = client.post(url, data)
    assert register_snapshot() == before
    assert not StatusChange.objects.exists()
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
    if role == "approver":
        assert polish("Only officials of the NGO Centre may do this.") in response.content.decode()


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
def test_the_register_panel_is_closed_to_the_public_and_ngo_members(role, user_of_role):
    organisation = OrganisationFactory(name="Fundacja Cudza")
    client = Client()
    if role != "anonymous":
        client.force_login(user_of_role(role))
    for url, _data in panel_requests(organisation).values():
        response = client.get(url)
        assert response.status_code in (302, 403, 405), url
        assert "Fundacja Cudza" not in response.content.decode()


def test_an_official_sees_the_panel_link_on_the_public_register(panel):
    assert 'href="/panel/organisations/"' in panel.get("/organisations/").content.decode()
    assert 'href="/panel/organisations/"' not in Client().get("/organisations/").content.decode()


def test_an_approver_reads_the_register_panel_but_cannot_add_to_it():
    approver = UserFactory(roles=["approver"])
    client = Client()
    client.force_login(approver)
    assert client.get("/panel/organisations/").status_code == 200  # the approver may read the panel list
    assert client.get("/panel/organisations/new/").status_code == 403
