"""A person of an NGO, from signing up to a submitted offer, and the editor's autosave. Headless Chromium
on the live server, mail through the outbox, a real Celery worker and the test SMTP server.

Fields are found by their ``name``, buttons by ``name``/``type`` and links by their targets, not by
visible text: the interface is Polish by default and its wording changes. The editor is being
extended (more declarations, joint offers, more rows and columns), so the tests fill only what an
offer needs, tick every declaration there is, and leave any other select at its default.
"""

import datetime
import hashlib
import re

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from applications.enums import ApplicationStatus
from applications.models import Application
from organisations.enums import MembershipRole
from organisations.models import Membership, Organisation, Sphere
from tests.browser.helpers import audit
from tests.conftest import wait_for
from tests.factories import PASSWORD, CallFactory, OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.browser

VERIFY_LINK = re.compile(r"https?://\S+?(/accounts/verify/[^/\s]+/)")
SIGNUP_EMAIL = "Anna.Nowak@Example.org"  # typed with capitals; the account's address is the lowercase one
EMAIL = SIGNUP_EMAIL.lower()
SIGNUP_PASSWORD = "Zielone-podworka-2026"
ORGANISATION = "Stowarzyszenie „Aktywne Podwórka”"
OFFER_TITLE = "Podwórkowa liga piłkarska"


def submit(page, selector):
    """Press the button (or the form's submit button); the answer after redirects must not be an error."""
    button = page.locator(selector if "button" in selector else f"{selector} button[type=submit]")
    assert button.count() == 1, f"{selector}: {button.count()} buttons at {page.url}"
    with page.expect_navigation() as navigation:
        button.click()
    response = navigation.value
    assert response.status < 400, f"{selector} answered {response.status} at {page.url}: {error_text(page)}"
    return response


def error_text(page):
    boxes = page.locator(".error-box, .field-error, .warning-box")
    return " | ".join(boxes.all_inner_texts())


def field(page, name, scope="main form.form"):
    """The one field called ``name`` in the page's main form (fails at once, naming it, if it is gone)."""
    locator = page.locator(f"{scope} [name='{name}']")
    assert locator.count() == 1, f"no field named {name!r} at {page.url}"
    return locator


def fill(page, values, scope="main form.form"):
    for name, value in values.items():
        field(page, name, scope).fill(value)


def log_in(page, login, password):
    page.goto("/accounts/login/")
    fill(page, {"username": login, "password": password}, scope="main form")
    submit(page, "main form")
    assert "/accounts/login/" not in page.url, f"not logged in: {error_text(page)}"
    assert page.locator("header form[action='/accounts/logout/']").count() == 1


