from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class EvaluationStatus(models.TextChoices):
    """The committee's work on one call (inside the call's ``in_evaluation`` state)."""

    PREPARING = "preparing", pgettext_lazy("evaluation status", "committee being appointed")
    SCORING = "scoring", pgettext_lazy("evaluation status", "scoring")
    CLOSED = "closed", pgettext_lazy("evaluation status", "scoring closed")
    PUBLISHED = "published", pgettext_lazy("evaluation status", "results published")


class MemberRole(models.TextChoices):
    OFFICIAL = "official", _("representative of the city")
    NGO_NOMINEE = "ngo_nominee", _("person nominated by organisations")
    EXPERT = "expert", _("expert (advisory, does not vote)")


class CardStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("scoring card status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("scoring card status", "submitted")
