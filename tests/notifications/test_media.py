"""The media register: officials keep it; every message to an outlet carries an unsubscribe link that
works without login, for that outlet and that kind of news only, and a List-Unsubscribe header."""

import datetime

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from calls.services import call_announce, call_cancel
from core.models import StatusChange
from notifications.media import CALLS, RESULTS, media_notice_write, unsubscribe_token, unsubscribe_url
from notifications.models import MediaOutlet, OutboxMessage
from notifications.services import outbox_deliver
from tests.calls.helpers import call_in_state
from tests.factories import CallFactory, MediaOutletFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def outlet_row(outlet):
    return MediaOutlet.objects.filter(pk=outlet.pk).values("wants_calls", "wants_results", "active").get()


# --- Register ------------------------------------------------------------------------------------------


def test_an_official_adds_an_outlet_with_its_consent_date_and_sees_it_listed(official):
    client = logged_in(official)
    response = client.post(
        "/panel/media/new/",
        {
            "name": "Radio Zabrze",
            "email": "redakcja@radio.example.org",
            "wants_results": "on",
            "consent_at": "2026-11-02",
            "active": "on",
        },
    )
    assert response.status_code == 302
    outlet = MediaOutlet.objects.get(name="Radio Zabrze")
    assert (outlet.wants_calls, outlet.wants_results, outlet.active) == (False, True, True)
    assert timezone.localdate(outlet.consent_at) == datetime.date(2026, 11, 2)
    page = client.get("/panel/media/").content.decode()
    assert "Radio Zabrze" in page and "redakcja@radio.example.org" in page
    assert StatusChange.objects.filter(object_id=outlet.pk, transition="add", actor=official).exists()


def test_an_outlet_without_consent_is_kept_but_receives_nothing(official):
    client = logged_in(official)
    client.post(
        "/panel/media/new/", {"name": "Bez zgody", "email": "b@example.org", "wants_calls": "on", "active": "on"}
    )
    outlet = MediaOutlet.objects.get(name="Bez zgody")
    assert outlet.consent_at is None
    call_announce(call=CallFactory(), actor=official)
    assert not OutboxMessage.objects.filter(recipient="b@example.org").exists()


def test_an_official_corrects_and_deactivates_an_outlet(official):
    outlet = MediaOutletFactory()
    client = logged_in(official)
    response = client.post(
        f"/panel/media/{outlet.pk}/",
        {"name": "Nowa nazwa", "email": outlet.email, "wants_calls": "on", "consent_at": "2026-10-01", "active": "on"},
    )
    assert response.status_code == 302
    outlet.refresh_from_db()
    assert (outlet.name, outlet.wants_results) == ("Nowa nazwa", False)

    assert client.post(f"/panel/media/{outlet.pk}/active/").status_code == 302
    outlet.refresh_from_db()
    assert not outlet.active
    page = client.get(f"/panel/media/{outlet.pk}/").content.decode()
    assert 'value="2026-10-01"' in page and "deactivate" in page  # the consent date, and the history
    call_announce(call=CallFactory(), actor=official)
    assert not OutboxMessage.objects.filter(recipient=outlet.email).exists()


@pytest.mark.parametrize("role", ["anonymous", "ngo_member"])
def test_the_register_is_closed_to_the_public_and_ngo_members(role):
    outlet = MediaOutletFactory()
    client = Client() if role == "anonymous" else logged_in(make_ngo_member())
    before = outlet_row(outlet), MediaOutlet.objects.count()
    for url, data in [
        ("/panel/media/", None),
        ("/panel/media/new/", {"name": "X", "email": "x@example.org", "active": "on"}),
        (f"/panel/media/{outlet.pk}/active/", {}),
    ]:
        response = client.post(url, data) if data is not None else client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403), url
    assert (outlet_row(outlet), MediaOutlet.objects.count()) == before


# --- Unsubscribe ---------------------------------------------------------------------------------------


