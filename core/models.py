import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import LegalParameterKey


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class UploadedFile(models.Model):
    """A file someone uploaded, as ``core.uploads`` checked it: the shown name, digest, size and the
    content type found in its bytes, who and when. Subclasses add ``file`` with their own folder."""

    original_name = models.CharField(_("original file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


class StatusChange(models.Model):
    """One row per state change of any workflow object: the audit trail (evidence in court)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=64)
    from_state = models.CharField(_("from"), max_length=40)
    to_state = models.CharField(_("to"), max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("actor")
    )
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.content_type.model}#{self.object_id}: {self.from_state} → {self.to_state}"


class LegalParameter(models.Model):
    """A number of the law with the date it takes effect; the row in force on a date applies."""

    key = models.CharField(_("parameter"), max_length=64, choices=LegalParameterKey.choices)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    effective_from = models.DateField(_("effective from"))
    source = models.CharField(_("legal source"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["key", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["key", "effective_from"], name="legal_parameter_once_per_date")]
        verbose_name = _("legal parameter")
        verbose_name_plural = _("legal parameters")

    def __str__(self):
        return f"{self.get_key_display()} = {self.value} ({self.effective_from})"


def document_upload_to(instance, filename):
    return f"documents/{instance.sha256[:2]}/{instance.sha256}.pdf"


class StoredDocument(models.Model):
    """A generated document (PDF) frozen at the moment it became legally relevant."""

    kind = models.CharField(_("kind"), max_length=40)
    file = models.FileField(_("file"), upload_to=document_upload_to)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("stored document")
        verbose_name_plural = _("stored documents")

    def __str__(self):
        return f"{self.kind} {self.sha256[:12]}"

    @classmethod
    def store(cls, *, kind, content: bytes):
        doc = cls(kind=kind, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
        doc.file.save(f"{doc.sha256}.pdf", ContentFile(content), save=False)
        doc.save()
        return doc

    def read(self) -> bytes:
        with self.file.open("rb") as fh:
            return fh.read()
