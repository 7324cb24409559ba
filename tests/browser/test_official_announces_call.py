"""An official announces a call in the panel; the public sees it. Headless Chromium on the live server.

Fields and buttons are found by their ``name``/``type`` and by link targets, not by visible text:
the interface is Polish by default and its wording may change with the translation.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.utils import dateformat, timezone, translation

from calls.enums import CallStatus
from calls.models import Call
from notifications.models import OutboxMessage
from tests.factories import PASSWORD, MediaOutletFactory, TaskFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"

TITLE = "Otwarty konkurs ofert: „Aktywne podwórka” — sport dzieci i młodzieży 2026"


def local(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def polish_datetime(value):
    """What the public pages show for a date-time: Warsaw time, Polish month name in the genitive."""
    with translation.override("pl"):
        return dateformat.format(timezone.localtime(value), "j E Y, H:i")


def submit(page, form_selector):
    """Press the form's submit button; the answer (after redirects) must not be an error page."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form_selector} button[type=submit]").click()
    response = navigation.value
    assert response.status < 400, f"{response.request.method} {form_selector} answered {response.status} at {page.url}"
    return response


@pytest.mark.django_db(transaction=True)
def test_official_creates_and_announces_a_call_which_the_public_then_sees(page, browser, live_server, official):
    task = TaskFactory(title="Upowszechnianie sportu wśród dzieci")
    MediaOutletFactory()  # announcing writes a notice for it
    today = timezone.localdate()
    published = local(today, 8)
    deadline = local(today + datetime.timedelta(days=30), 12)

    # Log in through the real form.
    page.goto("/accounts/login/")
    page.fill("input[name=username]", official.username)
    page.fill("input[name=password]", PASSWORD)
    submit(page, "main form")
    assert "/accounts/login/" not in page.url

    # The panel, then "New call".
    page.goto("/panel/")
    with page.expect_navigation():
        page.locator("main a[href='/panel/calls/new/']").click()
    page.select_option("select[name=task]", str(task.pk))
    values = {
        "title": TITLE,
        "task_type": "Organizacja zajęć sportowych dla dzieci i młodzieży na podwórkach.",
        "funds": "80000.00",
        "award_rules": "Dotacje przyznaje Prezydent Miasta po zaopiniowaniu ofert przez komisję konkursową.",
        "realisation_start": (today + datetime.timedelta(days=60)).isoformat(),
        "realisation_end": (today + datetime.timedelta(days=180)).isoformat(),
        "realisation_conditions": "Zadanie realizowane na terenie miasta, zajęcia bezpłatne dla uczestników.",
        "offer_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        "procedure": "Ocena formalna, następnie merytoryczna według kryteriów z art. 15 ust. 1.",
        "decision_by": (today + datetime.timedelta(days=45)).isoformat(),
        "max_grant_share_percent": "90",
        "published_bip_at": published.strftime("%Y-%m-%dT%H:%M"),
        "published_board_at": published.strftime("%Y-%m-%dT%H:%M"),
        "published_website_at": published.strftime("%Y-%m-%dT%H:%M"),
    }
    for name, value in values.items():
        page.fill(f"form.form [name={name}]", value)
    submit(page, "form.form")

    match = re.search(r"/panel/calls/(\d+)/$", page.url)
    assert match, f"after saving, the browser is at {page.url}"
    call = Call.objects.get(pk=int(match.group(1)))
    assert call.title == TITLE
    assert call.status == CallStatus.DRAFT
    assert call.offer_deadline == deadline
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator(".warning-box").count() == 0, page.locator(".warning-box").inner_text()

    # Announce… then Announce.
    with page.expect_navigation():
        page.locator(f"main a[href='/panel/calls/{call.pk}/announce/']").click()
    assert page.locator(".warning-box").count() == 0, page.locator(".warning-box").inner_text()
    submit(page, "main form[method=post]")
    assert page.url.endswith(f"/panel/calls/{call.pk}/")
    assert page.locator(".status-line .badge.status-announced").count() == 1
    assert Call.objects.get(pk=call.pk).status == CallStatus.ANNOUNCED
    assert OutboxMessage.objects.filter(event="call_announced").count() == 1

    # An anonymous visitor (a fresh browser context) sees it among the open calls on the home page.
    visitor_context = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url)
    try:
        visitor = visitor_context.new_page()
        visitor.set_default_timeout(15000)
        visitor.goto("/")
        assert visitor.locator("form[action='/accounts/logout/']").count() == 0
        card = visitor.locator("section[aria-labelledby=open-calls-h] .card").filter(has_text=TITLE)
        assert card.count() == 1
        assert card.locator("time").get_attribute("datetime") == deadline.isoformat()
        assert polish_datetime(deadline) in card.inner_text()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        visitor.screenshot(path=str(SCREENSHOTS / "home-open-calls.png"), full_page=True)

        with visitor.expect_navigation():
            card.locator(f"a[href='/calls/{call.pk}/']").click()
        assert visitor.locator("h1").inner_text() == TITLE
        assert polish_datetime(deadline) in visitor.locator("main").inner_text()
        assert visitor.locator(".status-line .badge.status-announced").count() == 1
        visitor.screenshot(path=str(SCREENSHOTS / "call-detail.png"), full_page=True)
    finally:
        visitor_context.close()


@pytest.mark.django_db(transaction=True)
def test_keyboard_user_can_skip_to_content_and_switch_language(page):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "pl"

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement"), "the first Tab does not reach the skip link"
    assert skip.get_attribute("href") == "#main"
    box = skip.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["width"] > 0 and box["height"] > 0
    assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], f"skip link off screen: {box}"
    assert 0 <= box["y"] and box["y"] + box["height"] <= viewport["height"], f"skip link off screen: {box}"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    skip_text_pl = skip.inner_text()

    page.select_option("select[name=language]", "en")
    submit(page, "form.lang")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("select[name=language]").input_value() == "en"
    assert skip.inner_text() != skip_text_pl, "the page did not change language"

    page.select_option("select[name=language]", "pl")
    submit(page, "form.lang")
    assert page.locator("html").get_attribute("lang") == "pl"
    assert skip.inner_text() == skip_text_pl
