"""WCAG 2.1 A/AA checks with axe-core on the register's pages: the public list and page, the panel, a refused form."""

import pytest

from tests.browser.helpers import audit, log_in_as_official, violations
from tests.factories import OrganisationFactory
from tests.organisations.helpers import VerifiedOrganisationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_public_register_has_no_detectable_wcag_violations(page):
    organisation = VerifiedOrganisationFactory(
        name="Fundacja „Zdrowe Zabrze”", krs="345678", phone="+48 32 123 45 67", sphere_codes=["6", "18"]
    )
    for i in range(55):
        VerifiedOrganisationFactory(name=f"Stowarzyszenie nr {i}", sphere_codes=["17"])
    for path in [
        "/organisations/",
        "/organisations/?page=2",
        "/organisations/?q=zdrowe&sphere=6",
        f"/organisations/{organisation.pk}/",
    ]:
        assert violations(page, path) == [], path


def test_the_register_panel_has_no_detectable_wcag_violations(page):
    log_in_as_official(page)
    waiting = OrganisationFactory(name="Fundacja Czekająca", krs="345678", sphere_codes=["3"])
    for path in [
        "/panel/organisations/",
        "/panel/organisations/new/",
        f"/panel/organisations/{waiting.pk}/",
        f"/organisations/{waiting.pk}/",
    ]:
        assert violations(page, path) == [], path


def test_a_refused_organisation_form_keeps_what_was_typed_and_stays_accessible(page):
    log_in_as_official(page)
    page.goto("/panel/organisations/new/")
    page.fill("input[name=name]", "Fundacja z błędnym NIP")
    page.fill("input[name=nip]", "123-456-78-90")
    page.locator("form.form button[type=submit].primary").click()
    page.wait_for_load_state()
    assert page.locator("input[name=nip]").input_value() == "123-456-78-90"
    assert page.locator("input[name=nip][aria-invalid=true]").count() == 1
    assert "cyfra kontrolna" in page.locator(".field.has-error").inner_text()
    assert audit(page) == []