def test_the_unsubscribe_link_works_without_login_for_its_outlet_and_kind_only():
    outlet, other = MediaOutletFactory(), MediaOutletFactory()
    url = unsubscribe_url(outlet, CALLS).removeprefix(settings.SITE_URL)
    client = Client()

    # opening the link (as a mail scanner would) only asks
    page = client.get(url)
    assert page.status_code == 200
    assert outlet.name in page.content.decode()
    assert outlet_row(outlet) == {"wants_calls": True, "wants_results": True, "active": True}

    # the button (no login, no CSRF token in the mail client's one-click POST)
    done = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert outlet_row(outlet) == {"wants_calls": False, "wants_results": True, "active": True}
    assert outlet_row(other) == {"wants_calls": True, "wants_results": True, "active": True}
    assert StatusChange.objects.filter(object_id=outlet.pk, transition="unsubscribe", data={"kind": "calls"}).exists()


def test_a_tampered_unsubscribe_token_changes_nothing():
    outlet, other = MediaOutletFactory(), MediaOutletFactory()
    token = unsubscribe_token(outlet, RESULTS)
    forged = token.replace(token.split(":")[0], unsubscribe_token(other, RESULTS).split(":")[0])
    for bad in (forged, "nonsense", token[:-2] + "xx"):
        assert Client().post(f"/media/unsubscribe/{bad}/").status_code == 404
    assert outlet_row(outlet)["wants_results"] and outlet_row(other)["wants_results"]


def test_after_unsubscribing_from_calls_the_outlet_still_gets_results_but_no_more_calls(official):
    outlet = MediaOutletFactory()
    Client().post(unsubscribe_url(outlet, CALLS).removeprefix(settings.SITE_URL))
    call_announce(call=CallFactory(), actor=official)
    assert not OutboxMessage.objects.filter(recipient=outlet.email).exists()
    outlet.refresh_from_db()
    assert outlet.wants_results and outlet.active


# --- The link in every message ------------------------------------------------------------------------


def test_announcement_and_cancellation_messages_to_media_carry_the_outlets_unsubscribe_link(official):
    outlet = MediaOutletFactory()
    call = CallFactory()
    call_announce(call=call, actor=official)
    cancelled = call_in_state("announced")
    cancelled.offer_deadline = timezone.now() - datetime.timedelta(days=1)
    cancelled.save(update_fields=["offer_deadline"])
    call_cancel(call=cancelled, actor=official, ground="no_offers", reason="Nie wpłynęła żadna oferta.")
    messages = OutboxMessage.objects.filter(recipient=outlet.email)
    assert sorted(messages.values_list("event", flat=True)) == ["call_announced", "call_cancelled"]
    for message in messages:
        assert message.unsubscribe_url.startswith(f"{settings.SITE_URL}/media/unsubscribe/")
        assert message.unsubscribe_url in message.body_text
        assert message.unsubscribe_url in message.body_html


def test_the_delivered_mail_has_list_unsubscribe_headers_and_other_mail_has_none(mailbox):
    outlet = MediaOutletFactory()
    call = CallFactory()
    press = media_notice_write(
        outlet=outlet,
        kind=CALLS,
        event="call_announced",
        template="call_announced_media",
        context={"call": call, "task": call.task},
        dedupe_key="test-media-header",
    )
    plain = OutboxMessage.objects.create(
        event="x", recipient="osoba@example.org", subject="S", body_text="T", dedupe_key="test-plain"
    )
    assert outbox_deliver(message_id=press.pk) == "sent"
    assert outbox_deliver(message_id=plain.pk) == "sent"

    by_recipient = {m["To"]: m for m in mailbox.messages}
    mail = by_recipient[outlet.email]
    assert mail["List-Unsubscribe"].strip() == f"<{press.unsubscribe_url}>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert press.unsubscribe_url in mail.get_body(preferencelist=("plain",)).get_content()
    assert "List-Unsubscribe" not in by_recipient["osoba@example.org"]

    # and the link from the header works
    assert Client().post(press.unsubscribe_url.removeprefix(settings.SITE_URL)).status_code == 200
    assert not outlet_row(outlet)["wants_calls"]


def test_an_official_sees_the_register_page(official):
    MediaOutletFactory(name="Gazeta Zabrzańska", consent_at=None)
    page = logged_in(official).get("/panel/media/")
    assert page.status_code == 200
    assert "Gazeta Zabrzańska" in page.content.decode()


def test_an_approver_may_keep_the_register_too():
    approver = UserFactory(roles=["approver"])
    assert logged_in(approver).get("/panel/media/new/").status_code == 200