def new_page(browser, live_server):
    context = browser.new_context(locale="pl-PL", timezone_id="Europe/Warsaw", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def reopened(page):
    """The same address in a new tab of the same session: what the server has, with no form state
    the browser might restore on a reload."""
    fresh = page.context.new_page()
    fresh.set_default_timeout(15000)
    assert fresh.goto(page.url).status == 200
    return fresh


def open_call(**kwargs):
    """An announced call taking offers for 25 more days; the task is carried out within one calendar
    year (next year's February to June), whatever the day the test runs."""
    now = timezone.now()
    year = (now + datetime.timedelta(days=25)).year + 1
    return CallFactory(
        status="announced",
        published_bip_at=now - datetime.timedelta(days=2),
        offer_deadline=now + datetime.timedelta(days=25),
        realisation_start=datetime.date(year, 2, 1),
        realisation_end=datetime.date(year, 6, 30),
        **kwargs,
    )


def mail_to(mailbox, address, event):
    return [m for m in mailbox.to(address) if m["X-Pozytek-Event"] == event]


def plain_body(message):
    return message.get_body(("plain",)).get_content()


# --- the sections of the offer, as a person fills them in -------------------------------------


def fill_contact(page, call):
    fill(page, {"contact-name": "Anna Nowak", "contact-phone": "+48 32 123 45 67", "contact-email": EMAIL})


def fill_task(page, call):
    fill(
        page,
        {
            "task-synopsis": "Liga piłkarska dla dzieci z pięciu podwórek, mecze co tydzień przez całe lato.",
            "task-place": "Zabrze, boiska osiedlowe",
            "task-target_group": "Dzieci i młodzież w wieku 8–14 lat z osiedli Centrum i Zaborze.",
            "task-results": "60 dzieci w 6 drużynach rozegra co najmniej 30 meczów.",
            "activities-0-name": "Mecze ligowe",
            "activities-0-description": "Cotygodniowe mecze z trenerem i sędzią.",
            "activities-0-start": call.realisation_start.isoformat(),
            "activities-0-end": call.realisation_end.isoformat(),
        },
    )


def fill_offeror(page, call):
    fill(
        page,
        {
            "offeror-experience": "Od 2015 r. prowadzimy zajęcia sportowe na podwórkach Zabrza.",
            "offeror-resources": "Dwóch trenerów z licencją, piłki i stroje, boisko użyczone przez spółdzielnię.",
        },
    )


def fill_budget(page, call):
    # 100,00 zł × 10 = 1 000,00 zł, of which 900,00 zł (90 %, the call's cap) from the grant.
    field(page, "lines-0-activity").select_option("1")
    fill(
        page,
        {
            "lines-0-name": "Wynagrodzenie trenera",
            "lines-0-unit": "godz.",
            "lines-0-unit_cost": "100,00",
            "lines-0-quantity": "10",
            "lines-0-grant": "900,00",
            "lines-0-own_financial": "100,00",
            "sources-grant": "900,00",
            "sources-own_financial": "100,00",
        },
    )


def fill_other(page, call):
    # VI.1, paid or free of charge: a select added with the joint offers (not in every version yet).
    if page.locator("main form.form select[name='other-payment']").count():
        field(page, "other-payment").select_option("free")
    fill(page, {"other-information": "Współpracujemy ze Szkołą Podstawową nr 5."})


def tick_every_declaration(page, call):
    boxes = page.locator("main form.form input[type=checkbox]")
    assert boxes.count() >= 3, f"{boxes.count()} declarations at {page.url}"
    for box in boxes.all():
        box.check()


FILL = {
    "contact": fill_contact,
    "task": fill_task,
    "offeror": fill_offeror,
    "budget": fill_budget,
    "other": fill_other,
    "declarations": tick_every_declaration,
}


# --- 1. The whole journey ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_person_signs_up_registers_an_organisation_and_submits_an_offer(
    page, browser, live_server, mailbox, celery_worker
):
    # An anonymous person signs up.
    page.goto("/")
    with page.expect_navigation():
        page.locator("header a[href='/accounts/signup/']").click()
    fill(
        page,
        {
            "first_name": "Anna",
            "last_name": "Nowak",
            "email": SIGNUP_EMAIL,
            "password": SIGNUP_PASSWORD,
            "password_again": SIGNUP_PASSWORD,
        },
    )
    submit(page, "main form.form")
    assert page.url.endswith("/accounts/signup/done/")
    assert EMAIL in page.locator("main").inner_text()

    # The activation e-mail arrives (outbox → Celery worker → SMTP); its link activates the account.
    (message,) = wait_for(lambda: mailbox.to(EMAIL), timeout=30, message=f"the activation e-mail to {EMAIL}")
    link = VERIFY_LINK.search(plain_body(message))
    assert link, plain_body(message)
    response = page.goto(link.group(1))
    assert response.status == 200
    assert page.url.endswith("/organisations/mine/")
    assert page.locator("header form[action='/accounts/logout/']").count() == 1

    # Logged out, the person logs in again with the e-mail and password.
    submit(page, "header form[action='/accounts/logout/']")
    assert page.locator("header form[action='/accounts/logout/']").count() == 0
    log_in(page, EMAIL, SIGNUP_PASSWORD)

    # The person registers their organisation and becomes its administrator.
    page.goto("/organisations/mine/")
    with page.expect_navigation():
        page.locator("main a[href='/organisations/mine/new/']").click()
    fill(
        page,
        {
            "name": ORGANISATION,
            "krs": "345678",
            "nip": "526-025-02-74",
            "regon": "850 518 457",
            "address": "ul. Wolności 1",
            "city": "Zabrze",
            "email": "biuro@podworka.example.org",
        },
    )
    field(page, "legal_form").select_option("association")
    field(page, "register_type").select_option("krs")
    sport = Sphere.objects.get(code="17")
    page.locator(f"main form.form input[name=spheres][value='{sport.pk}']").check()
    submit(page, "main form.form")
    match = re.search(r"/organisations/mine/(\d+)/$", page.url)
    assert match, f"after registering, the browser is at {page.url}"
    organisation = Organisation.objects.get(pk=int(match.group(1)))
    assert (organisation.name, organisation.krs, organisation.nip, organisation.regon) == (
        ORGANISATION,
        "0000345678",
        "5260250274",
        "850518457",
    )
    assert organisation.verified_at is None
    assert page.locator("h1").inner_text() == ORGANISATION
    assert page.locator(".status-line .badge.status-announced").count() == 0  # not verified yet
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user.email, membership.role) == (EMAIL, MembershipRole.ADMIN)
    # Administrators see the members with their roles: the person is one of them, as administrator.
    role = page.locator(
        f"main form[action='/organisations/mine/{organisation.pk}/members/{membership.pk}/role/'] select"
    )
    assert role.input_value() == MembershipRole.ADMIN

    # An official, in a browser of their own, verifies the organisation in the panel.
    official = UserFactory(roles=["official"])
    desk = new_page(browser, live_server)
    try:
        log_in(desk, official.username, PASSWORD)
        desk.goto("/panel/organisations/?verified=no")
        with desk.expect_navigation():
            desk.locator(f"main a[href='/panel/organisations/{organisation.pk}/']").click()
        submit(desk, f"main form[action='/panel/organisations/{organisation.pk}/verify/']")
        assert desk.url.endswith(f"/panel/organisations/{organisation.pk}/")
        assert desk.locator(".status-line .badge.status-announced").count() == 1
    finally:
        desk.context.close()
    organisation.refresh_from_db()
    assert organisation.verified_at is not None

    # A call is open. The person sees their organisation verified and starts an offer in that call.
    call = open_call(title="Konkurs „Sport na podwórku” 2026")
    page.goto(f"/organisations/mine/{organisation.pk}/")
    assert page.locator(".status-line .badge.status-announced").count() == 1
    with page.expect_navigation():
        page.locator(f"main a[href='/offers/organisation/{organisation.pk}/']").click()
    field(page, "call").select_option(str(call.pk))
    fill(page, {"title": OFFER_TITLE})
    submit(page, "main form.form")
    match = re.search(r"/offers/(\d+)/edit/$", page.url)
    assert match, f"after starting the offer, the browser is at {page.url}"
    offer = Application.objects.get(pk=int(match.group(1)))
    assert (offer.organisation, offer.call, offer.title, offer.status) == (
        organisation,
        call,
        OFFER_TITLE,
        ApplicationStatus.DRAFT,
    )
    assert page.locator("ul.blockers li").count() > 0  # an empty offer cannot be submitted yet

    # The person fills each section, going on with "Save and go to the next section" until the summary.
    first = page.locator("nav.editor-steps a[href$='/edit/contact/']")
    with page.expect_navigation():
        first.click()
    filled = []
    while match := re.search(rf"/offers/{offer.pk}/edit/([\w-]+)/$", page.url):
        section = match.group(1)
        assert section not in filled, f"the editor came back to {section}"
        if section == "budget":
            assert audit(page) == [], "the budget page"
        FILL.get(section, lambda page, call: None)(page, call)
        submit(page, "main form.form button[name=next]")
        filled.append(section)
    assert set(FILL) <= set(filled), f"sections reached: {filled}"

    # The summary: nothing blocks the submission, and the page is accessible.
    assert page.url.endswith(f"/offers/{offer.pk}/edit/")
    blockers = page.locator("ul.blockers li")
    assert blockers.count() == 0, blockers.all_inner_texts()
    assert audit(page) == [], "the summary page"
    submit(page, "main form.form")

    offer.refresh_from_db()
    assert offer.status == ApplicationStatus.SUBMITTED
    assert offer.confirmation_number
    assert offer.confirmation_number in page.locator(".messages").inner_text()
    assert page.locator(".status-line .badge.status-submitted").count() == 1

    # The organisation's offers: the offer, submitted, with its number and its PDF.
    page.goto(f"/offers/organisation/{organisation.pk}/")
    row = page.locator("main table tbody tr").filter(has_text=OFFER_TITLE)
    assert row.count() == 1
    assert offer.confirmation_number in row.inner_text()
    assert row.locator(".badge.status-submitted").count() == 1
    pdf_link = row.locator(f"a[href='/offers/documents/{offer.pk}/offer.pdf']")
    assert pdf_link.count() == 1
    pdf = page.request.get(pdf_link.get_attribute("href"))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    body = pdf.body()
    assert body.startswith(b"%PDF-")
    digest = hashlib.sha256(body).hexdigest()

    # The confirmation e-mail reaches the person, with the number and the SHA-256 of that very PDF.
    (confirmation,) = wait_for(
        lambda: mail_to(mailbox, EMAIL, "application_submitted"), timeout=30, message="the confirmation e-mail"
    )
    text = plain_body(confirmation)
    assert offer.confirmation_number in text
    assert digest in text


