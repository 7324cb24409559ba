"""The public programme page is served from a cache to anonymous visitors and is never stale."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from calls.services import call_cancel, call_transition, task_save
from tests.factories import CallFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


def past_deadline_call(status, **kwargs):
    published = timezone.now() - datetime.timedelta(days=40)
    return CallFactory(
        status=status, published_bip_at=published, offer_deadline=published + datetime.timedelta(days=30), **kwargs
    )


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


def test_a_change_made_by_an_official_shows_at_once(django_capture_on_commit_callbacks):
    official = UserFactory(roles=["official"])
    task = TaskFactory(title="Stary tytuł zadania")
    get(Client())
    with django_capture_on_commit_callbacks(execute=True):  # the version is bumped on commit
        task_save(actor=official, task=task, data={"title": "Nowy tytuł zadania"})
    page, queries = get(Client())
    assert queries > 0
    assert "Nowy tytuł zadania" in page and "Stary tytuł zadania" not in page


def test_a_closed_call_going_to_evaluation_shows_at_once(django_capture_on_commit_callbacks):
    official = UserFactory(roles=["official"])
    call = past_deadline_call("closed", title="Konkurs do oceny")
    assert "zamknięty" in get(Client())[0]
    with django_capture_on_commit_callbacks(execute=True):
        call_transition(call=call, name="start_evaluation", actor=official)
    page = get(Client())[0]
    assert "zamknięty" not in page and "w ocenie" in page


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


def test_a_call_page_is_cached_and_refreshed_when_the_call_changes(django_capture_on_commit_callbacks):
    official = UserFactory(roles=["official"])
    call = past_deadline_call("closed", title="Konkurs na stronie")
    url = f"/calls/{call.pk}/"
    get(Client(), url)
    assert get(Client(), url)[1] == 0
    with django_capture_on_commit_callbacks(execute=True):
        call_cancel(call=call, actor=official, ground="no_offers", reason="Brak ofert.")
    page, queries = get(Client(), url)
    assert queries > 0
    assert "unieważniony" in page


def test_a_draft_is_never_cached_for_anyone():
    call = CallFactory(title="Projekt")
    assert Client().get(f"/calls/{call.pk}/").status_code == 404
    assert Client().get(f"/calls/{call.pk}/").status_code == 404


def test_a_change_is_not_published_to_the_cache_before_it_commits():
    task = TaskFactory(title="Zadanie przed zatwierdzeniem")
    get(Client())
    task.title = "Zmiana niezatwierdzona"
    task.save()  # inside the test's transaction: not committed, so the cached page stays current
    assert get(Client())[1] == 0


def test_pages_and_writes_work_when_the_cache_server_is_down(settings, django_capture_on_commit_callbacks):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    official = UserFactory(roles=["official"])
    call = past_deadline_call("closed", title="Konkurs bez pamięci podręcznej")
    page, queries = get(Client(), "/calls/")
    assert "Konkurs bez pamięci podręcznej" in page and queries > 0
    with django_capture_on_commit_callbacks(execute=True):
        call_cancel(call=call, actor=official, ground="no_offers", reason="Brak ofert.")
    call.refresh_from_db()
    assert call.status == "cancelled"
    assert get(Client(), f"/calls/{call.pk}/")[0].count("unieważniony") >= 1


def test_drafting_an_offer_keeps_the_public_pages_cached_and_submitting_refreshes_them(
    django_capture_on_commit_callbacks,
):
    from applications import services
    from applications.models import Application
    from tests.applications.helpers import complete_content, offer

    application, member = offer()
    get(Client())
    with django_capture_on_commit_callbacks(execute=True):  # an autosave of a draft section
        services.offer_section_save(application=application, actor=member, section="contact", data={"name": "Anna"})
    assert get(Client())[1] == 0  # still served from the cache

    Application.objects.filter(pk=application.pk).update(content=complete_content(application.call))
    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, actor=member)
    assert get(Client())[1] > 0  # the submission changes what the call's page counts
