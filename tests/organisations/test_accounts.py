"""Sign-up with e-mail verification: one activation e-mail, a link that activates once and expires,
refusals that keep what was typed, and no logging in before activation."""

import datetime
import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client

from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from tests.factories import UserFactory
from tests.organisations.helpers import polish

pytestmark = pytest.mark.django_db

PASSWORD = "Zielone-drzewa-2026"
LINK = re.compile(r"https?://\S+?(/accounts/verify/[^/\s]+/)")


@pytest.fixture
def client():
    return Client(raise_request_exception=False)  # a server error is an answer (500) the test can report


def deliver_outbox():
    """Deliver the pending notices in this process, as the Celery task would after commit."""
    for pk in OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        assert outbox_deliver(message_id=pk) == "sent"


def sign_up(client, **overrides):
    data = {
        "first_name": "Anna",
        "last_name": "Żółkiewska",
        "email": "Anna.Zolkiewska@Example.org",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **overrides,
    }
    return client.post("/accounts/signup/", data)


def activation_link(mailbox, address):
    messages = mailbox.to(address)
    assert len(messages) == 1
    body = messages[0].get_body(("plain",)).get_content()
    return LINK.search(body).group(1)


def test_sign_up_sends_exactly_one_activation_email_and_the_link_activates_once(client, mailbox):
    # given a person who signs up
    response = sign_up(client)
    assert response.status_code == 302 and response["Location"] == "/accounts/signup/done/"
    user = get_user_model().objects.get()
    assert (user.username, user.email, user.is_active) == ("anna.zolkiewska@example.org",) * 2 + (False,)
    # when the outbox is delivered
    deliver_outbox()
    # then one e-mail with the link arrived, and opening it activates the account and logs the person in
    link = activation_link(mailbox, "anna.zolkiewska@example.org")
    assert len(mailbox) == 1
    response = client.get(link)
    assert response.status_code == 302 and response["Location"] == "/organisations/mine/"
    user.refresh_from_db()
    assert user.is_active
    assert client.get("/organisations/mine/").status_code == 200
    # and a second use of the same link is refused with a message
    again = Client().get(link)
    assert again.status_code == 400
    assert polish("This account has already been activated: log in with your e-mail and password.") in again.text


def test_an_expired_link_is_refused_and_the_account_stays_inactive(client, mailbox):
    sign_up(client)
    deliver_outbox()
    link = activation_link(mailbox, "anna.zolkiewska@example.org")
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=3, minutes=1)):
        response = client.get(link)
    assert response.status_code == 400
    assert polish("This activation link has expired. Ask for a new one below.") in response.text
    assert not get_user_model().objects.get().is_active


def test_a_tampered_link_is_refused(client, mailbox):
    sign_up(client)
    deliver_outbox()
    link = activation_link(mailbox, "anna.zolkiewska@example.org")
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"))
    response = client.get(tampered)
    assert response.status_code == 400
    assert (
        polish("This activation link is not valid. Check that it was copied whole, or ask for a new one below.")
        in response.text
    )
    assert not get_user_model().objects.get().is_active


def test_an_inactive_account_cannot_log_in_and_is_told_why(client):
    sign_up(client)
    response = client.post("/accounts/login/", {"username": "anna.zolkiewska@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert (
        polish("This account has not been activated yet: open the link we sent to your e-mail, or ask for a new one.")
        in response.text
    )


def test_an_active_account_logs_in_with_its_email_in_any_letter_case(client, mailbox):
    sign_up(client)
    deliver_outbox()
    client.get(activation_link(mailbox, "anna.zolkiewska@example.org"))
    client.logout()
    page = client.get("/accounts/login/")
    assert f">{polish('E-mail address')} <span" in page.text
    response = client.post("/accounts/login/", {"username": "ANNA.Zolkiewska@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(get_user_model().objects.get().pk)


def test_a_duplicate_email_is_refused_keeping_what_was_typed_but_the_password(client, mailbox):
    UserFactory(username="anna.zolkiewska@example.org", email="anna.zolkiewska@example.org")
    response = sign_up(client, email="ANNA.zolkiewska@example.org")
    assert response.status_code == 400
    assert (
        polish("An account with this e-mail address already exists. Log in, or ask for a new activation link.")
        in response.text
    )
    assert 'value="Żółkiewska"' in response.text and 'value="ANNA.zolkiewska@example.org"' in response.text
    assert PASSWORD not in response.text
    assert get_user_model().objects.count() == 1
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("password", "again", "field"),
    [
        ("12345678", "12345678", "password"),
        ("krótkie", "krótkie", "password"),
        (PASSWORD, PASSWORD + "x", "password_again"),
    ],
)
def test_a_weak_or_mistyped_password_is_refused_with_a_message(client, password, again, field):
    response = sign_up(client, password=password, password_again=again)
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.text
    assert get_user_model().objects.count() == 0


def test_bad_input_is_never_a_server_error(client):
    response = client.post("/accounts/signup/", {"email": "not-an-email", "first_name": "x" * 500})
    assert response.status_code == 400
    assert client.get("/accounts/verify/%00garbage/").status_code in (400, 404)
    assert client.post("/accounts/verify/resend/", {"email": ""}).status_code == 400


def test_a_new_link_can_be_sent_and_nothing_is_said_about_unknown_addresses(client, mailbox):
    sign_up(client)
    deliver_outbox()
    mailbox.clear()
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=2), tick=False):
        response = client.post("/accounts/verify/resend/", {"email": "Anna.Zolkiewska@example.org"})
        again = client.post(
            "/accounts/verify/resend/", {"email": "Anna.Zolkiewska@example.org"}
        )  # at most one a minute
        unknown = client.post("/accounts/verify/resend/", {"email": "nobody@example.org"})
    assert again.status_code == 302
    assert response.status_code == unknown.status_code == 302
    deliver_outbox()
    link = activation_link(mailbox, "anna.zolkiewska@example.org")
    assert len(mailbox) == 1
    assert client.get(link).status_code == 302
    assert get_user_model().objects.get().is_active