# --- 2. Autosave ------------------------------------------------------------------------------


@pytest.fixture
def draft(db):
    """A draft offer (nothing written yet) of a verified organisation, and a member of it."""
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    offer = Application.objects.create(
        call=open_call(), organisation=organisation, title=OFFER_TITLE, created_by=member, content={}
    )
    return offer, member


def saved_pattern(form, key):
    """The status the form announces (its ``data-<key>-text``) with any time of day."""
    text = form.get_attribute(f"data-{key}-text")
    assert text and "HH:MM" in text, f"data-{key}-text: {text!r}"
    return re.compile("^" + re.escape(text).replace("HH:MM", r"\d{2}:\d{2}") + "$")


@pytest.mark.django_db(transaction=True)
def test_autosave_keeps_what_was_typed_when_the_person_moves_on(page, draft):
    offer, member = draft
    log_in(page, member.username, PASSWORD)

    # Typing a name and moving to the next field saves it in the background.
    page.goto(f"/offers/{offer.pk}/edit/contact/")
    form = page.locator("main form[data-autosave]")
    status = form.locator("[aria-live]")
    expect(status).to_have_text("")
    name = field(page, "contact-name")
    name.press_sequentially("Anna Żółkiewska")
    page.keyboard.press("Tab")
    expect(status).to_have_text(saved_pattern(form, "saved"))
    assert page.url.endswith(f"/offers/{offer.pk}/edit/contact/")  # no page load: the person stays

    page.reload()
    assert field(page, "contact-name").input_value() == "Anna Żółkiewska"
    assert field(reopened(page), "contact-name").input_value() == "Anna Żółkiewska"

    # A malformed amount is kept as typed, and the status says something needs correcting.
    page.goto(f"/offers/{offer.pk}/edit/budget/")
    form = page.locator("main form[data-autosave]")
    status = form.locator("[aria-live]")
    field(page, "lines-0-name").fill("Wynajem boiska")
    page.keyboard.press("Tab")
    expect(status).to_have_text(saved_pattern(form, "saved"))
    unit_cost = field(page, "lines-0-unit_cost")
    unit_cost.press_sequentially("12,5O")  # a letter O for a zero
    page.keyboard.press("Tab")
    expect(status).to_have_text(saved_pattern(form, "invalid"))

    page.reload()
    assert field(page, "lines-0-unit_cost").input_value() == "12,5O"
    again = reopened(page)
    assert field(again, "lines-0-unit_cost").input_value() == "12,5O"
    assert field(again, "lines-0-name").input_value() == "Wynajem boiska"


