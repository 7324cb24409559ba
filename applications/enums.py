from django.db import models
from django.utils.translation import gettext_lazy as _


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("submitted")
    RETURNED_FOR_CORRECTION = "returned_for_correction", _("returned for correction")
    FORMALLY_ACCEPTED = "formally_accepted", _("formally accepted")
    FORMALLY_REJECTED = "formally_rejected", _("formally rejected")
    WITHDRAWN = "withdrawn", _("withdrawn")
    SCORED = "scored", _("scored")
    AWARDED = "awarded", _("awarded")
    NOT_AWARDED = "not_awarded", _("not awarded")
    UPDATE_REQUIRED = "update_required", _("update required")
    DECLINED = "declined", _("declined")
    CONTRACTED = "contracted", _("contracted")
    IN_REALISATION = "in_realisation", _("in realisation")
    REPORTED = "reported", _("reported")
    SETTLED = "settled", _("settled")
    TERMINATED = "terminated", _("terminated")


# States in which the offer holds a grant (counted in "same-type grants" and awarded totals).
GRANTED_STATES = (
    ApplicationStatus.AWARDED,
    ApplicationStatus.UPDATE_REQUIRED,
    ApplicationStatus.CONTRACTED,
    ApplicationStatus.IN_REALISATION,
    ApplicationStatus.REPORTED,
    ApplicationStatus.SETTLED,
)
