from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from calls.models import Call
from core.models import TimeStampedModel
from core.money import MoneyField
from organisations.models import Organisation

from .enums import ApplicationStatus, AttachmentKind


class Application(FSMModelMixin, TimeStampedModel):
    """An offer (*oferta realizacji zadania publicznego*) in a call.

    Holds what submission and the programme's statistics need (amounts, status, submission
    record) and, in ``content``, the offer template's sections as typed in the offer editor.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    title = models.CharField(_("title of the task"), max_length=300)
    status = FSMField(_("status"), default=ApplicationStatus.DRAFT, choices=ApplicationStatus.choices, protected=True)
    requested_amount = MoneyField(_("grant requested (PLN)"), default=0)
    # The offer template's sections II–VII as typed in the offer editor (applications.editor_forms):
    # plain strings and lists, never validated on save, so a draft keeps everything typed.
    # applications.completeness reads it before submission.
    content = models.JSONField(_("offer content"), default=dict, blank=True)
    awarded_amount = MoneyField(_("grant awarded (PLN)"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    confirmation_number = models.CharField(
        _("confirmation number"), max_length=40, blank=True, editable=False, db_index=True
    )
    correction_due = models.DateTimeField(_("corrections due"), null=True, blank=True, editable=False)
    # Frozen at submission (applications.documents): the offer in the statutory layout and the
    # confirmation of submission carrying that PDF's SHA-256.
    offer_document = models.ForeignKey(
        "core.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("offer (PDF)"),
    )
    confirmation_document = models.ForeignKey(
        "core.StoredDocument",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("confirmation of submission (PDF)"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return self.title

    def can_be_submitted_now(self):
        """A first submission while the call takes offers (announced, before the deadline); a
        corrected offer until the correction deadline the official set."""
        if self.status == ApplicationStatus.RETURNED_FOR_CORRECTION:
            return self.correction_due is not None and timezone.now() < self.correction_due
        return self.call.accepts_offers()

    # Transitions: bodies change only this object's fields; services run them (core.transitions).

    @transition(
        field=status,
        source=[ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION],
        target=ApplicationStatus.SUBMITTED,
        conditions=[can_be_submitted_now],
    )
    def submit(self, *, at):
        self.submitted_at = at
        if not self.confirmation_number:
            # Stable per offer: the call, the year and the offer's own number.
            self.confirmation_number = f"{timezone.localtime(at).year}/{self.call_id}/{self.pk:05d}"

    @transition(
        field=status,
        source=[
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.RETURNED_FOR_CORRECTION,
            ApplicationStatus.FORMALLY_ACCEPTED,
        ],
        target=ApplicationStatus.WITHDRAWN,
    )
    def withdraw(self):
        """Before any decision the organisation may withdraw its offer."""

    # The formal check (ocena formalna) by an official.

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.FORMALLY_ACCEPTED)
    def accept_formally(self):
        self.correction_due = None

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.RETURNED_FOR_CORRECTION)
    def return_for_correction(self, *, due):
        self.correction_due = due

    @transition(field=status, source=ApplicationStatus.SUBMITTED, target=ApplicationStatus.FORMALLY_REJECTED)
    def reject_formally(self):
        self.correction_due = None

    # Evaluation and decision (evaluation app): scored when the committee closes its scoring; the
    # approver's published decision awards (fully or partly) or not.

    @transition(field=status, source=ApplicationStatus.FORMALLY_ACCEPTED, target=ApplicationStatus.SCORED)
    def mark_scored(self):
        """The committee closed its scoring with this offer scored."""

    @transition(field=status, source=ApplicationStatus.SCORED, target=ApplicationStatus.AWARDED)
    def award(self, *, amount):
        self.awarded_amount = amount

    @transition(field=status, source=ApplicationStatus.SCORED, target=ApplicationStatus.UPDATE_REQUIRED)
    def award_partially(self, *, amount):
        """Less than requested: the organisation updates its schedule and budget (or declines)."""
        self.awarded_amount = amount

    @transition(field=status, source=ApplicationStatus.SCORED, target=ApplicationStatus.NOT_AWARDED)
    def refuse_award(self):
        self.awarded_amount = None

    @transition(field=status, source=ApplicationStatus.UPDATE_REQUIRED, target=ApplicationStatus.UPDATE_SUBMITTED)
    def submit_update(self):
        """The organisation sent the schedule and budget updated to the awarded amount."""

    @transition(field=status, source=ApplicationStatus.UPDATE_SUBMITTED, target=ApplicationStatus.AWARDED)
    def confirm_update(self):
        """An official accepted the update."""

    @transition(field=status, source=ApplicationStatus.UPDATE_SUBMITTED, target=ApplicationStatus.UPDATE_REQUIRED)
    def return_update(self):
        """An official asked for the update to be corrected."""

    @transition(
        field=status,
        source=[ApplicationStatus.UPDATE_REQUIRED, ApplicationStatus.UPDATE_SUBMITTED],
        target=ApplicationStatus.DECLINED,
    )
    def decline(self):
        """The organisation declines a partial award."""

    # Realisation (art. 16–18): driven by the agreement and the reports (agreements, reporting).
    @transition(field=status, source=ApplicationStatus.AWARDED, target=ApplicationStatus.CONTRACTED)
    def contract(self):
        """Both sides signed the agreement (*umowa*)."""

    @transition(field=status, source=ApplicationStatus.CONTRACTED, target=ApplicationStatus.IN_REALISATION)
    def start_realisation(self):
        """The task is being carried out under the signed agreement."""

    @transition(field=status, source=ApplicationStatus.IN_REALISATION, target=ApplicationStatus.REPORTED)
    def mark_reported(self):
        """The final report was submitted."""

    @transition(field=status, source=ApplicationStatus.REPORTED, target=ApplicationStatus.SETTLED)
    def settle(self):
        """The final report was accepted and the grant settled: the agreement is performed."""

    @transition(
        field=status,
        source=[ApplicationStatus.CONTRACTED, ApplicationStatus.IN_REALISATION, ApplicationStatus.REPORTED],
        target=ApplicationStatus.TERMINATED,
    )
    def terminate(self):
        """The agreement was terminated (*rozwiązanie umowy*)."""


class ApplicationVersion(models.Model):
    """One submitted version of an offer, frozen: what was submitted, when, and its two PDFs.

    Version 1 is the first submission; each resubmission after a return for correction adds the
    next. The offer's ``offer_document`` / ``confirmation_document`` point at the latest version's.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="versions", verbose_name=_("offer")
    )
    number = models.PositiveSmallIntegerField(_("version"))
    title = models.CharField(_("title of the task"), max_length=300)
    requested_amount = MoneyField(_("grant requested (PLN)"))
    content = models.JSONField(_("offer content"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    offer_document = models.ForeignKey(
        "core.StoredDocument", on_delete=models.PROTECT, related_name="+", verbose_name=_("offer (PDF)")
    )
    confirmation_document = models.ForeignKey(
        "core.StoredDocument",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("confirmation of submission (PDF)"),
    )

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="application_version_unique")]
        verbose_name = _("offer version")
        verbose_name_plural = _("offer versions")

    def __str__(self):
        return f"{self.application} — v{self.number}"


class FormalOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("meets the formal requirements")
    RETURNED = "returned", _("returned for correction")
    REJECTED = "rejected", _("rejected on formal grounds")


class FormalCheck(models.Model):
    """The record of one formal check of one submitted version: each requirement of the call's
    checklist with the official's answer and note, the outcome, and who decided when."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="formal_checks", verbose_name=_("offer")
    )
    version = models.ForeignKey(
        ApplicationVersion, null=True, on_delete=models.PROTECT, related_name="formal_checks", verbose_name=_("version")
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=FormalOutcome.choices)
    # [{"requirement": text, "met": bool, "note": text}, ...] in the checklist's order.
    items = models.JSONField(_("checklist"), default=list)
    reason = models.TextField(_("reason"), blank=True)
    defects = models.JSONField(_("defects to correct"), default=list)
    correction_due = models.DateTimeField(_("corrections due"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("checked by")
    )
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        ordering = ["application", "checked_at", "pk"]
        verbose_name = _("formal check")
        verbose_name_plural = _("formal checks")

    def __str__(self):
        return f"{self.application} — {self.get_outcome_display()}"


# Offer attachments. (Kept at the end of the module; imported here so the Application class above stays untouched.)

ATTACHMENT_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def attachment_upload_to(instance, filename):
    """``attachments/<2 hex>/<sha256>.<ext>`` under the private MEDIA_ROOT: never the uploader's name."""
    extension = ATTACHMENT_EXTENSIONS.get(instance.content_type, ".bin")
    return f"attachments/{instance.sha256[:2]}/{instance.sha256}{extension}"


class Attachment(models.Model):
    """A file attached to an offer (statute, register extract, signed confirmation, other).

    The content type is what the bytes are (magic numbers), never what the name or the browser
    said; the SHA-256 digest is computed on upload. Served only through a view that checks
    :func:`applications.rules.can_view_application`.
    """

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("offer")
    )
    kind = models.CharField(_("kind"), max_length=32, choices=AttachmentKind.choices)
    # Which of the call's required attachments (Call.required_attachment_list) this file is, if any.
    requirement = models.CharField(_("required attachment"), max_length=300, blank=True)
    original_name = models.CharField(_("original file name"), max_length=255)
    file = models.FileField(_("file"), upload_to=attachment_upload_to, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveBigIntegerField(_("size (bytes)"), editable=False)
    content_type = models.CharField(_("content type"), max_length=64, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now, editable=False, db_index=True)

    class Meta:
        ordering = ["application", "uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"
