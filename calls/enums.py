from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class TaskForm(models.TextChoices):
    """Art. 5 ust. 4 / art. 11: how the task is commissioned."""

    ENTRUSTING = "entrusting", _("entrusting (powierzenie)")
    SUPPORTING = "supporting", _("supporting (wspieranie)")


class TaskMode(models.TextChoices):
    OPEN_COMPETITION = "open_competition", _("open competition")
    SMALL_GRANT = "small_grant", _("small grant (art. 19a)")
    OTHER = "other", _("other mode")


class TaskStatus(models.TextChoices):
    """A planned task's progress, derived from its calls (never stored)."""

    PLANNED = "planned", pgettext_lazy("task status", "planned")
    CALL_ANNOUNCED = "call_announced", pgettext_lazy("task status", "call announced")
    IN_EVALUATION = "in_evaluation", pgettext_lazy("task status", "in evaluation")
    RESOLVED = "resolved", pgettext_lazy("task status", "resolved")


class CallStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("call status", "draft")
    ANNOUNCED = "announced", pgettext_lazy("call status", "announced")
    CLOSED = "closed", pgettext_lazy("call status", "closed")
    IN_EVALUATION = "in_evaluation", pgettext_lazy("call status", "in evaluation")
    RESOLVED = "resolved", pgettext_lazy("call status", "resolved")
    COMPLETED = "completed", pgettext_lazy("call status", "completed")
    CANCELLED = "cancelled", pgettext_lazy("call status", "cancelled")


class CancellationGround(models.TextChoices):
    """Art. 18a ust. 1: the two grounds on which a competition is cancelled."""

    NO_OFFERS = "no_offers", _("no offer was submitted")
    NO_VALID_OFFERS = "no_valid_offers", _("no offer met the requirements of the announcement")


class StatutoryCriterion(models.TextChoices):
    """Art. 15 ust. 1 pkt 1–6: what the committee must consider for every offer."""

    CAPACITY = "capacity", _("ability to carry out the task")
    COST = "cost", _("cost calculation in relation to the scope of the task")
    QUALITY = "quality", _("quality of the task and qualifications of the people carrying it out")
    OWN_FUNDS = "own_funds", _("own financial contribution or funds from other sources (supporting only)")
    CONTRIBUTION = "contribution", _("personal and in-kind contribution, including volunteers and members' work")
    RELIABILITY = "reliability", _("reliability and timeliness in carrying out and settling earlier tasks")


def statutory_criteria_for(form):
    """The art. 15 ust. 1 criteria that apply to a task of ``form``: own funds only in supporting."""
    return [c for c in StatutoryCriterion if c != StatutoryCriterion.OWN_FUNDS or form == TaskForm.SUPPORTING]


STATUTORY_CRITERIA_DEFAULT_POINTS = {
    StatutoryCriterion.CAPACITY: 10,
    StatutoryCriterion.COST: 10,
    StatutoryCriterion.QUALITY: 10,
    StatutoryCriterion.OWN_FUNDS: 5,
    StatutoryCriterion.CONTRIBUTION: 5,
    StatutoryCriterion.RELIABILITY: 10,
}
