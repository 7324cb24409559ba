"""The notices of the procedure, delivered to the real SMTP server."""

import datetime

import pytest
from django.utils import timezone

from core.roles import OFFICIAL
from notifications.enums import DeliveryStatus
from notifications.models import OutboxMessage
from notifications.services import outbox_deliver
from organisations.models import Sphere
from smallgrants import services
from smallgrants.enums import SmallGrantStatus
from subscriptions.models import Subscription
from subscriptions.services import unsubscribe_link
from tests.factories import MediaOutletFactory, UserFactory
from tests.smallgrants.helpers import small_grant

pytestmark = pytest.mark.django_db


def deliver_outbox():
    for pk in OutboxMessage.objects.filter(status=DeliveryStatus.PENDING).values_list("pk", flat=True):
        assert outbox_deliver(message_id=pk) == "sent"


def body(message):
    return message.get_body(("plain",)).get_content()


def test_submission_confirms_receipt_to_the_members_and_tells_the_officials(mailbox):
    official = UserFactory(roles=[OFFICIAL])
    grant, member = small_grant(start=timezone.localdate() + datetime.timedelta(days=40))
    services.small_grant_submit(small_grant=grant, actor=member)
    deliver_outbox()
    grant.refresh_from_db()
    [confirmation] = mailbox.to(member.email)
    assert grant.organisation.name in confirmation["Subject"] and grant.title in confirmation["Subject"]
    text = body(confirmation)
    assert grant.offer_document.sha256 in text
    assert f"/small-grants/{grant.pk}/" in text and text.count("http") >= 1
    [received] = mailbox.to(official.email)
    assert grant.organisation.name in received["Subject"]
    assert f"/panel/small-grants/{grant.pk}/" in body(received)


def test_publication_goes_to_the_media_and_the_subscribers_of_the_sphere(mailbox, official):
    outlet = MediaOutletFactory()
    MediaOutletFactory(wants_calls=False)
    subscriber = Subscription.objects.create(email="mieszkanka@example.org", confirmed_at=timezone.now())
    subscriber.spheres.set([Sphere.objects.get(code="17")])
    other = Subscription.objects.create(email="inny@example.org", confirmed_at=timezone.now())
    other.spheres.set(Sphere.objects.exclude(code="17")[:1])
    Subscription.objects.create(email="niepotwierdzony@example.org", all_spheres=True)
    grant, _ = small_grant(SmallGrantStatus.SUBMITTED)
    services.small_grant_publish(small_grant=grant, actor=official)
    deliver_outbox()
    [press] = mailbox.to(outlet.email)
    assert grant.title in press["Subject"] and grant.organisation.name in press["Subject"]
    assert "List-Unsubscribe" in press and f"/small-grants/{grant.pk}/" in body(press)
    [notice] = mailbox.to("mieszkanka@example.org")
    assert grant.title in notice["Subject"]
    assert unsubscribe_link("mieszkanka@example.org") in body(notice) and f"/small-grants/{grant.pk}/" in body(notice)
    assert mailbox.to("inny@example.org") == [] and mailbox.to("niepotwierdzony@example.org") == []
    assert len(mailbox) == 2


def test_a_refusal_tells_the_members_the_reason(mailbox, official):
    grant, member = small_grant(SmallGrantStatus.SUBMITTED)
    services.small_grant_reject(small_grant=grant, actor=official, reason="Zadanie nie ma charakteru lokalnego.")
    deliver_outbox()
    [notice] = mailbox.to(member.email)
    assert grant.organisation.name in notice["Subject"]
    assert "Zadanie nie ma charakteru lokalnego." in body(notice)


def test_a_new_comment_is_announced_to_the_officials(mailbox, official):
    grant, member = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=1))
    services.comment_add(
        small_grant=grant, author_name="Ewa", author_email="", text="Świetny pomysł!", client="10.0.0.1"
    )
    deliver_outbox()
    [notice] = mailbox.to(official.email)
    assert grant.title in notice["Subject"] and "Świetny pomysł!" in body(notice)
    assert mailbox.to(member.email) == []
