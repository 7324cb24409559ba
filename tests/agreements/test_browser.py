"""The agreement pages in headless Chromium, audited with axe-core: the panel's list, detail and forms
(also refused with errors), and the organisation's page with the bank-account form."""

import pytest

from agreements.enums import AgreementStatus
from tests.agreements.helpers import agreement
from tests.browser.helpers import audit, log_in_as_official, violations
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_the_panel_pages_have_no_detectable_wcag_violations(page):
    draft, _member = agreement(AgreementStatus.DRAFT, iban="")
    signed, _member = agreement(AgreementStatus.SIGNED)
    log_in_as_official(page)
    for path in [
        "/panel/agreements/",
        f"/panel/agreements/{draft.pk}/",
        f"/panel/agreements/{draft.pk}/edit/",
        f"/panel/agreements/{draft.pk}/tranches/",
        f"/panel/agreements/{signed.pk}/",
        f"/panel/agreements/{signed.pk}/annexes/new/",
        f"/panel/agreements/{signed.pk}/terminate/",
    ]:
        assert violations(page, path) == [], path


def test_the_edit_form_refused_keeps_what_was_typed_and_stays_accessible(page):
    draft, _member = agreement(AgreementStatus.DRAFT, iban="")
    log_in_as_official(page)
    page.goto(f"/panel/agreements/{draft.pk}/edit/")
    page.fill("input[name=iban]", "PL61 1090 1014 0000 0712 1981 2875")
    page.fill("input[name=grant_amount]", "1 000,00")
    page.locator("main form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=iban]").input_value() == "PL61 1090 1014 0000 0712 1981 2875"
    assert page.locator("input[name=grant_amount]").input_value() == "1 000,00"
    assert page.locator("input[name=iban][aria-invalid=true]").count() == 1
    assert page.locator("input[name=grant_amount][aria-invalid=true]").count() == 1
    assert audit(page) == []


def test_the_organisation_page_with_the_bank_account_form_is_accessible(page):
    draft, member = agreement(AgreementStatus.DRAFT, iban="", account_holder_declared=False)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", member.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    assert violations(page, f"/agreements/{draft.pk}/") == []
    assert violations(page, "/agreements/") == []
    page.goto(f"/agreements/{draft.pk}/")
    page.fill("input[name=iban]", "PL61 1090")
    page.locator("form[action$='/bank-account/'] button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=iban]").input_value() == "PL61 1090"
    assert page.locator("input[name=iban][aria-invalid=true]").count() == 1
    assert audit(page) == []


@pytest.fixture
def contexts():
    opened = []
    yield opened
    for context in opened:
        context.close()


def log_in(browser, live_server, user, contexts):
    context = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url)
    contexts.append(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto("/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def press(page, selector):
    with page.expect_navigation() as navigation:
        page.locator(selector).click()
    assert navigation.value.status < 400, page.url
    return navigation.value


def test_from_an_awarded_offer_to_a_signed_agreement(browser, live_server, tmp_path, contexts):
    """The official prepares the agreement, the organisation gives its account, the official marks it
    ready, the organisation downloads and uploads it signed, the official records the signing."""
    from decimal import Decimal

    from agreements.models import Agreement
    from applications.enums import ApplicationStatus
    from tests.agreements.helpers import resolved_call
    from tests.applications.helpers import offer
    from tests.factories import UserFactory

    application, member = offer(resolved_call(), status=ApplicationStatus.AWARDED)
    application.awarded_amount = Decimal("900.00")
    application.save(update_fields=["awarded_amount"])
    official = log_in(browser, live_server, UserFactory(roles=["official"]), contexts)

    official.goto("/panel/agreements/")
    press(official, f"form[action$='/prepare/offer/{application.pk}/'] button")
    made = Agreement.objects.get(application=application)
    assert official.url.endswith(f"/panel/agreements/{made.pk}/")
    assert official.locator("#ready-blockers").count() == 1  # the account is missing

    ngo = log_in(browser, live_server, member, contexts)
    ngo.goto("/agreements/")
    press(ngo, f"a[href='/agreements/{made.pk}/']")
    ngo.fill("input[name=iban]", "PL61 1090 1014 0000 0712 1981 2874")
    ngo.check("input[name=account_holder_declared]")
    press(ngo, "form[action$='/bank-account/'] button[type=submit]")
    assert ngo.locator("input[name=iban]").input_value() == "PL61 1090 1014 0000 0712 1981 2874"

    official.reload()
    assert official.locator("#ready-blockers").count() == 0
    press(official, f"form[action$='/{made.pk}/mark-ready/'] button")
    made.refresh_from_db()
    assert made.status == "ready"

    ngo.reload()
    pdf = ngo.request.get(f"/agreements/{made.pk}/agreement.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    signed = tmp_path / "umowa-podpisana.pdf"
    signed.write_bytes(pdf.body())
    ngo.set_input_files("form[action$='/upload/'] input[type=file]", str(signed))
    press(ngo, "form[action$='/upload/'] button[type=submit]")
    assert ngo.locator(f"a[href^='/agreements/{made.pk}/files/']").count() == 1

    official.goto(f"/panel/agreements/{made.pk}/sign/")
    official.check("input[name=method][value=uploaded]")
    press(official, "main form.form button[type=submit]")
    made.refresh_from_db()
    application.refresh_from_db()
    assert made.status == "signed" and application.status == ApplicationStatus.IN_REALISATION
    assert audit(official) == []
