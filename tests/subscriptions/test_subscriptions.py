"""Public subscriptions to new calls: double opt-in through the outbox, matching by sphere, unsubscribing
without an account, and the same answer whatever the address."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from calls.services import call_announce
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from organisations.models import Sphere
from subscriptions import services
from subscriptions.models import Subscription
from tests.factories import CallFactory, TaskFactory

pytestmark = pytest.mark.django_db

EMAIL = "Mieszkanka@Example.org"


def sphere(code):
    return Sphere.objects.get(code=code)


def subscribe(client, email=EMAIL, spheres=("17",), all_spheres=False):
    data = {"email": email, "spheres": [sphere(code).pk for code in spheres]}
    if all_spheres:
        data["all_spheres"] = "on"
    return client.post("/subscribe/", data)


def confirmation_rows(email=EMAIL):
    return OutboxMessage.objects.filter(event="subscription_confirm", recipient=email.lower()).order_by("pk")


def link_in(text, kind):
    found = re.search(rf"https?://\S+(/subscribe/{kind}/[^/\s]+/)", text)
    assert found, f"no {kind} link in:\n{text}"
    return found.group(1)


def announce(official, sphere_code="17", **kwargs):
    call = CallFactory(task=TaskFactory(sphere=sphere(sphere_code)), **kwargs)
    call_announce(call=call, actor=official)
    return call


def notices_to(email, call):
    return OutboxMessage.objects.filter(recipient=email.lower(), dedupe_key__startswith=f"call_announced:{call.pk}:")


def test_double_opt_in_end_to_end_through_the_outbox_and_the_smtp_server(official, mailbox):
    client = Client()
    # given a resident who subscribes to sphere 17 (any letter case in the address)
    response = subscribe(client)
    assert response.status_code == 302 and response["Location"] == "/subscribe/done/"
    assert client.get(response["Location"]).status_code == 200

    # then one confirmation notice is written, and delivered for real
    (row,) = confirmation_rows()
    assert outbox_deliver(message_id=row.pk) == "sent"
    (mail,) = mailbox.to(EMAIL.lower())
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert str(sphere("17")) in text
    confirm = link_in(text, "confirm")

    # an unconfirmed subscriber gets nothing when a matching call is announced
    first = announce(official)
    assert not notices_to(EMAIL, first).exists()

    # when the link is opened the subscription starts and the person lands on its page
    response = client.get(confirm)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert escape(str(sphere("17"))) in page.content.decode()

    # and the next matching call is announced to them, saying what they subscribed to, with both links
    second = announce(official)
    (notice,) = notices_to(EMAIL, second)
    assert notice.event == "call_announced"
    assert second.title in notice.subject
    assert str(sphere("17")) in notice.body_text
    assert "/subscribe/unsubscribe/" in notice.body_text and "/subscribe/manage/" in notice.body_html
    assert outbox_deliver(message_id=notice.pk) == "sent"
    assert any(second.title in m["Subject"] for m in mailbox.to(EMAIL.lower()))


def test_only_confirmed_subscribers_of_the_calls_sphere_are_told_once_per_call(official):
    def confirmed(email, codes=(), all_spheres=False):
        services.subscription_request(email=email, spheres=[sphere(c) for c in codes], all_spheres=all_spheres)
        token = services.confirm_token(email=email, all_spheres=all_spheres, sphere_codes=codes, language="pl")
        return services.subscription_confirm(token=token)

    confirmed("sport@example.org", ["17"])
    confirmed("both@example.org", ["1", "17"])
    confirmed("everything@example.org", all_spheres=True)
    confirmed("culture@example.org", ["16"])
    services.subscription_request(email="pending@example.org", spheres=[sphere("17")], all_spheres=False)

    call = announce(official, "17")

    told = set(OutboxMessage.objects.filter(dedupe_key__contains=":subscriber:").values_list("recipient", flat=True))
    assert told == {"sport@example.org", "both@example.org", "everything@example.org"}
    everything = OutboxMessage.objects.get(recipient="everything@example.org", event="call_announced")
    with translation.override("pl"):
        assert gettext("You receive this because you subscribed to new calls in every sphere.") in everything.body_text

    # the same event fired again writes nothing more
    assert services.subscribers_notify_call_announced(call) == 0
    assert OutboxMessage.objects.filter(dedupe_key__contains=":subscriber:").count() == 3


def test_subscribing_again_updates_the_spheres_without_a_second_row(official):
    client = Client()
    subscribe(client, spheres=["17"])
    client.get(link_in(confirmation_rows().last().body_text, "confirm"))
    # a confirmed address asking again keeps its spheres until the new link is opened
    subscribe(client, email=EMAIL.upper(), spheres=["1", "16"])
    assert Subscription.objects.count() == 1
    subscription = Subscription.objects.get()
    assert [s.code for s in subscription.sphere_list()] == ["17"]
    client.get(link_in(confirmation_rows().last().body_text, "confirm"))
    subscription.refresh_from_db()
    assert Subscription.objects.count() == 1
    assert [s.code for s in subscription.sphere_list()] == ["1", "16"]
    assert subscription.email == EMAIL.lower()


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(official):
    client = Client()
    subscribe(client, email="known@example.org")
    client.get(link_in(confirmation_rows("known@example.org").last().body_text, "confirm"))

    known = subscribe(Client(), email="known@example.org", spheres=["1"])
    unknown = subscribe(Client(), email="stranger@example.org", spheres=["1"])
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    done = [Client().get(r["Location"]).content for r in (known, unknown)]
    assert done[0] == done[1]
    # both only ever get a confirmation link
    assert confirmation_rows("known@example.org").count() == 2
    assert confirmation_rows("stranger@example.org").count() == 1


def test_unsubscribing_needs_no_login_and_stops_the_notices(official):
    client = Client()
    subscribe(client)
    client.get(link_in(confirmation_rows().last().body_text, "confirm"))
    notice = notices_to(EMAIL, announce(official)).get()
    unsubscribe = link_in(notice.body_text, "unsubscribe")

    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(unsubscribe)
    assert page.status_code == 200 and EMAIL.lower() in page.content.decode()
    assert Subscription.objects.exists()  # opening the link (a mail scanner may) changes nothing
    # one click on the page's button, or a mail program's RFC 8058 one-click POST
    response = anonymous.post(unsubscribe, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    assert not notices_to(EMAIL, announce(official)).exists()
    # the link keeps answering, and the manage link now says there is nothing to manage
    assert anonymous.post(unsubscribe).status_code == 200
    assert anonymous.get(link_in(notice.body_text, "manage")).status_code == 404


def test_the_manage_link_changes_the_spheres(official):
    client = Client()
    subscribe(client, spheres=["17"])
    client.get(link_in(confirmation_rows().last().body_text, "confirm"))
    manage = services.manage_link(EMAIL)
    response = Client().post(manage, {"spheres": [sphere("16").pk]})
    assert response.status_code == 302
    assert [s.code for s in Subscription.objects.get().sphere_list()] == ["16"]
    # choosing nothing is refused, with the reason next to the spheres
    response = Client().post(manage, {})
    assert response.status_code == 400
    with translation.override("pl"):
        assert escape(gettext("Choose at least one sphere, or all of them.")) in response.content.decode()


def test_altered_and_expired_links_are_refused():
    client = Client()
    subscribe(client)
    confirm = link_in(confirmation_rows().last().body_text, "confirm")
    assert client.get(confirm[:-3] + "xx/").status_code == 400
    with time_machine.travel(timezone.now() + datetime.timedelta(days=3, minutes=1)):
        response = client.get(confirm)
    assert response.status_code == 400
    assert Subscription.objects.get().confirmed_at is None
    forged = signing.dumps({"e": EMAIL.lower()}, salt="another.salt")
    assert client.post(f"/subscribe/unsubscribe/{forged}/").status_code == 400
    assert Subscription.objects.exists()


def test_the_form_groups_the_spheres_in_a_fieldset_and_refuses_no_choice():
    page = Client().get("/subscribe/").content.decode()
    assert "<fieldset" in page and "<legend>" in page
    assert page.count('type="checkbox"') == Sphere.objects.count() + 1
    response = Client().post("/subscribe/", {"email": "a@example.org"})
    assert response.status_code == 400
    assert not OutboxMessage.objects.exists() and not Subscription.objects.exists()


def test_an_address_cannot_be_flooded_with_confirmation_links():
    choices = [["1"], ["16"], ["17"], ["1", "16"], ["1", "17"], ["16", "17"], ["1", "16", "17"]]
    for codes in choices:
        assert subscribe(Client(), email="victim@example.org", spheres=codes).status_code == 302
    assert confirmation_rows("victim@example.org").count() == services.CONFIRMATIONS_PER_HOUR
