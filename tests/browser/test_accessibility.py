"""WCAG 2.1 A/AA checks with axe-core in headless Chromium on the pages people use.

axe-core comes from the npm registry (package.json; `make test` runs `npm ci`). It finds what a
machine can find (contrast, labels, names, landmarks, ARIA); it does not replace a manual audit.
"""

from pathlib import Path

import pytest

from tests.factories import PASSWORD, CallFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def violations(page, path):
    response = page.goto(path)
    assert response.status == 200, path
    return audit(page)


def audit(page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:5])
        for v in result["violations"]
    ]


def test_public_pages_have_no_detectable_wcag_violations(page):
    announced = CallFactory(status="announced", title="Konkurs „Zdrowe Zabrze”")
    year = announced.task.programme.year
    for path in ["/", f"/programme/{year}/", "/calls/", f"/calls/{announced.pk}/", "/accounts/login/"]:
        assert violations(page, path) == [], path


def test_the_officials_panel_has_no_detectable_wcag_violations(page):
    UserFactory(username="urzednik", roles=["official"])
    draft = CallFactory(title="Projekt konkursu")
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "urzednik")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/")
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
    UserFactory(username="urzednik", roles=["official"])
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "urzednik")
    page.fill("input[name=password]", PASSWORD)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url("**/")
    page.goto("/panel/programmes/new/")
    page.fill("input[name=year]", "1500")
    page.fill("input[name=title]", "Program z błędem")
    page.locator("form.form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("input[name=title]").input_value() == "Program z błędem"
    assert page.locator("input[name=year][aria-invalid=true]").count() == 1
    assert audit(page) == []
