"""The public programme page is served from a cache to anonymous visitors and is never stale."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.services import call_cancel, task_save
from tests.factories import CallFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


def get(client, url="/"):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def test_a_second_anonymous_visit_is_served_without_touching_the_database():
    TaskFactory(title="Zadanie z pamięci podręcznej")
    first, first_queries = get(Client())
    second, second_queries = get(Client())
    assert first_queries > 0
    assert second_queries == 0
    assert second == first
    assert "Zadanie z pamięci podręcznej" in second


def test_a_change_made_by_an_official_shows_at_once():
    official = UserFactory(roles=["official"])
    task = TaskFactory(title="Stary tytuł zadania")
    get(Client())
    task_save(actor=official, task=task, data={"title": "Nowy tytuł zadania"})
    page, queries = get(Client())
    assert queries > 0
    assert "Nowy tytuł zadania" in page and "Stary tytuł zadania" not in page


def test_a_cancelled_call_leaves_the_open_calls_at_once():
    official = UserFactory(roles=["official"])
    call = CallFactory(status="announced", title="Konkurs do unieważnienia")
    assert "Konkurs do unieważnienia" in get(Client())[0]
    call_cancel(call=call, actor=official, ground="no_offers", reason="Brak ofert.")
    assert "Trwające nabory ofert" in get(Client())[0]
    open_section = get(Client())[0].split("Trwające nabory ofert")[1].split("<h2")[0]
    assert "Konkurs do unieważnienia" not in open_section


def test_a_call_leaves_the_open_calls_when_its_deadline_passes_without_any_change():
    call = CallFactory(status="announced", title="Konkurs z terminem")
    deadline = call.offer_deadline
    with time_machine.travel(deadline - datetime.timedelta(seconds=5), tick=False):
        before = get(Client())[0].split("Trwające nabory ofert")[1].split("<h2")[0]
    with time_machine.travel(deadline + datetime.timedelta(seconds=1), tick=False):
        after = get(Client())[0].split("Trwające nabory ofert")[1].split("<h2")[0]
    assert "Konkurs z terminem" in before
    assert "Konkurs z terminem" not in after
    assert timezone.now() < deadline


def test_logged_in_people_never_get_the_shared_page():
    official = UserFactory(roles=["official"])
    CallFactory(title="Projekt konkursu widoczny dla urzędnika")  # a draft
    get(Client())  # an anonymous visit fills the cache
    client = Client()
    client.force_login(official)
    page, queries = get(client)
    assert queries > 0
    assert "Projekt konkursu widoczny dla urzędnika" in page


def test_a_call_page_is_cached_and_refreshed_when_the_call_changes():
    official = UserFactory(roles=["official"])
    call = CallFactory(status="announced", title="Konkurs na stronie")
    url = f"/calls/{call.pk}/"
    get(Client(), url)
    assert get(Client(), url)[1] == 0
    call_cancel(call=call, actor=official, ground="no_offers", reason="Brak ofert.")
    page, queries = get(Client(), url)
    assert queries > 0
    assert "unieważniony" in page


def test_a_draft_is_never_cached_for_anyone():
    call = CallFactory(title="Projekt")
    assert Client().get(f"/calls/{call.pk}/").status_code == 404
    assert Client().get(f"/calls/{call.pk}/").status_code == 404
