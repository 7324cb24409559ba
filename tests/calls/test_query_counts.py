"""The public programme page and the API run a number of SQL queries that does not grow with the data."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from calls.enums import CallStatus
from calls.models import Call, Criterion, PublicTask
from core.models import StoredDocument
from organisations.models import Sphere
from tests.factories import ProgrammeFactory, UserFactory

pytestmark = pytest.mark.django_db

# a mix that exercises every branch of the page: drafts (hidden from the public), open and closed calls
STATUS_CYCLE = [
    CallStatus.DRAFT,
    CallStatus.ANNOUNCED,
    CallStatus.CLOSED,
    CallStatus.RESOLVED,
    CallStatus.CANCELLED,
    CallStatus.ANNOUNCED,
]


@pytest.fixture
def programme(db):
    return ProgrammeFactory(year=timezone.localdate().year)


@pytest.fixture
def document(db):
    return StoredDocument.store(kind="call_announcement", content=b"%PDF-1.7 test")


def add_tasks(programme, count, *, start):
    spheres = list(Sphere.objects.all()[:5])
    return PublicTask.objects.bulk_create(
        PublicTask(
            programme=programme,
            number=f"{start + i + 1}",
            title=f"Zadanie masowe {start + i + 1}",
            sphere=spheres[i % len(spheres)],
            form="supporting" if i % 2 else "entrusting",
            planned_funds=Decimal("1000.00") + i,
            planned_quarter=i % 4 + 1,
        )
        for i in range(count)
    )


def add_calls(tasks, document, *, start=0):
    now = timezone.now()
    calls = []
    for i, task in enumerate(tasks):
        status = STATUS_CYCLE[(start + i) % len(STATUS_CYCLE)]
        deadline = now + datetime.timedelta(days=10 if status == CallStatus.ANNOUNCED else -10)
        calls.append(
            Call(
                task=task,
                status=status,
                title=f"Konkurs masowy {start + i + 1}",
                funds=Decimal("500.00"),
                offer_deadline=deadline,
                published_bip_at=deadline - datetime.timedelta(days=30),
                published_board_at=deadline - datetime.timedelta(days=30),
                published_website_at=deadline - datetime.timedelta(days=30),
                announcement=None if status == CallStatus.DRAFT else document,
            )
        )
    calls = Call.objects.bulk_create(calls)
    Criterion.objects.bulk_create(
        Criterion(call=call, statutory="capacity", name="Możliwość realizacji", max_points=10, position=p)
        for call in calls
        for p in (1, 2)
    )
    return calls


def queries(make_client, url):
    client = make_client()  # a fresh client (and user object) per request: no cache carried over
    cache.clear()  # measure rendering, not the public-page cache (bulk_create sends no signals)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def anonymous():
    return Client()


def logged_in_official():
    official = UserFactory(roles=["official"])

    def make():
        client = Client()
        client.force_login(official)
        return client

    return make


@pytest.mark.parametrize("who", ["anonymous", "official"])
@pytest.mark.parametrize("url", ["/", "/programme/{year}/"])
def test_the_programme_page_runs_as_many_queries_for_500_tasks_as_for_10(url, who, programme, document):
    make_client = anonymous if who == "anonymous" else logged_in_official()
    url = url.format(year=programme.year)
    # given 10 tasks, each with a call
    add_calls(add_tasks(programme, 10, start=0), document)
    small, _ = queries(make_client, url)
    # when there are 500
    add_calls(add_tasks(programme, 490, start=10), document, start=10)
    large, response = queries(make_client, url)
    # then the page lists them all with the same number of queries
    page = response.content.decode()
    assert "Zadanie masowe 500" in page
    assert "Konkurs masowy 500" in page
    assert large == small


@pytest.mark.parametrize("who", ["anonymous", "official"])
def test_the_calls_api_runs_as_many_queries_for_150_calls_as_for_10(who, programme, document):
    official = UserFactory(roles=["official"])

    def make_client():
        client = APIClient()
        if who == "official":
            client.force_authenticate(type(official).objects.get(pk=official.pk))
        return client

    # given 10 calls
    add_calls(add_tasks(programme, 10, start=0), document)
    small, _ = queries(make_client, "/api/v1/calls/")
    # when there are 150 (a full page of 100)
    add_calls(add_tasks(programme, 140, start=10), document, start=10)
    large, response = queries(make_client, "/api/v1/calls/")
    # then a full page comes back with the same number of queries
    data = response.json()
    assert len(data["results"]) == 100
    assert all(len(c["criteria"]) == 2 for c in data["results"])
    assert large == small


@pytest.mark.parametrize("who", ["anonymous", "official"])
def test_the_tasks_api_runs_as_many_queries_for_150_tasks_as_for_10(who, programme, document):
    official = UserFactory(roles=["official"])

    def make_client():
        client = APIClient()
        if who == "official":
            client.force_authenticate(type(official).objects.get(pk=official.pk))
        return client

    add_calls(add_tasks(programme, 10, start=0), document)
    small, _ = queries(make_client, "/api/v1/tasks/")
    add_calls(add_tasks(programme, 140, start=10), document, start=10)
    large, response = queries(make_client, "/api/v1/tasks/")
    assert len(response.json()["results"]) == 100
    assert large == small
