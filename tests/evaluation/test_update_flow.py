"""The update after a partial award (aktualizacja oferty): the organisation brings its budget to the amount
awarded to the grosz and sends it (a new version), or declines; an official confirms or returns it."""

import copy
from decimal import Decimal

import pytest

from applications.enums import ApplicationStatus
from applications.services import offer_section_save
from core.errors import DomainError, InvalidState, NotAllowed
from core.transitions import history
from evaluation.decisions import (
    decision_prepare,
    results_publish,
    update_confirm,
    update_decline,
    update_return,
    update_submit,
)
from notifications.models import OutboxMessage
from tests.calls.helpers import pdf_text
from tests.clients import html_client
from tests.evaluation.results_world import Scored
from tests.factories import make_ngo_member

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def world(db):
    """One offer asking for 900,00 zł (its budget: 1 000,00 zł of costs, 900,00 from the grant), awarded
    800,00 zł and published: it waits for the organisation's update."""
    world = Scored(funds=D("800.00"))
    application = world.add("900.00", [40, 41, 42])
    decision_prepare(actor=world.approver, application=application, awarded=True, amount=D("800.00"), reason="Środki.")
    results_publish(actor=world.approver, evaluation=world.evaluation)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.UPDATE_REQUIRED
    world.application = application
    world.member = application.ngo_member
    OutboxMessage.objects.all().delete()
    return world


def budget_with_grant(application, grant, own):
    budget = copy.deepcopy(application.content["budget"])
    budget["lines"][0].update({"grant": grant, "own_financial": own})
    budget["sources"] = {"grant": grant, "own_financial": own}
    return budget


def update_budget(world, grant, own):
    offer_section_save(
        application=world.application,
        actor=world.member,
        section="budget",
        data=budget_with_grant(world.application, grant, own),
    )
    world.application.refresh_from_db()


def test_the_organisation_sends_the_offer_updated_to_the_amount_awarded_as_a_new_version(world):
    update_budget(world, "800,00", "200,00")

    updated = update_submit(actor=world.member, application=world.application)

    assert updated.status == ApplicationStatus.UPDATE_SUBMITTED
    versions = list(updated.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].requested_amount == D("900.00") and versions[1].requested_amount == D("800.00")
    assert versions[1].content["budget"]["sources"]["grant"] == "800,00"
    confirmation = pdf_text(versions[1].confirmation_document.read())
    assert "Potwierdzenie złożenia aktualizacji oferty" in confirmation
    assert versions[1].offer_document.sha256 in confirmation
    assert "800,00 zł" in confirmation
    assert updated.offer_document_id == versions[1].offer_document_id
    notices = OutboxMessage.objects.filter(event="update_submitted")
    assert [n.recipient for n in notices] == [world.official.email]
    assert f"/panel/offers/{updated.pk}/update/" in notices[0].body_text


@pytest.mark.parametrize(("grant", "own"), [("800,01", "199,99"), ("799,99", "200,01"), ("900,00", "100,00")])
def test_a_grant_one_grosz_off_the_amount_awarded_is_refused_and_nothing_is_stored(world, grant, own):
    update_budget(world, grant, own)
    with pytest.raises(DomainError) as caught:
        update_submit(actor=world.member, application=world.application)
    assert caught.value.code == "grant_not_awarded_amount"
    assert "800,00\u00a0zł" in str(caught.value.message)
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.UPDATE_REQUIRED
    assert world.application.versions.count() == 1
    assert not OutboxMessage.objects.exists()


def test_an_update_with_anything_missing_is_refused_with_the_list(world):
    update_budget(world, "800,00", "200,00")
    offer_section_save(application=world.application, actor=world.member, section="declarations", data={})
    with pytest.raises(DomainError) as caught:
        update_submit(actor=world.member, application=world.application)
    assert caught.value.code == "offer_incomplete"
    assert caught.value.errors["__all__"]
    assert world.application.versions.count() == 1


def test_only_the_organisations_members_send_or_decline_and_only_an_official_confirms(world, user_of_role):
    update_budget(world, "800,00", "200,00")
    for actor in (make_ngo_member(), world.official, world.approver):
        with pytest.raises(NotAllowed):
            update_submit(actor=actor, application=world.application)
        with pytest.raises(NotAllowed):
            update_decline(actor=actor, application=world.application)
    update_submit(actor=world.member, application=world.application)
    for actor in (world.member, world.approver):
        with pytest.raises(NotAllowed):
            update_confirm(actor=actor, application=world.application)


