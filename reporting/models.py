"""Reports on a public task — *sprawozdanie z wykonania zadania publicznego* (art. 18; Annex 5 of
Dz.U. 2018 poz. 2057, simplified in poz. 2055) — their review, the settlement of the grant with
any return of funds (u.f.p. art. 251–252), and the annual programme report (art. 5a ust. 3).
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from agreements.models import Agreement
from calls.models import AnnualProgramme
from core.models import StoredDocument, TimeStampedModel, UploadedFile
from core.money import MoneyField

from .enums import ReportKind, ReportStatus, ReviewOutcome


class Report(FSMModelMixin, TimeStampedModel):
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    status = FSMField(_("status"), default=ReportStatus.DRAFT, choices=ReportStatus.choices, protected=True)
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))
    # A partial report exists from an official's request (art. 18 ust. 3); a final one from signing.
    requested_at = models.DateTimeField(_("requested"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    due_on = models.DateField(_("due by"))
    # The report template's parts as typed in the editor (I: results and activities; II: costs by
    # line and by source; III: other information): plain strings and lists, stored as typed.
    content = models.JSONField(_("report content"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    # Submitted after the end of ``due_on`` in Europe/Warsaw: accepted, but marked late.
    late = models.BooleanField(_("submitted late"), default=False, editable=False)
    correction_due = models.DateField(_("corrections due"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True, editable=False)
    document = models.ForeignKey(
        StoredDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("report (PDF)"),
    )

    class Meta:
        ordering = ["agreement", "due_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement"], condition=models.Q(kind="final"), name="one_final_report_per_agreement"
            ),
        ]
        verbose_name = _("report")
        verbose_name_plural = _("reports")

    def __str__(self):
        return f"{self.get_kind_display()} — {self.agreement}"

    @transition(field=status, source=[ReportStatus.DRAFT, ReportStatus.RETURNED], target=ReportStatus.SUBMITTED)
    def submit(self, *, at, late, document=None):
        self.submitted_at = at
        self.late = late
        self.document = document

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.RETURNED)
    def return_for_correction(self, *, due):
        self.correction_due = due

    @transition(field=status, source=ReportStatus.SUBMITTED, target=ReportStatus.ACCEPTED)
    def accept(self, *, at=None):
        self.accepted_at = at or timezone.now()


class ReportSubmission(models.Model):
    """One submitted version of a report, frozen (the first submission and each correction)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="submissions")
    number = models.PositiveSmallIntegerField(_("version"))
    content = models.JSONField(_("report content"), default=dict)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("submitted by")
    )
    late = models.BooleanField(_("submitted late"), default=False)
    document = models.ForeignKey(
        StoredDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("report (PDF)"),
    )

    class Meta:
        ordering = ["report", "number"]
        constraints = [models.UniqueConstraint(fields=["report", "number"], name="report_submission_unique")]
        verbose_name = _("submitted report")
        verbose_name_plural = _("submitted reports")

    def __str__(self):
        return f"{self.report} v{self.number}"


class ReportReview(models.Model):
    """An official's return for correction (with comments) or acceptance of a report."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="reviews")
    outcome = models.CharField(_("outcome"), max_length=16, choices=ReviewOutcome.choices)
    comments = models.TextField(_("comments"), blank=True)
    correction_due = models.DateField(_("corrections due"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("reviewed by")
    )
    reviewed_at = models.DateTimeField(_("reviewed"), default=timezone.now)

    class Meta:
        ordering = ["report", "reviewed_at", "pk"]
        verbose_name = _("report review")
        verbose_name_plural = _("report reviews")

    def __str__(self):
        return f"{self.report}: {self.get_outcome_display()}"


def report_file_upload_to(instance, filename):
    return f"reports/{instance.sha256[:2]}/{instance.sha256}"


class ReportAttachment(UploadedFile):
    """Part III: lists of participants, photos, publications (invoices stay at the organisation)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(_("file"), upload_to=report_file_upload_to, max_length=255)

    class Meta:
        ordering = ["report", "uploaded_at", "pk"]
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")


class FundsReturn(TimeStampedModel):
    """An amount of the grant to give back (*zwrot dotacji*), computed on accepting a report."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="returns")
    report = models.ForeignKey(Report, null=True, blank=True, on_delete=models.PROTECT, related_name="returns")
    unused_amount = MoneyField(_("unused grant (PLN)"), default=0, validators=[MinValueValidator(0)])
    excess_amount = MoneyField(
        _("excess over the allowed increase (PLN)"), default=0, validators=[MinValueValidator(0)]
    )
    amount = MoneyField(_("to return (PLN)"), validators=[MinValueValidator(0)])
    due_on = models.DateField(_("to return by"))
    # How the amount was computed, line by line (settlement module's output), for the record.
    breakdown = models.JSONField(_("computation"), default=dict, blank=True)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    returned_amount = MoneyField(_("amount returned (PLN)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("return of funds")
        verbose_name_plural = _("returns of funds")

    def __str__(self):
        return f"{self.agreement}: {self.amount}"


class ProgrammeReport(TimeStampedModel):
    """The report on the annual programme's implementation (art. 5a ust. 3), published by 31 May."""

    programme = models.OneToOneField(AnnualProgramme, on_delete=models.PROTECT, related_name="report")
    # The figures as published (they are computed from the system's data and frozen here).
    data = models.JSONField(_("figures"), default=dict, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    document = models.ForeignKey(
        StoredDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("report (PDF)"),
    )

    class Meta:
        ordering = ["-programme__year"]
        verbose_name = _("programme report")
        verbose_name_plural = _("programme reports")

    def __str__(self):
        return str(self.programme)
