"""The pages: the ranking and the committee's protocol (who may see them, and when), the public results page,
the results PDF and the Atom feed of published results."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from applications.enums import ApplicationStatus
from evaluation.decisions import decision_prepare, results_publish, update_decline
from evaluation.enums import EvaluationStatus, MemberRole
from evaluation.models import Evaluation
from evaluation.rules import NOT_SIGNED
from tests.calls.helpers import pdf_text
from tests.clients import html_client
from tests.evaluation.results_world import Scored, seat
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db

D = Decimal
ATOM = "{http://www.w3.org/2005/Atom}"


def polish(message):
    with translation.override("pl"):
        return escape(gettext(message))


@pytest.fixture
def world(db):
    """Funds 10 000: A 6 000 (45 pts), B and C tied at 40 pts asking 5 000 each (the tie straddles the
    line), D below the minimum of 20; member 2 excluded from A."""
    world = Scored(funds=D("10000.00"), min_score=D("20"))
    world.add("6000.00", [45, 50, 45], excluded=[1], title="Półkolonie nad wodą")
    world.add("5000.00", [40, 40, 40], title="Turniej szachowy")
    world.add("5000.00", [38, 42, 40], title="Warsztaty teatralne")
    world.add("1000.00", [10, 10, 10], title="Festyn rodzinny")
    return world


def publish(world):
    a, b, c, d = world.offers
    prepare = decision_prepare
    prepare(actor=world.approver, application=a, awarded=True, amount=D("6000.00"), reason="Najwyższa ocena.")
    prepare(actor=world.approver, application=b, awarded=True, amount=D("4000.00"), reason="Ex aequo, wcześniejsza.")
    prepare(actor=world.approver, application=c, awarded=False, reason="Wyczerpanie środków.")
    prepare(actor=world.approver, application=d, awarded=False, reason="Poniżej progu punktowego.")
    results_publish(actor=world.approver, evaluation=world.evaluation)
    world.refresh()


# --- Ranking ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["official", "approver", "signed_member", "signed_expert"])
def test_the_ranking_shows_results_ties_the_minimum_and_the_cut_off_line_in_text(world, who):
    user = {
        "official": world.official,
        "approver": world.approver,
        "signed_member": world.members[1].user,
        "signed_expert": seat(world.evaluation, role=MemberRole.EXPERT).user,
    }[who]
    page = html_client(user).get(f"/panel/calls/{world.call.pk}/ranking/")
    assert page.status_code == 200
    html = page.content.decode()
    for title in ("Półkolonie nad wodą", "Turniej szachowy", "Warsztaty teatralne", "Festyn rodzinny"):
        assert title in html
    assert html.index("Półkolonie nad wodą") < html.index("Turniej szachowy") < html.index("Festyn rodzinny")
    assert html.count(polish("ex aequo")) >= 2
    assert 'class="cutoff"' in html
    assert polish("Tied with an offer on the other side of the cut-off line: the approver decides.") in html
    assert polish("Below the minimum score (%(minimum)s): no grant proposed.") % {"minimum": "20,00"} in html
    assert f"/panel/calls/{world.call.pk}/ranking/protocol.pdf" in html


def test_a_committee_member_who_has_not_signed_cannot_see_the_ranking_nor_the_protocol(world):
    unsigned = seat(world.evaluation, signed=False)
    client = html_client(unsigned.user)
    for url in (f"/panel/calls/{world.call.pk}/ranking/", f"/panel/calls/{world.call.pk}/ranking/protocol.pdf"):
        response = client.get(url)
        assert response.status_code == 403
        assert polish(str(NOT_SIGNED)) in response.content.decode()
        assert "Półkolonie nad wodą" not in response.content.decode()
    assert Evaluation.objects.get(pk=world.evaluation.pk).protocol_document_id is None


@pytest.mark.parametrize("who", ["anonymous", "ngo_member", "applicant"])
def test_anonymous_visitors_and_ngo_members_cannot_open_the_ranking(world, who):
    user = {"anonymous": None, "ngo_member": make_ngo_member(), "applicant": world.offers[0].ngo_member}[who]
    response = html_client(user).get(f"/panel/calls/{world.call.pk}/ranking/")
    if user is None:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code == 403
        assert "Turniej szachowy" not in response.content.decode()


@pytest.mark.parametrize("status", [EvaluationStatus.PREPARING, EvaluationStatus.SCORING])
def test_nobody_sees_the_ranking_before_scoring_closes(db, status):
    world = Scored(status=status)
    world.add("1000.00", [40])
    for user in (world.official, world.approver, world.members[0].user):
        response = html_client(user).get(f"/panel/calls/{world.call.pk}/ranking/")
        assert response.status_code == 403
        assert polish("Scores are shown once scoring has closed.") in response.content.decode()


def test_the_protocol_has_the_committee_declarations_exclusions_every_card_and_the_ranking(world):
    client = html_client(world.members[2].user)
    first = client.get(f"/panel/calls/{world.call.pk}/ranking/protocol.pdf")
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    content = b"".join(first.streaming_content)
    evaluation = Evaluation.objects.get(pk=world.evaluation.pk)
    assert evaluation.protocol_document.sha256 == first["X-Content-SHA256"]
    text = pdf_text(content)
    chair = world.members[0].user
    assert f"{chair.first_name} {chair.last_name}" in text and "przewodniczący(-a) komisji" in text
    assert "Oświadczenia o bezstronności" in text and evaluation.declaration_sha256 in text.replace(" ", "")
    assert "Członek zarządu oferenta." in text  # the exclusion's ground
    assert "członek wyłączony" in text  # member 2's card on the first offer does not count
    assert "Ocena: " in text  # justifications per criterion
    assert "Linia odcięcia" in text and "ex aequo" in text
    assert "poniżej minimalnej liczby punktów" in text
    # the same stored file every time
    again = html_client(world.official).get(f"/panel/calls/{world.call.pk}/ranking/protocol.pdf")
    assert again["X-Content-SHA256"] == first["X-Content-SHA256"]


def test_the_panel_call_page_links_the_ranking_and_the_decisions_once_scoring_has_closed(world):
    html = html_client(world.official).get(f"/panel/calls/{world.call.pk}/").content.decode()
    assert f"/panel/calls/{world.call.pk}/ranking/" in html and f"/panel/calls/{world.call.pk}/decisions/" in html


# --- Public results -------------------------------------------------------------------------------------


def test_the_results_page_exists_only_once_published_and_the_call_page_then_links_it(
    world, django_capture_on_commit_callbacks
):
    visitor = html_client(None)
    assert visitor.get(f"/calls/{world.call.pk}/results/").status_code == 404
    assert visitor.get(f"/calls/{world.call.pk}/results.pdf").status_code == 404
    assert f"/calls/{world.call.pk}/results/" not in visitor.get(f"/calls/{world.call.pk}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):  # the cached call page is refreshed on commit
        publish(world)
    assert f"/calls/{world.call.pk}/results/" in visitor.get(f"/calls/{world.call.pk}/").content.decode()


def test_the_results_page_shows_offeror_title_and_amount_awarded_and_the_offers_not_chosen(world):
    publish(world)
    a, b, c, d = world.offers
    page = html_client(None).get(f"/calls/{world.call.pk}/results/")
    assert page.status_code == 200
    html = page.content.decode()
    for application, amount in ((a, "6\u00a0000,00\u00a0zł"), (b, "4\u00a0000,00\u00a0zł")):
        assert escape(application.organisation.name) in html and application.title in html
        assert amount in html
    chosen, not_chosen = html.split('id="not-chosen-heading"')
    assert c.title in not_chosen and d.title in not_chosen and c.title not in chosen
    assert "Wyczerpanie środków." not in html  # reasons are given on request, not on the page
    assert f"/calls/{world.call.pk}/results.pdf" in html
    assert f"/calls/{world.call.pk}/results/reasons/?offer={c.pk}" in html
    assert world.evaluation.results_document.sha256 in html


def test_the_cached_results_page_shows_an_offer_declined_after_publication(world, django_capture_on_commit_callbacks):
    publish(world)
    visitor = html_client(None)
    assert (
        polish("declined by the organisation") not in visitor.get(f"/calls/{world.call.pk}/results/").content.decode()
    )
    partial = world.offers[1]
    assert partial.status == ApplicationStatus.UPDATE_REQUIRED
    with django_capture_on_commit_callbacks(execute=True):
        update_decline(actor=partial.ngo_member, application=partial)
    html = visitor.get(f"/calls/{world.call.pk}/results/").content.decode()
    assert polish("declined by the organisation") in html


def test_the_results_pdf_is_the_stored_one(world):
    publish(world)
    response = html_client(None).get(f"/calls/{world.call.pk}/results.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == world.evaluation.results_document.sha256
    text = pdf_text(b"".join(response.streaming_content))
    assert "Półkolonie nad wodą" in text and "6 000,00 zł" in text
    assert "Oferty niewybrane" in text and "Warsztaty teatralne" in text


# --- Atom feed -------------------------------------------------------------------------------------------


def test_the_atom_feed_has_one_valid_entry_per_published_call(world):
    other = Scored()
    other.add("1000.00", [40])  # scored but not published: not in the feed
    publish(world)

    response = html_client(None).get("/feeds/results.atom")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)  # noqa: S314 - our own response, not untrusted data
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/feeds/results.atom")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    for required in ("id", "title", "updated", "summary"):
        assert entry.find(f"{ATOM}{required}") is not None, required
    assert world.call.title in entry.find(f"{ATOM}title").text
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/calls/{world.call.pk}/results/")
    summary = entry.find(f"{ATOM}summary").text
    assert world.offers[0].organisation.name in summary and "6\u00a0000,00\u00a0zł" in summary
