"""Small grants outside competitions — *tryb pozakonkursowy, tzw. mały grant* (art. 19a):
a simplified offer (Dz.U. 2018 poz. 2055) for a local task, published for comments, then an
agreement or a refusal.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin, transition

from calls.enums import TaskForm
from calls.models import AnnualProgramme
from core.models import StoredDocument, TimeStampedModel
from core.money import MoneyField
from organisations.models import Organisation, Sphere

from .enums import CommentStatus, SmallGrantStatus


class SmallGrant(FSMModelMixin, TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="small_grants", verbose_name=_("organisation")
    )
    # The year's programme: its planned grant funds bound the small-grant pool (art. 19a ust. 7).
    programme = models.ForeignKey(
        AnnualProgramme, on_delete=models.PROTECT, related_name="small_grants", verbose_name=_("programme")
    )
    sphere = models.ForeignKey(Sphere, on_delete=models.PROTECT, related_name="+", verbose_name=_("sphere"))
    form = models.CharField(_("form"), max_length=16, choices=TaskForm.choices, default=TaskForm.SUPPORTING)
    title = models.CharField(_("title of the task"), max_length=300)
    status = FSMField(_("status"), default=SmallGrantStatus.DRAFT, choices=SmallGrantStatus.choices, protected=True)
    realisation_start = models.DateField(_("realisation from"), null=True, blank=True)
    realisation_end = models.DateField(_("realisation until"), null=True, blank=True)
    requested_amount = MoneyField(_("grant requested (PLN)"), default=0, validators=[MinValueValidator(0)])
    # The simplified offer's parts as typed (description, place, results, costs, sources),
    # stored as typed; the checks run on submission.
    content = models.JSONField(_("offer content"), default=dict, blank=True)
    submitted_at = models.DateTimeField(_("received"), null=True, blank=True, editable=False)
    publish_by = models.DateField(_("to be published by"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("published for comments"), null=True, blank=True, editable=False)
    comments_until = models.DateTimeField(_("comments until"), null=True, blank=True, editable=False)
    decision_reason = models.TextField(_("reason"), blank=True)
    offer_document = models.ForeignKey(
        StoredDocument, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("offer (PDF)")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("small grant")
        verbose_name_plural = _("small grants")

    def __str__(self):
        return self.title

    @transition(field=status, source=SmallGrantStatus.DRAFT, target=SmallGrantStatus.SUBMITTED)
    def submit(self, *, at, publish_by, document=None):
        self.submitted_at = at
        self.publish_by = publish_by
        self.offer_document = document

    @transition(
        field=status, source=[SmallGrantStatus.DRAFT, SmallGrantStatus.SUBMITTED], target=SmallGrantStatus.WITHDRAWN
    )
    def withdraw(self):
        """The organisation withdraws its offer before publication."""

    @transition(field=status, source=SmallGrantStatus.SUBMITTED, target=SmallGrantStatus.PUBLISHED)
    def publish(self, *, at, comments_until):
        """An official found the task worthwhile (*celowość*): published for comments (art. 19a ust. 3)."""
        self.published_at = at
        self.comments_until = comments_until

    @transition(field=status, source=SmallGrantStatus.PUBLISHED, target=SmallGrantStatus.COMMENTS_CLOSED)
    def close_comments(self):
        """The comment period ended (art. 19a ust. 4)."""

    @transition(field=status, source=SmallGrantStatus.COMMENTS_CLOSED, target=SmallGrantStatus.CONTRACTED)
    def contract(self):
        """The agreement was signed (art. 19a ust. 5)."""

    @transition(
        field=status,
        source=[SmallGrantStatus.SUBMITTED, SmallGrantStatus.COMMENTS_CLOSED],
        target=SmallGrantStatus.REJECTED,
    )
    def reject(self, *, reason):
        """Not worthwhile, or refused after the comments."""
        self.decision_reason = reason


class SmallGrantComment(models.Model):
    """A comment on a published offer (art. 19a ust. 4): anyone may send one; moderated and kept."""

    small_grant = models.ForeignKey(SmallGrant, on_delete=models.CASCADE, related_name="comments")
    author_name = models.CharField(_("name"), max_length=200)
    author_email = models.EmailField(_("e-mail"), blank=True)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    status = models.CharField(
        _("moderation"), max_length=16, choices=CommentStatus.choices, default=CommentStatus.PENDING
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True, editable=False)
    moderation_note = models.CharField(_("moderation note"), max_length=300, blank=True)

    class Meta:
        ordering = ["small_grant", "created_at", "pk"]
        verbose_name = _("comment on a small grant")
        verbose_name_plural = _("comments on small grants")

    def __str__(self):
        return f"{self.author_name}: {self.text[:40]}"
