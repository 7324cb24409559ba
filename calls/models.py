from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from core.models import StoredDocument, TimeStampedModel
from core.money import MoneyField
from core.validators import validate_plausible_date
from organisations.models import Sphere

from .enums import CallStatus, CancellationGround, StatutoryCriterion, TaskForm, TaskMode, TaskStatus


class AnnualProgramme(TimeStampedModel):
    """The annual cooperation programme — *roczny program współpracy* (art. 5a)."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title = models.CharField(_("title"), max_length=300)
    resolution = models.CharField(_("council resolution"), max_length=200, blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True, validators=[validate_plausible_date])
    objectives = models.TextField(_("objectives"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual cooperation programme")
        verbose_name_plural = _("annual cooperation programmes")

    def __str__(self):
        return self.title


class PublicTask(TimeStampedModel):
    """A public task planned in the programme — *zadanie publiczne*."""

    programme = models.ForeignKey(AnnualProgramme, on_delete=models.PROTECT, related_name="tasks")
    number = models.CharField(_("number"), max_length=20, blank=True)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    sphere = models.ForeignKey(Sphere, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("sphere"))
    form = models.CharField(_("form"), max_length=16, choices=TaskForm.choices)
    mode = models.CharField(
        _("planned mode"), max_length=20, choices=TaskMode.choices, default=TaskMode.OPEN_COMPETITION
    )
    planned_funds = MoneyField(_("planned funds (PLN)"), validators=[MinValueValidator(0)])
    planned_quarter = models.PositiveSmallIntegerField(
        _("planned quarter"), validators=[MinValueValidator(1), MaxValueValidator(4)]
    )

    class Meta:
        ordering = ["programme", "planned_quarter", "number", "pk"]
        verbose_name = _("public task")
        verbose_name_plural = _("public tasks")

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def progress(self, calls=None):
        """The task's status, derived from its calls (pass prefetched calls to avoid a query)."""
        statuses = {c.status for c in (calls if calls is not None else self.calls.all())}
        if statuses & {CallStatus.RESOLVED, CallStatus.COMPLETED}:
            return TaskStatus.RESOLVED
        if statuses & {CallStatus.CLOSED, CallStatus.IN_EVALUATION}:
            return TaskStatus.IN_EVALUATION
        if CallStatus.ANNOUNCED in statuses:
            return TaskStatus.CALL_ANNOUNCED
        return TaskStatus.PLANNED


def default_formal_checklist():
    """The requirements checked in every offer unless the call says otherwise (art. 14, art. 11 ust. 2)."""
    with translation.override(settings.LANGUAGE_CODE):
        return "\n".join(
            str(item)
            for item in (
                _("The offer was submitted on time, on the statutory template, in the call's procedure."),
                _(
                    "The offeror is entitled to take part (art. 3 ust. 2 or 3) and the task is within its statutory aims."
                ),
                _("The offer concerns the task and the sphere of the call."),
                _("The confirmation of submission is signed by the persons authorised to represent the offeror."),
                _("The attachments the call requires are included (statute, register extract where needed)."),
                _("The realisation period is within the call's window and the budget keeps the call's limits."),
            )
        )


