"""The public register: what a visitor finds by name, sphere and identifier, what an organisation's page
shows, and that organisations awaiting verification are seen only by officials."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from organisations.enums import RegisterType
from organisations.models import Sphere
from organisations.services import organisation_save, organisation_verify
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.organisations.helpers import VerifiedOrganisationFactory, polish

pytestmark = pytest.mark.django_db


def names_on(response):
    """The organisation names in the list's table, in order."""
    assert response.status_code == 200
    return re.findall(r'<a href="/organisations/\d+/">([^<]+)</a>', response.content.decode())


@pytest.fixture
def register(db):
    return {
        "razem": VerifiedOrganisationFactory(
            name="Stowarzyszenie Pomocy Sąsiedzkiej „Razem”",
            krs="0000123456",
            nip="1234563218",
            regon="123456785",
            sphere_codes=["1", "13"],
        ),
        "gornik": VerifiedOrganisationFactory(
            name="Klub Sportowy „Górnik Młodzież”", krs="0000234567", nip="5260250274", sphere_codes=["17"]
        ),
        "lodz": VerifiedOrganisationFactory(
            name="Stowarzyszenie Kulturalne „Śląska Łódź”",
            register_type=RegisterType.LOCAL_REGISTER,
            register_number="SZ.512.7.2019",
            regon="85051845749370",
            sphere_codes=["16"],
        ),
    }


def test_the_register_lists_verified_organisations_alphabetically_and_is_in_the_menu(client, register):
    response = client.get("/organisations/")
    assert names_on(response) == [
        "Klub Sportowy „Górnik Młodzież”",
        "Stowarzyszenie Kulturalne „Śląska Łódź”",
        "Stowarzyszenie Pomocy Sąsiedzkiej „Razem”",
    ]
    page = response.content.decode()
    assert '<a href="/organisations/">Organizacje</a>' in page
    assert "KRS 0000234567" in page
    assert "SZ.512.7.2019" in page


@pytest.mark.parametrize("typed", ["łódź", "ŁÓDŹ", "śląska łódź", "  Śląska   Łódź ", "slaska lodz", "SLASKA"])
def test_a_name_is_found_in_any_case_with_or_without_polish_letters(client, register, typed):
    assert names_on(client.get("/organisations/", {"q": typed})) == ["Stowarzyszenie Kulturalne „Śląska Łódź”"]


def test_a_query_without_polish_letters_matches_names_with_them_and_one_with_them_is_exact(client, register):
    # "lodz" may mean Łódź or (M)łodz(ież); "łodz" can only be the latter
    assert names_on(client.get("/organisations/", {"q": "lodz"})) == [
        "Klub Sportowy „Górnik Młodzież”",
        "Stowarzyszenie Kulturalne „Śląska Łódź”",
    ]
    assert names_on(client.get("/organisations/", {"q": "MŁODZ"})) == ["Klub Sportowy „Górnik Młodzież”"]


def test_part_of_a_name_finds_every_organisation_containing_it(client, register):
    assert names_on(client.get("/organisations/", {"q": "stowarzyszenie"})) == [
        "Stowarzyszenie Kulturalne „Śląska Łódź”",
        "Stowarzyszenie Pomocy Sąsiedzkiej „Razem”",
    ]


@pytest.mark.parametrize(
    "typed, found",
    [
        ("123456", "razem"),  # KRS without its leading zeros
        ("0000 234 567", "gornik"),
        ("PL 526-025-02-74", "gornik"),  # NIP with the VAT prefix and hyphens
        ("123-456-32-18", "razem"),
        ("123 456 785", "razem"),  # REGON with spaces
        ("85051845749370", "lodz"),  # 14-digit REGON
    ],
)
def test_an_identifier_finds_its_organisation_with_or_without_formatting(client, register, typed, found):
    assert names_on(client.get("/organisations/", {"q": typed})) == [register[found].name]


def test_the_sphere_select_narrows_the_list(client, register):
    response = client.get("/organisations/", {"sphere": "17"})
    assert names_on(response) == ["Klub Sportowy „Górnik Młodzież”"]
    # the select keeps the chosen sphere and lists the art. 4 spheres in Polish
    assert re.search(
        r'<option value="17" selected>17\. wspieranie i upowszechnianie kultury fizycznej', response.content.decode()
    )


def test_name_and_sphere_together(client, register):
    assert names_on(client.get("/organisations/", {"q": "stowarzyszenie", "sphere": "13"})) == [register["razem"].name]


def test_a_search_without_results_says_so(client, register):
    response = client.get("/organisations/", {"q": "Nieistniejąca fundacja"})
    assert names_on(response) == []
    assert polish("No organisation matches the search.") in response.content.decode()