def test_an_official_returns_the_update_with_a_reason_and_then_confirms_the_corrected_one(world):
    update_budget(world, "800,00", "200,00")
    update_submit(actor=world.member, application=world.application)

    with pytest.raises(DomainError):
        update_return(actor=world.official, application=world.application, reason=" ")
    returned = update_return(actor=world.official, application=world.application, reason="Popraw harmonogram.")
    assert returned.status == ApplicationStatus.UPDATE_REQUIRED
    notice = OutboxMessage.objects.get(event="update_returned")
    assert notice.recipient == world.application.organisation.email
    assert "Popraw harmonogram." in notice.body_text

    page = html_client(world.member).get(f"/offers/{world.application.pk}/update/")
    assert "Popraw harmonogram." in page.content.decode()

    update_submit(actor=world.member, application=world.application)
    confirmed = update_confirm(actor=world.official, application=world.application)
    assert confirmed.status == ApplicationStatus.AWARDED and confirmed.awarded_amount == D("800.00")
    assert OutboxMessage.objects.filter(event="update_confirmed").count() == 1
    assert [c.transition for c in history(confirmed)][-4:] == [
        "submit_update",
        "return_update",
        "submit_update",
        "confirm_update",
    ]
    assert confirmed.versions.count() == 3
    with pytest.raises(InvalidState):
        update_submit(actor=world.member, application=world.application)


@pytest.mark.parametrize("sent", [False, True])
def test_the_organisation_may_decline_before_or_after_sending_the_update(world, sent):
    if sent:
        update_budget(world, "800,00", "200,00")
        update_submit(actor=world.member, application=world.application)
    declined = update_decline(actor=world.member, application=world.application, reason="Zbyt mało środków.")
    assert declined.status == ApplicationStatus.DECLINED
    notice = OutboxMessage.objects.get(event="update_declined")
    assert notice.recipient == world.official.email and "Zbyt mało środków." in notice.body_text
    with pytest.raises(InvalidState):
        update_decline(actor=world.member, application=world.application)


# --- Pages -----------------------------------------------------------------------------------------------


def test_the_update_page_shows_awarded_against_requested_links_the_editor_and_keeps_the_scored_request(world):
    update_budget(world, "850,00", "150,00")  # the offer's requested amount follows the edited V.B
    page = html_client(world.member).get(f"/offers/{world.application.pk}/update/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "900,00\u00a0zł" in html  # requested when scored, not the 850,00 typed since
    assert "800,00\u00a0zł" in html and "850,00\u00a0zł" in html
    assert f"/offers/{world.application.pk}/edit/task/" in html
    assert f"/offers/{world.application.pk}/edit/budget/" in html

    refused = html_client(world.member).post(f"/offers/{world.application.pk}/update/", {"action": "submit"})
    assert refused.status_code == 400
    assert "V.B" in refused.content.decode()

    update_budget(world, "800,00", "200,00")
    sent = html_client(world.member).post(f"/offers/{world.application.pk}/update/", {"action": "submit"})
    assert sent.status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.UPDATE_SUBMITTED


def test_declining_from_the_page_needs_the_box_ticked(world):
    client = html_client(world.member)
    url = f"/offers/{world.application.pk}/update/"
    assert client.post(url, {"action": "decline"}).status_code == 400
    assert client.post(url, {"action": "decline", "confirm": "on"}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.DECLINED


def test_the_update_page_is_hidden_from_everyone_but_the_organisations_members(world):
    url = f"/offers/{world.application.pk}/update/"
    assert html_client(None).get(url)["Location"].startswith("/accounts/login/")
    assert html_client(make_ngo_member()).get(url).status_code == 404


def test_an_official_confirms_the_update_on_the_review_page_and_an_ngo_member_cannot_open_it(world):
    update_budget(world, "800,00", "200,00")
    update_submit(actor=world.member, application=world.application)
    url = f"/panel/offers/{world.application.pk}/update/"
    assert html_client(world.member).get(url).status_code == 403
    assert html_client(world.approver).post(url, {"decision": "confirm"}).status_code == 403

    client = html_client(world.official)
    page = client.get(url)
    assert page.status_code == 200 and "/versions/2/offer.pdf" in page.content.decode()
    assert client.post(url, {"decision": "return", "reason": ""}).status_code == 400
    assert client.post(url, {"decision": "confirm"}).status_code == 302
    world.application.refresh_from_db()
    assert world.application.status == ApplicationStatus.AWARDED


def test_the_update_is_sent_declined_confirmed_and_returned_through_the_api_too(world):
    from tests.clients import api_client
    from tests.factories import UserFactory

    base = f"/api/v1/applications/{world.application.pk}"
    official = api_client(UserFactory(roles=["official"]))
    member = api_client(world.member)
    assert official.post(f"{base}/submit_update/").status_code == 403  # only the organisation sends it
    refused = member.post(f"{base}/submit_update/")  # the budget still asks for 900,00 zł
    assert refused.status_code == 400 and refused.json()["code"] == "grant_not_awarded_amount"

    update_budget(world, "800,00", "200,00")
    assert member.post(f"{base}/submit_update/").json()["status"] == "update_submitted"
    assert member.post(f"{base}/confirm_update/").status_code == 403
    assert official.post(f"{base}/return_update/", {}, format="json").status_code == 400  # a reason is required
    returned = official.post(f"{base}/return_update/", {"reason": "Popraw harmonogram."}, format="json")
    assert returned.json()["status"] == "update_required"
    assert member.post(f"{base}/submit_update/").json()["status"] == "update_submitted"
    assert official.post(f"{base}/confirm_update/").json()["status"] == "awarded"
    assert member.post(f"{base}/decline/").status_code in (400, 409)  # too late once confirmed
