"""From the committee to the public results, in the browser: two members sign the impartiality
declaration and score both offers, the chair closes the scoring, the approver decides and publishes,
and an anonymous visitor reads the outcome. Headless Chromium on the live server.

The call, its two formally accepted offers and the committee (a chair and an NGO nominee, appointed
and the scoring opened by an official) are set up through the services; everything after that goes
through the real forms. Fields are found by their ``name``, buttons by ``name``/``type`` and links by
their targets, not by visible text: the interface is Polish by default and its wording changes.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from calls.enums import CallStatus
from core.money import format_pln
from core.roles import APPROVER, OFFICIAL
from evaluation import services
from evaluation.enums import CardStatus, EvaluationStatus, MemberRole
from evaluation.models import Decision, ScoreCard
from organisations.models import Organisation
from tests.applications.helpers import offer
from tests.browser.helpers import audit
from tests.calls.helpers import call_in_state
from tests.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

D = Decimal
CALL_TITLE = "Konkurs „Lato w mieście” 2026 — wypoczynek dzieci"
CHOSEN = ("Fundacja „Słoneczne Podwórko”", "Półkolonie nad Kłodnicą", D("12000.00"))
NOT_CHOSEN = ("Stowarzyszenie Szachistów „Goniec”", "Turniej szachowy dla dzieci", D("8000.00"))
AWARDED = D("10000.00")  # less than the 12 000,00 requested: a partial award


# --- steps -------------------------------------------------------------------------------------------


def new_page(browser, live_server):
    context = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def error_text(page):
    return " | ".join(page.locator(".error-box, .field-error, .warning-box").all_inner_texts())


def submit(page, selector):
    """Press the button (or the form's submit button); the answer after redirects must not be an error."""
    button = page.locator(selector if "button" in selector else f"{selector} button[type=submit]")
    assert button.count() == 1, f"{selector}: {button.count()} buttons at {page.url}"
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response.status < 400, f"{selector} answered {response.status} at {page.url}: {error_text(page)}"
    return response


def follow(page, href, lands_on=None):
    """Click the first link in the page's main content that goes to ``href``; the browser must land
    there (or on ``lands_on`` when the link redirects)."""
    link = page.locator(f"main a[href='{href}']")
    assert link.count() >= 1, f"no link to {href} at {page.url}"
    with page.expect_navigation():
        link.first.click()
    assert page.url.split("#")[0].endswith(lands_on or href), f"following {href} led to {page.url}"


def log_in(page, user):
    page.goto("/accounts/login/")
    page.fill("main form [name=username]", user.username)
    page.fill("main form [name=password]", PASSWORD)
    submit(page, "main form")
    assert "/accounts/login/" not in page.url, f"not logged in: {error_text(page)}"
    assert page.locator("header form[action='/accounts/logout/']").count() == 1


def shows_no_offer(page, offers):
    text = page.content()
    return [application.title for application in offers if application.title in text]


def sign_declaration(page, call, *, check_accessibility=False):
    """From "My committees", the member opens the call, lands on the declaration and signs it."""
    page.goto("/evaluation/")
    # an unsigned member is sent to the declaration
    follow(page, f"/evaluation/calls/{call.pk}/", lands_on=f"/evaluation/calls/{call.pk}/declaration/")
    if check_accessibility:
        assert audit(page) == [], "the declaration page"
    page.locator("main form.form input[type=checkbox][name=confirm]").check()
    submit(page, "main form.form")
    assert page.url.endswith(f"/evaluation/calls/{call.pk}/"), f"after signing, the browser is at {page.url}"


def fill_card(page, call, points):
    """Points (``points(criterion)``) and a justification for every criterion of the call."""
    for criterion in call.criteria.all():
        page.fill(f"main form.form [name=points_{criterion.pk}]", points(criterion))
        page.fill(
            f"main form.form [name=justification_{criterion.pk}]",
            f"{criterion.name}: ocena uzasadniona opisem działań i kosztorysem.",
        )


def score(page, call, application, points, *, draft_first=False, check_accessibility=False):
    """From the member's committee page: open the offer's card, fill it in and submit it."""
    card_url = f"/evaluation/offers/{application.pk}/card/"
    follow(page, card_url)
    if check_accessibility:
        assert audit(page) == [], "the scoring card page"
    fill_card(page, call, points)
    if draft_first:
        # Saved as a draft, the card stays open for changes; then it is submitted as it now stands.
        submit(page, "main form.form button[name=action][value=save]")
        assert page.url.endswith(card_url)
        first = call.criteria.first()
        field = page.locator(f"main form.form [name=points_{first.pk}]")
        assert field.input_value() == points(first)
        field.fill("0")
    submit(page, "main form.form button[name=action][value=submit]")
    assert page.url.endswith(f"/evaluation/calls/{call.pk}/"), f"after submitting, the browser is at {page.url}"
    # the offer's row now links to the card, no more to "Score"
    assert page.locator(f"main a.button[href='{card_url}']").count() == 0


def progress_cells(page, call):
    page.goto(f"/evaluation/calls/{call.pk}/progress/")
    return page.locator("main table.progress tbody td[class^=cell-]").evaluate_all(
        "cells => cells.map(c => c.className)"
    )


def decide(page, application, *, award, amount="", reason):
    """Fill in the offer's decision form on the decisions page; returns the form's section (the caller saves)."""
    section = f"main section#offer-{application.pk}"
    prefix = f"offer-{application.pk}"
    page.locator(f"{section} input[name='{prefix}-awarded'][value='{'award' if award else 'refuse'}']").check()
    page.fill(f"{section} [name='{prefix}-amount']", amount)
    page.fill(f"{section} [name='{prefix}-reason']", reason)
    return section


# --- the world --------------------------------------------------------------------------------------


def accepted_offer(call, organisation_name, title, requested):
    application, _member = offer(call, status=ApplicationStatus.FORMALLY_ACCEPTED)
    Organisation.objects.filter(pk=application.organisation_id).update(name=organisation_name)
    Application.objects.filter(pk=application.pk).update(title=title, requested_amount=requested)
    application.refresh_from_db()
    return application


@pytest.fixture
def world(transactional_db):
    """A call in evaluation (20 000,00 zł) with two formally accepted offers of two organisations;
    an official appointed the chair (a city representative) and an NGO nominee (of an organisation
    without an offer) and opened the scoring; the approver."""
    call = call_in_state(CallStatus.IN_EVALUATION, title=CALL_TITLE, funds=D("20000.00"))
    chosen = accepted_offer(call, *CHOSEN)
    not_chosen = accepted_offer(call, *NOT_CHOSEN)
    official = UserFactory(roles=[OFFICIAL])
    evaluation = services.evaluation_for(call)
    chair = services.member_appoint(
        actor=official,
        evaluation=evaluation,
        user=UserFactory(first_name="Ewa", last_name="Przewodnicząca"),
        role=MemberRole.OFFICIAL,
        is_chair=True,
    )
    nominee = services.member_appoint(
        actor=official,
        evaluation=evaluation,
        user=UserFactory(first_name="Piotr", last_name="Członek"),
        role=MemberRole.NGO_NOMINEE,
        nominated_by=OrganisationFactory(name="Rada Organizacji Pozarządowych", verified_at=timezone.now()),
    )
    services.scoring_open(actor=official, evaluation=evaluation)
    return {
        "call": call,
        "evaluation": evaluation,
        "chosen": chosen,
        "not_chosen": not_chosen,
        "chair": chair.user,
        "nominee": nominee.user,
        "approver": UserFactory(roles=[APPROVER]),
    }


# --- the test ---------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_committee_scores_the_approver_decides_and_publishes_and_the_public_sees_the_results(
    page, browser, live_server, world
):
    call, evaluation = world["call"], world["evaluation"]
    chosen, not_chosen = world["chosen"], world["not_chosen"]
    offers = (chosen, not_chosen)

    # The chair logs in, signs the declaration and scores both offers: the first higher than the second.
    log_in(page, world["chair"])
    sign_declaration(page, call)
    assert page.locator(f"main a[href='/evaluation/offers/{chosen.pk}/']").count() == 1
    score(page, call, chosen, lambda c: str(int(c.max_points) - 1), check_accessibility=True)
    score(page, call, not_chosen, lambda c: str(int(c.max_points) // 2))

    # The other member, in a browser of their own: before signing, no page of theirs shows an offer.
    member = new_page(browser, live_server)
    try:
        log_in(member, world["nominee"])
        for path in (
            "/evaluation/",
            f"/evaluation/calls/{call.pk}/",  # sends them to the declaration
            f"/evaluation/calls/{call.pk}/declaration/",
        ):
            assert member.goto(path).status == 200, path
            assert shows_no_offer(member, offers) == [], f"{path} (at {member.url}) before signing"
        for application in offers:
            for path in (f"/evaluation/offers/{application.pk}/", f"/evaluation/offers/{application.pk}/card/"):
                assert member.goto(path).status == 403, path
                assert shows_no_offer(member, offers) == [], f"{path} before signing"

        # The chair follows the progress meanwhile: two cards submitted, the other member not signed yet.
        assert sorted(progress_cells(page, call)) == ["cell-submitted"] * 2 + ["cell-unsigned"] * 2

        sign_declaration(member, call, check_accessibility=True)
        assert member.locator(f"main a[href='/evaluation/offers/{not_chosen.pk}/']").count() == 1
        score(member, call, chosen, lambda c: str(int(c.max_points)))
        score(member, call, not_chosen, lambda c: "3", draft_first=True)
    finally:
        member.context.close()

    cards = ScoreCard.objects.filter(member__evaluation=evaluation)
    assert sorted(cards.values_list("status", flat=True)) == [CardStatus.SUBMITTED] * 4
    assert sorted(progress_cells(page, call)) == ["cell-submitted"] * 4

    # The chair closes the scoring from the committee page: nothing is missing, so no warning.
    page.goto(f"/evaluation/calls/{call.pk}/")
    follow(page, f"/evaluation/calls/{call.pk}/close-scoring/")
    assert page.locator("main .warning-box").count() == 0, error_text(page)
    submit(page, "main form")
    assert page.url.endswith(f"/evaluation/calls/{call.pk}/")
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.CLOSED
    assert set(Application.objects.filter(pk__in=[o.pk for o in offers]).values_list("status", flat=True)) == {
        ApplicationStatus.SCORED
    }
    assert page.locator(f"main a[href='/evaluation/calls/{call.pk}/close-scoring/']").count() == 0

    # The approver, in a browser of their own, opens the call in the panel, then the ranking: the first
    # offer ranks above the second.
    approver = new_page(browser, live_server)
    try:
        log_in(approver, world["approver"])
        approver.goto(f"/panel/calls/{call.pk}/")
        follow(approver, f"/panel/calls/{call.pk}/ranking/")
        ranked = approver.locator("main table.ranking tbody tr[id^='offer-']").evaluate_all(
            "rows => rows.map(r => r.id)"
        )
        assert ranked == [f"offer-{chosen.pk}", f"offer-{not_chosen.pk}"]

        # The decisions: an award above the grant requested is refused, keeping what was typed…
        follow(approver, f"/panel/calls/{call.pk}/decisions/")
        too_much = "12 000,01"
        section = decide(approver, chosen, award=True, amount=too_much, reason="Najwyżej oceniona oferta.")
        with approver.expect_navigation() as navigation:
            approver.locator(f"{section} button[type=submit]").click()
        assert navigation.value.status == 400
        assert approver.locator(f"{section} [name='offer-{chosen.pk}-amount']").input_value() == too_much
        assert approver.locator(f"{section} .field.has-error [name='offer-{chosen.pk}-amount']").count() == 1
        assert not Decision.objects.filter(application=chosen).exists()

        # …then 10 000,00 zł for the first offer, and no grant for the second, each with its reason.
        section = decide(approver, chosen, award=True, amount="10 000,00", reason="Najwyżej oceniona oferta.")
        submit(approver, f"{section} button[type=submit]")
        section = decide(approver, not_chosen, award=False, reason="Niższa ocena merytoryczna; środki wyczerpane.")
        submit(approver, f"{section} button[type=submit]")
        assert approver.locator("main #remaining").inner_text() == format_pln(D("20000.00") - AWARDED)
        decisions = {d.application_id: d for d in Decision.objects.filter(application__call=call)}
        assert (decisions[chosen.pk].awarded, decisions[chosen.pk].amount) == (True, AWARDED)
        assert (decisions[not_chosen.pk].awarded, decisions[not_chosen.pk].amount) == (False, None)
        assert all(d.published_at is None for d in decisions.values())

        # Publish: tick the confirmation, publish; the browser lands on the public results.
        follow(approver, f"/panel/calls/{call.pk}/decisions/publish/")
        approver.locator("main form.form input[type=checkbox][name=confirm]").check()
        submit(approver, "main form.form")
        assert approver.url.endswith(f"/calls/{call.pk}/results/"), f"after publishing: {approver.url}"
    finally:
        approver.context.close()

    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.PUBLISHED
    chosen.refresh_from_db()
    not_chosen.refresh_from_db()
    assert (chosen.status, chosen.awarded_amount) == (ApplicationStatus.UPDATE_REQUIRED, AWARDED)
    assert not_chosen.status == ApplicationStatus.NOT_AWARDED
    call.refresh_from_db()
    assert call.status == CallStatus.RESOLVED

    # An anonymous visitor finds the results from the call's public page.
    visitor = new_page(browser, live_server)
    try:
        visitor.goto(f"/calls/{call.pk}/")
        assert visitor.locator("header form[action='/accounts/logout/']").count() == 0
        follow(visitor, f"/calls/{call.pk}/results/")
        assert audit(visitor) == [], "the public results page"

        awarded = visitor.locator("main table[aria-labelledby=awarded-heading] tbody tr")
        assert awarded.count() == 1
        cells = awarded.first.locator("td, th").all_inner_texts()
        assert cells[:3] == [CHOSEN[0], CHOSEN[1], format_pln(AWARDED)]

        rejected = visitor.locator("main table[aria-labelledby=not-chosen-heading] tbody tr")
        assert rejected.count() == 1
        assert rejected.first.locator("td, th").all_inner_texts()[:2] == [NOT_CHOSEN[0], NOT_CHOSEN[1]]
        # the amount requested by the offer not chosen is not shown as awarded anywhere
        assert format_pln(NOT_CHOSEN[2]) not in visitor.locator("main").inner_text()
        for application in offers:
            assert visitor.locator(f"main a[href='/calls/{call.pk}/results/reasons/?offer={application.pk}']").count()
        assert visitor.locator(f"main a[href='/calls/{call.pk}/results.pdf']").count() == 1
    finally:
        visitor.context.close()
