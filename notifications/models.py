import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import TimeStampedModel

from .enums import Channel, DeliveryStatus


class OutboxMessage(models.Model):
    """A notice, written in the transaction of the change that causes it, delivered after commit.

    Subject and bodies are rendered at creation, so what is sent is what the event said then; they,
    the recipient, the unsubscribe link and the attachments are never changed afterwards (delivery
    reads them for a whole batch without a lock). ``dedupe_key`` is unique: firing the same event
    twice writes one row.
    """

    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.EMAIL)
    event = models.CharField(_("event"), max_length=64)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # Set for messages to media outlets: sent as List-Unsubscribe (RFC 2369, one-click per RFC 8058).
    unsubscribe_url = models.URLField(_("unsubscribe link"), max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self):
        return f"{self.event} → {self.recipient} ({self.status})"

    @property
    def message_id(self):
        """A stable Message-ID from the dedupe key: a re-sent notice is recognisably the same mail."""
        return message_id_for(self.dedupe_key)


def message_id_for(dedupe_key):
    """The Message-ID of the notice with ``dedupe_key`` (see :attr:`OutboxMessage.message_id`)."""
    digest = hashlib.sha256(dedupe_key.encode()).hexdigest()[:40]
    return f"<{digest}@{settings.MESSAGE_ID_DOMAIN}>"


class OutboxAttachment(models.Model):
    """A file a notice carries (e.g. the results PDF in a press note): a stored document, sent under
    ``filename``. Written with its message, in the same transaction; never changed afterwards."""

    message = models.ForeignKey(
        OutboxMessage, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("notice")
    )
    document = models.ForeignKey(
        "core.StoredDocument", on_delete=models.PROTECT, related_name="+", verbose_name=_("document")
    )
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100, default="application/pdf")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.filename


class MediaOutlet(TimeStampedModel):
    """A local newsroom that receives news of calls and results (with its consent)."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"))
    wants_calls = models.BooleanField(_("news of calls"), default=True)
    wants_results = models.BooleanField(_("news of results"), default=True)
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media outlet")
        verbose_name_plural = _("media outlets")

    def __str__(self):
        return self.name


class PressNoteStatus(models.TextChoices):
    DRAFT = "draft", _("draft, waiting for review")
    APPROVED = "approved", _("approved and sent")


class PressNote(TimeStampedModel):
    """A press note on a call's results: generated at publication, reviewed by an official, then sent
    to every consenting active outlet that wants results (or sent at once when the call says so)."""

    call = models.OneToOneField(
        "calls.Call", on_delete=models.PROTECT, related_name="press_note", verbose_name=_("call")
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    generated_body = models.TextField(_("generated text"))
    status = models.CharField(
        _("status"), max_length=10, choices=PressNoteStatus.choices, default=PressNoteStatus.DRAFT
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    # The results PDF stored at publication: attached to the message each outlet receives.
    results_document = models.ForeignKey(
        "core.StoredDocument",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("results (PDF)"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("press note")
        verbose_name_plural = _("press notes")

    def __str__(self):
        return self.subject


class NoticePreference(models.Model):
    """A person's choice about one optional notice; no row means the notice is sent."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences", verbose_name=_("person")
    )
    event = models.CharField(_("event"), max_length=64)
    enabled = models.BooleanField(_("send"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notice_preference_once")]
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self):
        return f"{self.user} {self.event}: {self.enabled}"
