"""Writes for public subscriptions to new calls: request, confirm (double opt-in), change, cancel,
and the notices to subscribers when a call is announced.

Links are signed tokens naming the address (``django.core.signing``): the confirmation link also
carries the spheres asked for and expires after ``CONFIRM_MAX_AGE``; the links to manage or cancel
a subscription do not expire (they are in every notice). Whether an address is subscribed is never
revealed to anyone but its mailbox: asking to subscribe answers the same in every case and only
ever sends a confirmation link.
"""

import datetime
import hashlib
import time

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from notifications.models import OutboxMessage
from notifications.services import outbox_write
from organisations.models import Sphere

from .models import Subscription

CONFIRM_SALT = "subscriptions.confirm"
MANAGE_SALT = "subscriptions.manage"
UNSUBSCRIBE_SALT = "subscriptions.unsubscribe"
CONFIRM_MAX_AGE = 3 * 24 * 60 * 60  # seconds: the confirmation link is valid for 3 days
RESEND_INTERVAL = 60  # seconds: one confirmation e-mail per address and choice at most this often
CONFIRMATIONS_PER_HOUR = 5  # at most this many confirmation e-mails to one address an hour (no mail bombing)


def normalise_email(email):
    return (email or "").strip().lower()


def _bad_link():
    return DomainError(
        _("This link is not valid. Copy the whole address from the e-mail, or subscribe again."), code="bad_link"
    )


def confirm_token(*, email, all_spheres, sphere_codes, language):
    choice = {"e": email, "a": bool(all_spheres), "s": sorted(sphere_codes), "l": language}
    return signing.dumps(choice, salt=CONFIRM_SALT, compress=True)


def manage_token(email):
    return signing.dumps({"e": normalise_email(email)}, salt=MANAGE_SALT)


def unsubscribe_token(email):
    return signing.dumps({"e": normalise_email(email)}, salt=UNSUBSCRIBE_SALT)


def manage_link(email):
    return reverse("subscriptions:manage", args=[manage_token(email)])


def unsubscribe_link(email):
    return reverse("subscriptions:unsubscribe", args=[unsubscribe_token(email)])


def _email_from(token, salt):
    try:
        return normalise_email(signing.loads(token, salt=salt)["e"])
    except (signing.BadSignature, KeyError, TypeError):
        raise _bad_link() from None


def email_for_unsubscribe_token(token):
    """The address an unsubscribe link names (DomainError when the link was altered)."""
    return _email_from(token, UNSUBSCRIBE_SALT)


def subscription_request(*, email, spheres, all_spheres, language="pl"):
    """Ask to subscribe ``email`` to new calls in ``spheres`` (or in all spheres): send a confirmation link.

    The answer is the same whether or not the address is already subscribed. A new address gets an
    unconfirmed row (it receives nothing until the link is opened); an unconfirmed one has its choice
    replaced; a confirmed one keeps its spheres until the new link is opened. Effects, in one
    transaction: at most one row, one outbox notice with the link (at most one a minute for the same
    address and choice, and ``CONFIRMATIONS_PER_HOUR`` an hour for the address).
    """
    email = normalise_email(email)
    spheres = [] if all_spheres else list(spheres)
    if not (all_spheres or spheres):
        message = _("Choose at least one sphere, or all of them.")
        raise DomainError(message, code="no_spheres", errors={"spheres": [message]})
    codes = sorted(s.code for s in spheres)
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            email=email, defaults={"all_spheres": bool(all_spheres), "language": language}
        )
        if created or subscription.confirmed_at is None:
            subscription.all_spheres = bool(all_spheres)
            subscription.language = language
            subscription.save(update_fields=["all_spheres", "language", "updated_at"])
            subscription.spheres.set(spheres)
        recent = OutboxMessage.objects.filter(
            event="subscription_confirm", recipient=email, created_at__gte=timezone.now() - datetime.timedelta(hours=1)
        )
        if recent.count() >= CONFIRMATIONS_PER_HOUR:
            return subscription  # the same answer to the asker; the mailbox is not flooded
        token = confirm_token(email=email, all_spheres=all_spheres, sphere_codes=codes, language=language)
        digest = hashlib.sha256(f"{email}|{bool(all_spheres)}|{','.join(codes)}".encode()).hexdigest()[:32]
        outbox_write(
            event="subscription_confirm",
            recipient=email,
            template="subscription_confirm",
            context={
                "link": reverse("subscriptions:confirm", args=[token]),
                "all_spheres": bool(all_spheres),
                "spheres": sorted(spheres, key=lambda s: (s.position, s.pk)),
                "days": CONFIRM_MAX_AGE // 86400,
            },
            dedupe_key=f"subscription-confirm:{digest}:{int(time.time()) // RESEND_INTERVAL}",
            language=language,
        )
    return subscription


