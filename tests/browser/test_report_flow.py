"""A final report from the agreement's budget to the settlement, in headless Chromium: the NGO fills
it and submits; the official returns it with a comment; the NGO sees the comment, corrects and
resubmits; the official accepts; the NGO sees the amount to return. Pages are audited with axe.

Fields are found by their ``name``, buttons by ``name`` and links by their targets, not by visible
text (the interface is Polish by default).
"""

import pytest
from playwright.sync_api import expect

from reporting.models import FundsReturn, Report
from tests.agreements.helpers import agreement
from tests.browser.helpers import audit
from tests.conftest import wait_for
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def press(page, selector):
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    return navigation.value


def test_the_ngo_reports_the_official_returns_then_accepts_and_the_return_is_shown(page, browser, live_server):
    made, member = agreement()
    UserFactory(username="urzednik", roles=["official"])

    # the NGO opens its reports and starts the final report from the agreement's budget
    log_in(page, member.username)
    page.goto("/reports/")
    press(page, f"a[href='/reports/agreement/{made.pk}/final/']")
    report = Report.objects.get(agreement=made)
    assert page.url.endswith(f"/reports/{report.pk}/edit/")
    expect(page.locator("fieldset.cost-line")).to_contain_text("1 000,00")
    assert audit(page) == []

    page.fill("[name=results_text]", "Rezultaty osiągnięte.")
    page.focus("[name='activity-0-done']")  # leaving a field saves the draft in the background
    wait_for(
        lambda: Report.objects.get(pk=report.pk).content.get("results_text") == "Rezultaty osiągnięte.",
        message="the autosaved draft",
    )
    expect(page.locator("#autosave-status")).not_to_be_empty()
    page.fill("[name='activity-0-done']", "Zajęcia odbyły się.")
    page.fill("[name='line-0-total']", "800,00")
    page.fill("[name='line-0-grant']", "700,00")
    page.fill("[name='line-0-own_financial']", "50,00")  # does not add up: 750,00
    page.fill("[name=contribution]", "Brak.")
    response = press(page, "button[name=submit]")
    assert response.status == 400
    expect(page.locator("#form-errors")).to_contain_text("750,00")
    expect(page.locator("[name='line-0-own_financial']")).to_have_value("50,00")
    page.fill("[name='line-0-own_financial']", "100,00")
    response = press(page, "button[name=submit]")
    assert response.status == 200 and page.url.endswith(f"/reports/{report.pk}/")

    # the official returns it with a comment
    official = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url).new_page()
    official.set_default_timeout(15000)
    log_in(official, "urzednik")
    official.goto("/panel/reports/")
    press(official, f"main a[href='/panel/reports/{report.pk}/']")
    assert audit(official) == []
    official.fill("[name='return-comments']", "Proszę opisać zajęcia dokładniej.")
    press(official, "button[name=return]")
    expect(official.locator(".badge.status-returned")).to_be_visible()

    # the NGO sees the comment, corrects and resubmits
    page.goto(f"/reports/{report.pk}/edit/")
    expect(page.locator(".returned-comments")).to_contain_text("Proszę opisać zajęcia dokładniej.")
    page.fill("[name='activity-0-done']", "Zajęcia sportowe odbywały się codziennie, 30 dzieci.")
    press(page, "button[name=submit]")
    assert Report.objects.get(pk=report.pk).submissions.count() == 2

    # the official accepts; 200,00 zł of the grant is unused
    official.goto(f"/panel/reports/{report.pk}/")
    press(official, "button[name=accept]")
    assert Report.objects.get(pk=report.pk).status == "accepted"
    assert FundsReturn.objects.get().amount == 200

    # the NGO sees the amount to return
    page.goto("/reports/")
    expect(page.locator(".return-due")).to_contain_text("200,00")
    assert audit(page) == []
    page.goto(f"/reports/{report.pk}/")
    expect(page.locator(".return-due")).to_contain_text("200,00")
    assert audit(page) == []
