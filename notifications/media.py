"""Local media: who gets which kind of news, the unsubscribe link every message carries, and writing
a message to an outlet."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.errors import NotFound
from core.transitions import record_change

from .enums import Channel
from .models import MediaOutlet
from .services import outbox_write

CALLS, RESULTS = "calls", "results"
KINDS = {CALLS: _("news of calls"), RESULTS: _("news of results")}
KIND_FIELD = {CALLS: "wants_calls", RESULTS: "wants_results"}
UNSUBSCRIBE_SALT = "notifications.media-unsubscribe"


def outlets_for(kind):
    """Active outlets that consented (consent date given) and want ``kind`` of news."""
    return MediaOutlet.objects.filter(active=True, consent_at__isnull=False, **{KIND_FIELD[kind]: True})


def unsubscribe_token(outlet, kind):
    return signing.dumps({"outlet": outlet.pk, "kind": kind}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(outlet, kind):
    return settings.SITE_URL + reverse("media_unsubscribe", args=[unsubscribe_token(outlet, kind)])


def outlet_from_token(token):
    """``(outlet, kind)`` for a token made by :func:`unsubscribe_token`, or NotFound (tampered token)."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        outlet = MediaOutlet.objects.get(pk=data["outlet"])
        kind = data["kind"]
    except (signing.BadSignature, MediaOutlet.DoesNotExist, KeyError, TypeError):
        raise NotFound(_("This unsubscribe link is not valid.")) from None
    if kind not in KIND_FIELD:
        raise NotFound(_("This unsubscribe link is not valid."))
    return outlet, kind


def outlet_unsubscribe(*, token):
    """Stop sending the token's kind of news to the token's outlet (no login: the signed token is the
    proof). Effects: the outlet's flag for that kind, a StatusChange row. Returns ``(outlet, kind)``."""
    outlet, kind = outlet_from_token(token)
    with transaction.atomic():
        outlet = MediaOutlet.objects.select_for_update().get(pk=outlet.pk)
        field = KIND_FIELD[kind]
        if getattr(outlet, field):
            setattr(outlet, field, False)
            outlet.save(update_fields=[field, "updated_at"])
            record_change(
                outlet,
                transition="unsubscribe",
                from_state="subscribed",
                to_state="unsubscribed",
                actor=None,
                data={"kind": kind},
            )
    return outlet, kind


def media_notice_write(*, outlet, kind, event, template, context, dedupe_key, attachments=()):
    """Write one message to ``outlet`` (in the caller's transaction) with its unsubscribe link in the
    body (``unsubscribe_url`` in the template's context) and in the List-Unsubscribe header, and the
    ``(filename, StoredDocument)`` pairs of ``attachments`` as files."""
    link = unsubscribe_url(outlet, kind)
    return outbox_write(
        event=event,
        channel=Channel.MEDIA,
        recipient=outlet.email,
        template=template,
        context={**context, "outlet": outlet, "unsubscribe_url": link},
        dedupe_key=dedupe_key,
        unsubscribe_url=link,
        attachments=attachments,
    )


def _consent_moment(value):
    """A consent date from the form as an aware moment (noon, Warsaw time), or ``None``."""
    import datetime

    from django.utils import timezone

    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))


def outlet_save(*, actor, data, outlet=None):
    """Add or correct a media outlet in the register. Effects: the outlet, a StatusChange row."""
    with transaction.atomic():
        created = outlet is None
        outlet = outlet or MediaOutlet()
        for field in ("name", "email", "wants_calls", "wants_results", "active"):
            setattr(outlet, field, data[field])
        outlet.consent_at = _consent_moment(data.get("consent_at"))
        outlet.save()
        record_change(
            outlet,
            transition="add" if created else "edit",
            from_state="",
            to_state="active" if outlet.active else "inactive",
            actor=actor,
        )
        return outlet


def outlet_set_active(*, actor, outlet, active):
    """Deactivate (or reactivate) an outlet: an inactive one receives nothing. Effects: the flag, a
    StatusChange row."""
    with transaction.atomic():
        locked = MediaOutlet.objects.select_for_update().get(pk=outlet.pk)
        if locked.active != active:
            before = "active" if locked.active else "inactive"
            locked.active = active
            locked.save(update_fields=["active", "updated_at"])
            record_change(
                locked,
                transition="activate" if active else "deactivate",
                from_state=before,
                to_state="active" if active else "inactive",
                actor=actor,
            )
        return locked
