"""The register's list page and API list run a number of SQL queries that does not grow with the register."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from organisations.models import Organisation, Sphere
from organisations.search import fold, fold_case
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def add_organisations(count, *, start):
    """``count`` organisations (every fifth awaiting verification), each in two spheres."""
    spheres = list(Sphere.objects.all())
    now = timezone.now()
    names = [f"Stowarzyszenie Żółte nr {start + i:04d}" for i in range(count)]
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=name,
            name_folded=fold_case(name),
            name_ascii=fold(name),
            city="Zabrze",
            verified_at=None if (start + i) % 5 == 0 else now,
        )
        for i, name in enumerate(names)
    )
    Organisation.spheres.through.objects.bulk_create(
        Organisation.spheres.through(organisation=o, sphere=spheres[(start + i + k) % len(spheres)])
        for i, o in enumerate(organisations)
        for k in (0, 7)
    )


def clients(who):
    official = UserFactory(roles=["official"]) if who == "official" else None

    def make(api=False):
        client = APIClient() if api else Client()
        if official is not None:
            # a fresh user object per request: no roles cached across requests
            client.force_login(type(official).objects.get(pk=official.pk))
        return client

    return make


def queries(client, url, params):
    cache.clear()  # measure rendering, not the public-page cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


@pytest.mark.parametrize("who", ["anonymous", "official"])
@pytest.mark.parametrize("params", [{}, {"q": "żółte"}, {"sphere": "8"}, {"page": "3"}])
def test_the_register_page_runs_as_many_queries_for_200_organisations_as_for_10(who, params):
    make = clients(who)
    add_organisations(10, start=0)
    small, _ = queries(make(), "/organisations/", params)
    add_organisations(190, start=10)
    large, response = queries(make(), "/organisations/", params)
    page = response.content.decode()
    if not params:
        # a full page of 50, each with its spheres
        assert len(re.findall(r'<a href="/organisations/\d+/">', page)) == 50
        assert "Stowarzyszenie Żółte nr 0001" in page
        assert "<abbr" in page
    assert large == small


@pytest.mark.parametrize("who", ["anonymous", "official"])
@pytest.mark.parametrize("params", [{}, {"q": "zolte"}, {"sphere": "8"}])
def test_the_register_api_runs_as_many_queries_for_200_organisations_as_for_10(who, params):
    make = clients(who)
    add_organisations(10, start=0)
    small, _ = queries(make(api=True), "/api/v1/organisations/", params)
    add_organisations(190, start=10)
    large, response = queries(make(api=True), "/api/v1/organisations/", params)
    data = response.json()
    if not params:
        assert len(data["results"]) == 100
        assert all(len(o["spheres"]) == 2 for o in data["results"])
    assert large == small
