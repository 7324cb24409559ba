"""The programme report's panel URLs refuse anonymous visitors (login) and NGO members (403 with the reason),
for GET and POST, and nothing changes; the same check tests/calls/test_permissions.py makes for every panel URL."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from reporting.annual_urls import panel_patterns
from reporting.models import ProgrammeReport
from tests.calls.helpers import World, db_snapshot
from tests.factories import MediaOutletFactory, make_ngo_member

from .annual_panel_requests import panel_request

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.reporting.annual_test_urls")]

NAMES = [pattern.name for pattern in panel_patterns]


@pytest.fixture
def world(db):
    MediaOutletFactory(wants_results=True)
    return World()


def snapshot():
    return {**db_snapshot(), "reports": list(ProgrammeReport.objects.values_list("pk", "published_at", "data"))}


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", NAMES)
def test_anonymous_visitors_are_sent_to_the_login_page(name, method, world):
    url, data = panel_request(world, name)
    before = snapshot()
    response = getattr(Client(), method)(url, data)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", NAMES)
def test_ngo_members_are_refused_with_the_reason(name, method, world):
    url, data = panel_request(world, name)
    client = Client()
    client.force_login(make_ngo_member())
    before = snapshot()
    response = getattr(client, method)(url, data)
    assert response.status_code == 403
    with translation.override("pl"):
        assert (
            escape(gettext("This panel is for officials of the NGO Centre and the approver."))
            in response.content.decode()
        )
    assert snapshot() == before


@pytest.mark.parametrize("name", NAMES)
def test_an_official_reaches_every_panel_url(name, world, official):
    # the control for the refusals above
    url, data = panel_request(world, name)
    client = Client()
    client.force_login(official)
    response = client.post(url, data) if name.endswith("publish") else client.get(url)
    assert response.status_code in (200, 302), response.content[:300]
    if name.endswith("publish"):
        assert ProgrammeReport.objects.filter(published_at__isnull=False).count() == 1


def test_publishing_is_a_post(world, official):
    url, _ = panel_request(world, "programme_report_publish")
    client = Client()
    client.force_login(official)
    assert client.get(url).status_code == 405
    assert not ProgrammeReport.objects.exists()
