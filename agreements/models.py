"""Agreements — *umowa o realizację zadania publicznego* (art. 16; framework template, Annex 3 of
Dz.U. 2018 poz. 2057), their annexes and the payment of the grant in tranches.

An agreement comes from either an awarded offer in a competition (``application``) or a small
grant outside competitions (``small_grant``, art. 19a); exactly one of the two is set.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from calls.enums import TaskForm
from core.models import StoredDocument, TimeStampedModel, UploadedFile
from core.money import MoneyField
from organisations.models import Organisation

from .enums import AgreementFileKind, AgreementStatus, AnnexStatus, SigningMethod


class Agreement(FSMModelMixin, TimeStampedModel):
    application = models.OneToOneField(
        "applications.Application",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("offer"),
    )
    small_grant = models.OneToOneField(
        "smallgrants.SmallGrant",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agreement",
        verbose_name=_("small grant"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("organisation")
    )
    number = models.CharField(_("agreement number"), max_length=60, blank=True)
    status = FSMField(_("status"), default=AgreementStatus.DRAFT, choices=AgreementStatus.choices, protected=True)
    form = models.CharField(_("form"), max_length=16, choices=TaskForm.choices)
    task_title = models.CharField(_("title of the task"), max_length=300)
    realisation_start = models.DateField(_("realisation from"))
    realisation_end = models.DateField(_("realisation until"))
    grant_amount = MoneyField(_("grant (PLN)"), validators=[MinValueValidator(0)])
    allowed_shift_percent = models.DecimalField(
        _("allowed increase of a cost line (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True)
    account_holder_declared = models.BooleanField(
        _("the organisation declares it is the sole holder of the account"), default=False
    )
    authority_representatives = models.TextField(_("representatives of the city"), blank=True)
    organisation_representatives = models.TextField(_("representatives of the organisation"), blank=True)
    place = models.CharField(_("place of signing"), max_length=120, blank=True)
    # The offer (or the update after a partial award) as it stands in the agreement: its
    # content (schedule, results, cost lines, sources) frozen when the agreement is prepared.
    # The report editor starts from it; annexes change it.
    offer_content = models.JSONField(_("offer content in the agreement"), default=dict, blank=True)
    document = models.ForeignKey(
        StoredDocument,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agreement (PDF)"),
    )
    signing_method = models.CharField(_("signed by"), max_length=16, choices=SigningMethod.choices, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(application__isnull=False) & Q(small_grant__isnull=True))
                | (Q(application__isnull=True) & Q(small_grant__isnull=False)),
                name="agreement_has_one_source",
            ),
            models.CheckConstraint(
                condition=Q(realisation_end__gte=models.F("realisation_start")), name="agreement_dates_in_order"
            ),
        ]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self):
        return self.number or f"{self.task_title} ({self.organisation})"

    @property
    def source(self):
        """The awarded offer or the small grant this agreement carries out."""
        return self.application if self.application_id else self.small_grant

    @property
    def simplified(self):
        """Small grants (art. 19a) use the simplified offer and report (Dz.U. 2018 poz. 2055)."""
        return self.small_grant_id is not None

    @transition(field=status, source=AgreementStatus.DRAFT, target=AgreementStatus.READY)
    def mark_ready(self, *, document):
        """The PDF is frozen and the organisation is told the agreement is ready for signing."""
        self.document = document

    @transition(field=status, source=AgreementStatus.READY, target=AgreementStatus.DRAFT)
    def reopen(self):
        """An official corrects the agreement before it is signed."""
        self.document = None

    @transition(field=status, source=AgreementStatus.READY, target=AgreementStatus.SIGNED)
    def sign(self, *, signing_method, at=None):
        """Both sides signed: realisation starts. (Not ``method``: django-fsm's own argument name.)"""
        self.signing_method = signing_method
        self.signed_at = at or timezone.now()

    @transition(field=status, source=AgreementStatus.SIGNED, target=AgreementStatus.SETTLED)
    def settle(self, *, at=None):
        """The final report was accepted and any return recorded: the agreement is performed."""
        self.settled_at = at or timezone.now()

    @transition(field=status, source=AgreementStatus.SIGNED, target=AgreementStatus.TERMINATED)
    def terminate(self, *, reason):
        self.termination_reason = reason


class Annex(FSMModelMixin, TimeStampedModel):
    """An annex to a signed agreement (*aneks*): a change of dates, amounts or budget, with its history."""

    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="annexes")
    number = models.PositiveSmallIntegerField(_("annex number"))
    status = FSMField(_("status"), default=AnnexStatus.DRAFT, choices=AnnexStatus.choices, protected=True)
    subject = models.TextField(_("what the annex changes"))
    # The changed values, e.g. {"realisation_end": "2027-12-15", "grant_amount": "9000.00",
    # "offer_content": {...}}: applied to the agreement when the annex is signed.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    previous = models.JSONField(_("values before the annex"), default=dict, blank=True, editable=False)
    document = models.ForeignKey(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("annex (PDF)")
    )
    signing_method = models.CharField(_("signed by"), max_length=16, choices=SigningMethod.choices, blank=True)
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="annex_number_unique")]
        verbose_name = _("annex")
        verbose_name_plural = _("annexes")

    def __str__(self):
        return f"{self.agreement} / {self.number}"

    @transition(field=status, source=AnnexStatus.DRAFT, target=AnnexStatus.SIGNED)
    def sign(self, *, signing_method, previous, at=None):
        self.signing_method = signing_method
        self.previous = previous
        self.signed_at = at or timezone.now()


class Tranche(models.Model):
    """One payment of the grant (*transza*): planned amount and date, and when it was paid."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    number = models.PositiveSmallIntegerField(_("tranche"))
    amount = MoneyField(_("amount (PLN)"), validators=[MinValueValidator(0)])
    due_on = models.DateField(_("to be paid by"))
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    paid_amount = MoneyField(_("amount paid (PLN)"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("recorded"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["agreement", "number"]
        constraints = [models.UniqueConstraint(fields=["agreement", "number"], name="tranche_number_unique")]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")

    def __str__(self):
        return f"{self.agreement} / {self.number}"


def agreement_file_upload_to(instance, filename):
    return f"agreements/{instance.sha256[:2]}/{instance.sha256}"


class AgreementFile(UploadedFile):
    """A file of an agreement: the signed agreement or annex scanned or signed electronically."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="files")
    annex = models.ForeignKey(Annex, null=True, blank=True, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("kind"), max_length=32, choices=AgreementFileKind.choices)
    file = models.FileField(_("file"), upload_to=agreement_file_upload_to, max_length=255)

    class Meta:
        ordering = ["agreement", "uploaded_at", "pk"]
        verbose_name = _("agreement file")
        verbose_name_plural = _("agreement files")
