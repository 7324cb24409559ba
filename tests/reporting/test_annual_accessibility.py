"""WCAG 2.1 A/AA checks (axe-core, headless Chromium) on the programme report's public page with its
charts, the open data page and the officials' panel page; and the official publishes through the button."""

import pytest

from reporting.models import ProgrammeReport
from tests.browser.helpers import log_in_as_official, violations

from .annual_panel_requests import YEAR, annual_world

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.reporting.annual_test_urls"),
]


def test_the_report_pages_have_no_detectable_wcag_violations_and_the_official_publishes(page):
    annual_world()
    for path in [f"/programme/{YEAR}/report/", "/open-data/"]:
        assert violations(page, path) == [], path

    log_in_as_official(page)
    for path in ["/panel/programme-report/", f"/panel/programme-report/{YEAR}/"]:
        assert violations(page, path) == [], path
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**/panel/programme-report/{YEAR}/")
    assert ProgrammeReport.objects.get(programme__year=YEAR).published_at is not None
    assert violations(page, f"/programme/{YEAR}/report/") == []
