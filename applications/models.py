from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, FSMModelMixin

from calls.models import Call
from core.models import TimeStampedModel
from core.money import MoneyField
from organisations.models import Organisation

from .enums import ApplicationStatus


class Application(FSMModelMixin, TimeStampedModel):
    """An offer (*oferta realizacji zadania publicznego*) in a call.

    The foundation holds only what the programme and art. 13 statistics read (amounts and
    status); the offer template, submission and its transitions belong to the offers issue.
    """

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    title = models.CharField(_("title of the task"), max_length=300)
    status = FSMField(_("status"), default=ApplicationStatus.DRAFT, choices=ApplicationStatus.choices, protected=True)
    requested_amount = MoneyField(_("grant requested (PLN)"), default=0)
    awarded_amount = MoneyField(_("grant awarded (PLN)"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")

    def __str__(self):
        return self.title
