"""The organisation's offers page: members start offers and reach the editor; nobody else sees it."""

import pytest
from django.utils import timezone

from applications.models import Application
from tests.applications.helpers import offer, open_call
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def test_a_member_starts_an_offer_and_lands_in_the_editor(client):
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    call = open_call(title="Konkurs „Lato w mieście”")
    client.force_login(member)
    page = client.get(f"/offers/organisation/{organisation.pk}/")
    assert page.status_code == 200 and "Konkurs „Lato w mieście”" in page.content.decode()
    response = client.post(f"/offers/organisation/{organisation.pk}/", {"call": call.pk, "title": "Półkolonie"})
    offer_obj = Application.objects.get(organisation=organisation)
    assert response.status_code == 302 and response["Location"] == f"/offers/{offer_obj.pk}/edit/"
    assert offer_obj.title == "Półkolonie" and offer_obj.status == "draft"


def test_a_refused_start_keeps_the_typed_title(client):
    organisation = OrganisationFactory(verified_at=timezone.now())
    client.force_login(make_ngo_member(organisation))
    open_call()
    response = client.post(f"/offers/organisation/{organisation.pk}/", {"call": "", "title": "Mój tytuł oferty"})
    assert response.status_code == 400
    assert "Mój tytuł oferty" in response.content.decode()
    assert not Application.objects.exists()


def test_the_page_is_hidden_from_other_organisations_and_anonymous_visitors(client):
    application, _ = offer()
    url = f"/offers/organisation/{application.organisation_id}/"
    client.force_login(make_ngo_member(OrganisationFactory(verified_at=timezone.now())))
    assert client.get(url).status_code == 404
    assert client.post(url, {"call": application.call_id, "title": "x"}).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert Application.objects.count() == 1


def test_an_official_sees_the_offers_but_cannot_start_one(client):
    application, _ = offer(status="submitted")
    client.force_login(UserFactory(roles=["official"]))
    page = client.get(f"/offers/organisation/{application.organisation_id}/").content.decode()
    assert application.title in page
    assert 'name="title"' not in page
