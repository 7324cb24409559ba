"""The small-grant pages in headless Chromium: no detectable WCAG 2.1 AA violations (axe-core), and a
refused comment keeps what was typed."""

import datetime

import pytest
from django.utils import timezone

from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant
from tests.browser.helpers import audit, log_in_as_official, violations
from tests.conftest import wait_for
from tests.factories import PASSWORD
from tests.smallgrants.helpers import small_grant

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_public_and_organisation_pages_have_no_detectable_wcag_violations(page):
    published, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=3))
    draft, member = small_grant()
    for path in ["/small-grants/", f"/small-grants/{published.pk}/"]:
        assert violations(page, path) == [], path
    log_in(page, member)
    for path in [
        "/small-grants/mine/",
        "/small-grants/new/",
        f"/small-grants/{draft.pk}/",
        f"/small-grants/{draft.pk}/edit/",
        f"/small-grants/{draft.pk}/summary/",
    ]:
        assert violations(page, path) == [], path


def test_the_panel_pages_have_no_detectable_wcag_violations(page):
    submitted, _ = small_grant(SmallGrantStatus.SUBMITTED)
    log_in_as_official(page)
    for path in ["/panel/small-grants/", f"/panel/small-grants/{submitted.pk}/"]:
        assert violations(page, path) == [], path


def test_a_refused_comment_keeps_the_text_and_stays_accessible(page):
    published, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=3))
    page.goto(f"/small-grants/{published.pk}/")
    page.fill("textarea[name=text]", "Proszę o więcej zajęć dla seniorów.")
    page.locator("form[action$='/comment/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("textarea[name=text]").input_value() == "Proszę o więcej zajęć dla seniorów."
    assert page.locator("input[name=author_name][aria-invalid=true]").count() == 1
    assert audit(page) == []


def test_the_editor_saves_in_the_background_when_a_field_is_left(page):
    draft, member = small_grant()
    log_in(page, member)
    page.goto(f"/small-grants/{draft.pk}/edit/")
    page.fill("textarea[name=task_place]", "Park Hutniczy w Zabrzu")
    page.locator("textarea[name=task_target_group]").focus()
    page.wait_for_function("document.getElementById('autosave-status').textContent.length > 0")
    assert wait_for(
        lambda: SmallGrant.objects.get(pk=draft.pk).content["task"]["place"] == "Park Hutniczy w Zabrzu",
        message="the autosaved place",
    )