def subscription_confirm(*, token):
    """Open a confirmation link: the subscription is confirmed with the spheres the link carries.

    Refuses (DomainError) an expired or altered link. Effects, in one transaction: the row is created
    or updated and confirmed (the first confirmation time is kept). Returns the subscription.
    """
    try:
        choice = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
        email, all_spheres, codes, language = choice["e"], choice["a"], choice["s"], choice["l"]
    except signing.SignatureExpired:
        raise DomainError(
            _("This confirmation link has expired. Subscribe again to get a new one."), code="link_expired"
        ) from None
    except (signing.BadSignature, KeyError, TypeError):
        raise _bad_link() from None
    with transaction.atomic():
        subscription, _created = Subscription.objects.select_for_update().get_or_create(email=normalise_email(email))
        subscription.all_spheres = bool(all_spheres)
        subscription.language = language
        subscription.confirmed_at = subscription.confirmed_at or timezone.now()
        subscription.save(update_fields=["all_spheres", "language", "confirmed_at", "updated_at"])
        subscription.spheres.set([] if all_spheres else Sphere.objects.filter(code__in=codes))
    return subscription


def subscription_for_manage_token(token):
    """The confirmed subscription a manage link names; ``None`` when there is none (any more)."""
    email = _email_from(token, MANAGE_SALT)
    return Subscription.objects.filter(email=email, confirmed_at__isnull=False).prefetch_related("spheres").first()


def subscription_update(*, token, spheres, all_spheres):
    """Change the spheres of the subscription a manage link names (the link proves the mailbox).

    Effects, in one transaction: the row's spheres. Returns the subscription, or ``None`` when the
    address is not subscribed (any more).
    """
    email = _email_from(token, MANAGE_SALT)
    spheres = [] if all_spheres else list(spheres)
    if not (all_spheres or spheres):
        message = _("Choose at least one sphere, or all of them.")
        raise DomainError(message, code="no_spheres", errors={"spheres": [message]})
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().filter(email=email, confirmed_at__isnull=False).first()
        if subscription is None:
            return None
        subscription.all_spheres = bool(all_spheres)
        subscription.save(update_fields=["all_spheres", "updated_at"])
        subscription.spheres.set(spheres)
    return subscription


def subscription_cancel(*, token):
    """Unsubscribe the address an unsubscribe link names: its row is deleted. Idempotent.

    Returns the address. Effects: the row (and its spheres) deleted.
    """
    email = _email_from(token, UNSUBSCRIBE_SALT)
    Subscription.objects.filter(email=email).delete()
    return email


def _notify_subscribers(*, sphere_id, event, key, template, context):
    """Within the caller's transaction: one ``event`` notice to each confirmed subscriber of
    ``sphere_id`` (or of every sphere), keyed ``<event>:<key>:subscriber:<pk>``; an address already
    told of this event (dedupe keys starting ``<event>:<key>:``, e.g. as an organisation or a media
    outlet) is not told twice. Each notice carries the links to change or cancel the subscription."""
    prefix = f"{event}:{key}:"
    already = {
        recipient.lower()
        for recipient in OutboxMessage.objects.filter(dedupe_key__startswith=prefix).values_list("recipient", flat=True)
    }
    subscriptions = (
        Subscription.objects.filter(confirmed_at__isnull=False)
        .filter(Q(all_spheres=True) | Q(spheres=sphere_id))
        .distinct()
        .prefetch_related("spheres")
        .order_by("pk")
    )
    written = 0
    for subscription in subscriptions:
        if subscription.email in already:
            continue
        message = outbox_write(
            event=event,
            recipient=subscription.email,
            template=template,
            context={
                **context,
                "subscription": subscription,
                "spheres": subscription.sphere_list(),
                "manage_link": manage_link(subscription.email),
                "unsubscribe_link": unsubscribe_link(subscription.email),
            },
            dedupe_key=f"{prefix}subscriber:{subscription.pk}",
            language=subscription.language,
        )
        written += message is not None
    return written


def subscribers_notify_call_announced(call):
    """Within the announcement's transaction: a notice to each confirmed subscriber of the call's sphere,
    once per call per subscriber, saying what the person subscribed to."""
    return _notify_subscribers(
        sphere_id=call.task.sphere_id,
        event="call_announced",
        key=call.pk,
        template="subscription_call_announced",
        context={"call": call, "task": call.task},
    )


def subscribers_notify_small_grant_published(small_grant):
    """Within the publication's transaction: a notice to each confirmed subscriber of the small grant's
    sphere that the offer is published for comments (art. 19a ust. 3), once per small grant per subscriber."""
    return _notify_subscribers(
        sphere_id=small_grant.sphere_id,
        event="small_grant_published",
        key=small_grant.pk,
        template="small_grant_published_subscriber",
        context={"small_grant": small_grant, "organisation": small_grant.organisation},
    )
