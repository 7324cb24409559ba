"""WCAG 2.1 A/AA checks with axe-core in headless Chromium on the pages people use.

axe-core comes from the npm registry (package.json; `make test` runs `npm ci`). It finds what a
machine can find (contrast, labels, names, landmarks, ARIA); it does not replace a manual audit.
"""

import pytest

from tests.browser.helpers import audit, log_in_as_official, violations
from tests.factories import CallFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_have_no_detectable_wcag_violations(page):
    announced = CallFactory(status="announced", title="Konkurs „Zdrowe Zabrze”")
    year = announced.task.programme.year
    for path in ["/", f"/programme/{year}/", "/calls/", f"/calls/{announced.pk}/", "/accounts/login/"]:
        assert violations(page, path) == [], path


def test_the_officials_panel_has_no_detectable_wcag_violations(page):
    draft = CallFactory(title="Projekt konkursu")
    log_in_as_official(page)
    for path in [
        "/panel/",
        f"/panel/programmes/{draft.task.programme_id}/",
        f"/panel/calls/{draft.pk}/",
        f"/panel/calls/{draft.pk}/edit/",
        f"/panel/calls/{draft.pk}/criteria/",
        f"/panel/calls/{draft.pk}/announce/",
        "/panel/calls/new/",
        "/panel/tasks/new/",
    ]:
        assert violations(page, path) == [], path


def test_a_form_refused_with_errors_stays_accessible(page):
    log_in_as_official(page)
    page.goto("/panel/programmes/new/")
    page.fill("input[name=year]", "1500")
    page.fill("input[name=title]", "Program z błędem")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=title]").input_value() == "Program z błędem"
    assert page.locator("input[name=year][aria-invalid=true]").count() == 1
    assert audit(page) == []