@pytest.mark.django_db(transaction=True)
def test_autosave_saves_ten_seconds_after_typing_without_leaving_the_field(page, draft):
    offer, member = draft
    log_in(page, member.username, PASSWORD)
    posts = []
    page.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)

    # The page's clock is Playwright's: it moves only when the test moves it.
    start = datetime.datetime.now(tz=datetime.UTC)
    page.clock.install(time=start)
    page.goto(f"/offers/{offer.pk}/edit/other/")
    page.clock.pause_at(start + datetime.timedelta(minutes=1))
    form = page.locator("main form[data-autosave]")
    status = form.locator("[aria-live]")
    information = field(page, "other-information")
    information.press_sequentially("Współpracujemy ze szkołą.")

    page.clock.run_for(9_000)
    page.evaluate("1")  # a round trip to the page, so that a request it had started is seen
    assert posts == [], "saved before the 10 s had passed"
    expect(status).to_have_text("")

    with page.expect_request(lambda request: request.method == "POST") as saving:
        page.clock.run_for(1_000)
    assert saving.value.url.endswith(f"/offers/{offer.pk}/edit/other/")
    expect(status).to_have_text(saved_pattern(form, "saved"))
    assert page.evaluate("document.activeElement.name") == "other-information"  # still typing there

    assert field(reopened(page), "other-information").input_value() == "Współpracujemy ze szkołą."


