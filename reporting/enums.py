from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ReportKind(models.TextChoices):
    PARTIAL = "partial", pgettext_lazy("report kind", "partial")
    FINAL = "final", pgettext_lazy("report kind", "final")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("report status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("report status", "submitted")
    RETURNED = "returned", pgettext_lazy("report status", "returned for correction")
    ACCEPTED = "accepted", pgettext_lazy("report status", "accepted")


class ReviewOutcome(models.TextChoices):
    RETURNED = "returned", _("returned for correction")
    ACCEPTED = "accepted", _("accepted")
