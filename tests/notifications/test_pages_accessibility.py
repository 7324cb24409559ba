"""WCAG 2.1 A/AA checks (axe-core, headless Chromium) on the media register, press notes, delivery
dashboard, the outlets' unsubscribe page and the notice preferences."""

import pytest
from django.conf import settings

from calls.enums import CallStatus
from notifications.media import CALLS, unsubscribe_url
from notifications.models import OutboxMessage, PressNote
from tests.browser.helpers import log_in_as_official, violations
from tests.factories import PASSWORD, CallFactory, MediaOutletFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_notice_pages_have_no_detectable_wcag_violations(page):
    outlet = MediaOutletFactory(name="Radio Zabrze")
    MediaOutletFactory(consent_at=None, active=False)
    call = CallFactory(status=CallStatus.RESOLVED, title="Konkurs „Zdrowe Zabrze”")
    note = PressNote.objects.create(
        call=call, subject="Wyniki konkursu", body="Tekst notatki.\n\nWyniki: http://example.org/", generated_body="T"
    )
    failed = OutboxMessage.objects.create(
        event="call_announced",
        recipient="anna@example.org",
        subject="Nowy konkurs",
        body_text="Treść",
        body_html="<p>Treść</p>",
        dedupe_key="a11y",
        status="failed",
        attempts=8,
        last_error="SMTPRecipientsRefused: 550",
    )
    log_in_as_official(page)
    for path in [
        "/panel/media/",
        "/panel/media/new/",
        f"/panel/media/{outlet.pk}/",
        "/panel/press-notes/",
        f"/panel/press-notes/{note.pk}/",
        "/panel/notices/",
        "/panel/notices/?status=failed",
        f"/panel/notices/{failed.pk}/",
        "/accounts/preferences/",
    ]:
        assert violations(page, path) == [], path


def test_the_unsubscribe_page_has_no_detectable_wcag_violations(page):
    outlet = MediaOutletFactory()
    assert violations(page, unsubscribe_url(outlet, CALLS).removeprefix(settings.SITE_URL)) == []
    page.locator("form.unsubscribe button[type=submit]").click()
    page.wait_for_load_state()
    outlet.refresh_from_db()
    assert not outlet.wants_calls


def test_the_preferences_page_of_an_ngo_member_has_no_detectable_wcag_violations(page):
    UserFactory(username="ngo-a11y")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "ngo-a11y")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert violations(page, "/accounts/preferences/") == []