def is_background_save(request):
    return request.method == "POST" and request.headers.get("x-requested-with") == "fetch"


@pytest.mark.django_db(transaction=True)
def test_autosave_sends_a_change_made_while_an_earlier_save_is_on_its_way(page, draft):
    offer, member = draft
    log_in(page, member.username, PASSWORD)

    # The first background save is held back until the test lets it through: the person goes on typing
    # while it is on its way.
    held = []

    def hold_the_first_save(route):
        if is_background_save(route.request) and not held:
            held.append(route)
        else:
            route.continue_()

    address = f"/offers/{offer.pk}/edit/contact/"
    page.route(f"**{address}", hold_the_first_save)
    # The page's clock stands still: the save 10 s after a change cannot stand in for the one asked for
    # when the person leaves the field.
    page.clock.install()
    page.goto(address)
    page.clock.pause_at(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=1))
    form = page.locator("main form[data-autosave]")
    status = form.locator("[aria-live]")

    with page.expect_request(is_background_save):
        field(page, "contact-name").press_sequentially("Anna Żółkiewska")
        page.keyboard.press("Tab")
    field(page, "contact-phone").press_sequentially("+48 32 123 45 67")
    page.keyboard.press("Tab")
    assert len(held) == 1, "the first save was not held back"
    expect(status).to_have_text("")  # nothing answered yet

    # Once the first save is answered, the phone goes in a second one (the first stays in ``held``, so
    # that the second is let through at once).
    (first,) = held
    try:
        with page.expect_request_finished(
            lambda request: is_background_save(request) and request is not first.request, timeout=10_000
        ):
            first.continue_()
    except PlaywrightTimeoutError:
        pytest.fail("the phone, typed while the first save was on its way, was never sent")
    expect(status).to_have_text(saved_pattern(form, "saved"))

    offer.refresh_from_db()
    contact = offer.content["contact"]
    assert (contact["name"], contact["phone"]) == ("Anna Żółkiewska", "+48 32 123 45 67")
    again = reopened(page)
    assert field(again, "contact-name").input_value() == "Anna Żółkiewska"
    assert field(again, "contact-phone").input_value() == "+48 32 123 45 67"
