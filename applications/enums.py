from django.db import models
from django.utils.translation import pgettext_lazy


class ApplicationStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("offer status", "draft")
    SUBMITTED = "submitted", pgettext_lazy("offer status", "submitted")
    RETURNED_FOR_CORRECTION = "returned_for_correction", pgettext_lazy("offer status", "returned for correction")
    FORMALLY_ACCEPTED = "formally_accepted", pgettext_lazy("offer status", "formally accepted")
    FORMALLY_REJECTED = "formally_rejected", pgettext_lazy("offer status", "formally rejected")
    WITHDRAWN = "withdrawn", pgettext_lazy("offer status", "withdrawn")
    SCORED = "scored", pgettext_lazy("offer status", "scored")
    AWARDED = "awarded", pgettext_lazy("offer status", "awarded")
    NOT_AWARDED = "not_awarded", pgettext_lazy("offer status", "not awarded")
    UPDATE_REQUIRED = "update_required", pgettext_lazy("offer status", "update required")
    UPDATE_SUBMITTED = "update_submitted", pgettext_lazy("offer status", "update submitted")
    DECLINED = "declined", pgettext_lazy("offer status", "declined")
    CONTRACTED = "contracted", pgettext_lazy("offer status", "contracted")
    IN_REALISATION = "in_realisation", pgettext_lazy("offer status", "in realisation")
    REPORTED = "reported", pgettext_lazy("offer status", "reported")
    SETTLED = "settled", pgettext_lazy("offer status", "settled")
    TERMINATED = "terminated", pgettext_lazy("offer status", "terminated")


# States of an offer that was submitted and not withdrawn (art. 18a ust. 1 pkt 1: "no offer submitted").
SUBMITTED_STATES = tuple(
    s for s in ApplicationStatus if s not in (ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)
)

# States of an offer that met the formal requirements (art. 18a ust. 1 pkt 2: "none met them").
VALID_STATES = tuple(
    s
    for s in ApplicationStatus
    if s
    not in (
        ApplicationStatus.DRAFT,
        ApplicationStatus.SUBMITTED,
        ApplicationStatus.RETURNED_FOR_CORRECTION,
        ApplicationStatus.FORMALLY_REJECTED,
        ApplicationStatus.WITHDRAWN,
    )
)

# States in which the offer holds a grant (counted in "same-type grants" and awarded totals).
GRANTED_STATES = (
    ApplicationStatus.AWARDED,
    ApplicationStatus.UPDATE_REQUIRED,
    ApplicationStatus.UPDATE_SUBMITTED,
    ApplicationStatus.CONTRACTED,
    ApplicationStatus.IN_REALISATION,
    ApplicationStatus.REPORTED,
    ApplicationStatus.SETTLED,
)


class AttachmentKind(models.TextChoices):
    """What an attachment to an offer is (*załącznik do oferty*)."""

    STATUTE = "statute", pgettext_lazy("attachment kind", "statute")
    REGISTER_EXTRACT = "register_extract", pgettext_lazy("attachment kind", "register extract")
    # The confirmation of submission, printed, signed by the representatives and scanned.
    SIGNED_CONFIRMATION = "signed_confirmation", pgettext_lazy("attachment kind", "signed confirmation of submission")
    OTHER = "other", pgettext_lazy("attachment kind", "other")