def test_an_unknown_sphere_is_a_form_error_not_a_server_error(client, register):
    response = client.get("/organisations/", {"sphere": "999"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_list_is_paginated_by_50_and_pages_keep_the_search(client):
    for i in range(53):
        VerifiedOrganisationFactory(name=f"Fundacja Wspólna {i:02d}", sphere_codes=["3"])
    first = client.get("/organisations/", {"q": "wspólna", "sphere": "3"})
    assert len(names_on(first)) == 50
    page = first.content.decode()
    assert "53 organizacje" in page or "53 organizacji" in page
    assert 'href="?q=wsp%C3%B3lna&amp;sphere=3&amp;page=2"' in page
    second = client.get("/organisations/", {"q": "wspólna", "sphere": "3", "page": "2"})
    assert names_on(second) == ["Fundacja Wspólna 50", "Fundacja Wspólna 51", "Fundacja Wspólna 52"]
    assert names_on(client.get("/organisations/", {"page": "nonsense"}))[0] == "Fundacja Wspólna 00"


def test_an_organisations_page_shows_its_register_entry_contact_spheres_and_description(client):
    organisation = VerifiedOrganisationFactory(
        name="Fundacja Zdrowie i Ekologia",
        legal_form="foundation",
        krs="345678",
        nip="526-025-02-74",
        regon="850518457",
        address="ul. Wolności 1",
        city="Zabrze",
        email="biuro@zdrowie.example.org",
        phone="+48 32 123 45 67",
        website="https://zdrowie.example.org/",
        description="Prowadzimy zajęcia dla seniorów.\nI sprzątamy lasy.",
        sphere_codes=["6", "18"],
    )
    page = client.get(f"/organisations/{organisation.pk}/").content.decode()
    for text in [
        "Fundacja Zdrowie i Ekologia",
        "fundacja",  # legal form, in Polish
        "Krajowy Rejestr Sądowy",
        "0000345678",
        "5260250274",
        "850518457",
        "ul. Wolności 1, Zabrze",
        'href="mailto:biuro@zdrowie.example.org"',
        'href="tel:+48321234567"',
        'href="https://zdrowie.example.org/"',
        "Prowadzimy zajęcia dla seniorów.<br>I sprzątamy lasy.",
        "6. ochrona i promocja zdrowia",
        "18. ekologia i ochrona zwierząt",
    ]:
        assert text in page, text


def test_an_organisation_outside_the_krs_shows_its_other_register(client, register):
    page = client.get(f"/organisations/{register['lodz'].pk}/").content.decode()
    assert "SZ.512.7.2019" in page
    assert polish("register kept by the starosta or the city (ordinary associations, clubs)") in page


# --- visibility of organisations awaiting verification ---------------------------------------


@pytest.fixture
def unverified(register):
    return OrganisationFactory(name="Fundacja Jeszcze Niezweryfikowana")


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("who", ["anonymous", "ngo_member", "member_of_it"])
def test_an_unverified_organisation_is_not_public(who, register, unverified):
    if who == "anonymous":
        client = Client()
    elif who == "ngo_member":
        client = logged_in(make_ngo_member(register["razem"]))
    else:
        client = logged_in(make_ngo_member(unverified))
    assert unverified.name not in names_on(client.get("/organisations/"))
    assert names_on(client.get("/organisations/", {"q": "Niezweryfikowana"})) == []
    assert client.get(f"/organisations/{unverified.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["official", "approver"])
def test_officials_see_an_unverified_organisation_marked_as_such(role, register, unverified):
    client = logged_in(UserFactory(roles=[role]))
    listing = client.get("/organisations/")
    assert unverified.name in names_on(listing)
    assert polish("not verified") in listing.content.decode()
    detail = client.get(f"/organisations/{unverified.pk}/")
    assert detail.status_code == 200
    assert (
        polish("This organisation has not been verified yet: only officials see this page.") in detail.content.decode()
    )


def test_an_organisation_that_does_not_exist_is_404(client):
    assert client.get("/organisations/999999/").status_code == 404


# --- the cached public pages change at once --------------------------------------------------


def test_a_second_anonymous_visit_of_the_register_is_served_from_the_cache(register):
    first, first_queries = get(Client(), "/organisations/")
    second, second_queries = get(Client(), "/organisations/")
    assert first_queries > 0 and second_queries == 0
    assert second == first


def test_a_search_by_name_is_never_served_from_another_searchs_page(register):
    assert names_on(Client().get("/organisations/", {"q": "Razem"})) == [register["razem"].name]
    assert names_on(Client().get("/organisations/", {"q": "Górnik"})) == [register["gornik"].name]


def test_a_verification_and_a_correction_show_at_once_on_the_cached_register(
    register, unverified, django_capture_on_commit_callbacks
):
    official = UserFactory(roles=["official"])
    # each Client is a new anonymous visitor, served from the cache once a page has been made
    assert unverified.name not in names_on(Client().get("/organisations/"))
    with django_capture_on_commit_callbacks(execute=True):  # the cache version is bumped on commit
        organisation_save(actor=official, organisation=unverified, data={"krs": "999"})
        organisation_verify(organisation=unverified, actor=official)
    assert unverified.name in names_on(Client().get("/organisations/"))
    assert Client().get(f"/organisations/{unverified.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        organisation_save(actor=official, organisation=unverified, data={"name": "Fundacja Po Zmianie Nazwy"})
    assert "Fundacja Po Zmianie Nazwy" in names_on(Client().get("/organisations/"))
    assert "Fundacja Po Zmianie Nazwy" in Client().get(f"/organisations/{unverified.pk}/").content.decode()
    assert names_on(Client().get("/organisations/", {"sphere": "27"})) == []
    with django_capture_on_commit_callbacks(execute=True):
        organisation_save(
            actor=official, organisation=register["gornik"], data={"spheres": list(Sphere.objects.filter(code="27"))}
        )
    assert names_on(Client().get("/organisations/", {"sphere": "27"})) == ["Klub Sportowy „Górnik Młodzież”"]


def get(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)