class Call(FSMModelMixin, TimeStampedModel):
    """An open competition for offers — *otwarty konkurs ofert* (art. 11–13, 15, 18a)."""

    task = models.ForeignKey(PublicTask, on_delete=models.PROTECT, related_name="calls", verbose_name=_("public task"))
    reference = models.CharField(_("reference number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    status = FSMField(_("status"), default=CallStatus.DRAFT, choices=CallStatus.choices, protected=True)
    # art. 13 ust. 2
    task_type = models.TextField(_("type of the task"), blank=True)
    funds = MoneyField(_("public funds allocated (PLN)"), null=True, blank=True, validators=[MinValueValidator(0)])
    award_rules = models.TextField(_("rules for awarding grants"), blank=True)
    realisation_start = models.DateField(
        _("realisation from"), null=True, blank=True, validators=[validate_plausible_date]
    )
    realisation_end = models.DateField(
        _("realisation until"), null=True, blank=True, validators=[validate_plausible_date]
    )
    realisation_conditions = models.TextField(_("conditions for carrying out the task"), blank=True)
    offer_deadline = models.DateTimeField(
        _("offer deadline"), null=True, blank=True, validators=[validate_plausible_date]
    )
    procedure = models.TextField(_("procedure for choosing offers"), blank=True)
    decision_by = models.DateField(_("offers chosen by"), null=True, blank=True, validators=[validate_plausible_date])
    # call-specific limits
    max_grant_share_percent = models.DecimalField(
        _("maximum grant share (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Supporting only: the grant may cover at most this share of the task's total cost."),
    )
    max_admin_cost_percent = models.DecimalField(
        _("maximum administrative costs (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    # The 2018 framework agreement leaves the number blank: a cost line financed from the grant
    # still complies when it grew by at most this much (§ "przesunięcia"); checked in the report.
    allowed_cost_shift_percent = models.DecimalField(
        _("allowed increase of a cost line (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("In the report, a cost line may exceed its planned value by at most this share."),
    )
    min_score = models.DecimalField(
        _("minimum score for a grant"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    max_grant_per_offer = MoneyField(
        _("maximum grant per offer (PLN)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty when one offer may ask for all the funds of the call."),
    )
    # Results press notes wait for an official's review unless the call says they go out at once.
    press_notes_automatic = models.BooleanField(
        _("send the results press note automatically"),
        default=False,
        help_text=_("Otherwise the press note is drafted at publication and sent after an official has reviewed it."),
    )
    # Section III.6 of the 2018 offer template is required only when the announcement says so.
    requires_results_table = models.BooleanField(
        _("offers must include the results table (III.6)"),
        default=False,
        help_text=_("Result, planned level and how it will be monitored, for each expected result."),
    )
    # Attachments every offer must carry (statute, register extract, others), one per line.
    required_attachments = models.TextField(
        _("required attachments"),
        blank=True,
        help_text=_(
            "One per line, e.g. “Statute”, “Extract from the register”. An offer cannot be submitted until it "
            "carries a file for each."
        ),
    )
    # The formal check (ocena formalna): what officials verify in each offer, one requirement per line.
    formal_checklist = models.TextField(
        _("formal requirements"),
        blank=True,
        default=default_formal_checklist,
        help_text=_("One requirement per line. Officials tick each of them in the formal check of every offer."),
    )
    # art. 13 ust. 3: the three mandatory publications
    published_bip_at = models.DateTimeField(
        _("published in BIP"), null=True, blank=True, validators=[validate_plausible_date]
    )
    published_board_at = models.DateTimeField(
        _("posted on the notice board"), null=True, blank=True, validators=[validate_plausible_date]
    )
    published_website_at = models.DateTimeField(
        _("published on the website"), null=True, blank=True, validators=[validate_plausible_date]
    )
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    announcement = models.ForeignKey(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    cancellation_ground = models.CharField(
        _("ground for cancellation"), max_length=20, choices=CancellationGround.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["offer_deadline", "pk"]
        indexes = [models.Index(fields=["status", "offer_deadline"])]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self):
        return self.title

    @property
    def form(self):
        return self.task.form

    @property
    def last_publication_at(self):
        dates = [self.published_bip_at, self.published_board_at, self.published_website_at]
        return None if None in dates else max(dates)

    def required_attachment_list(self):
        """The required attachments as a list (blank lines dropped)."""
        return [line.strip() for line in (self.required_attachments or "").splitlines() if line.strip()]

    def formal_requirements(self):
        """The formal checklist as a list of requirements (blank lines dropped)."""
        return [line.strip() for line in (self.formal_checklist or "").splitlines() if line.strip()]

    def deadline_passed(self, now=None):
        return self.offer_deadline is not None and (now or timezone.now()) >= self.offer_deadline

    def accepts_offers(self, now=None):
        """Offers are accepted only while announced AND before the deadline, whatever else is stored."""
        return self.status == CallStatus.ANNOUNCED and not self.deadline_passed(now)

    # Transitions: bodies change only this object's fields; services run them (core.transitions).

    @transition(field=status, source=CallStatus.DRAFT, target=CallStatus.ANNOUNCED)
    def announce(self, *, document):
        self.announced_at = timezone.now()
        self.announcement = document

    @transition(field=status, source=CallStatus.ANNOUNCED, target=CallStatus.CLOSED, conditions=[deadline_passed])
    def close(self):
        pass

    @transition(field=status, source=CallStatus.CLOSED, target=CallStatus.IN_EVALUATION)
    def start_evaluation(self):
        pass

    @transition(field=status, source=CallStatus.IN_EVALUATION, target=CallStatus.RESOLVED)
    def resolve(self):
        pass

    @transition(field=status, source=CallStatus.RESOLVED, target=CallStatus.COMPLETED)
    def complete(self):
        pass

    @transition(
        field=status,
        source=[CallStatus.ANNOUNCED, CallStatus.CLOSED, CallStatus.IN_EVALUATION],
        target=CallStatus.CANCELLED,
        conditions=[deadline_passed],  # art. 18a: whether offers came in is known only then
    )
    def cancel(self, *, ground):
        self.cancellation_ground = ground


class Criterion(models.Model):
    """A criterion the committee scores offers on: the statutory six (art. 15) plus the call's own."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    statutory = models.CharField(
        _("statutory criterion"), max_length=20, choices=StatutoryCriterion.choices, blank=True
    )
    name = models.CharField(_("criterion"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=5, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self):
        return self.name
