from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalParameterKey(models.TextChoices):
    """The numbers of the law, each stored with the date it takes effect (see LAW.md)."""

    MIN_OFFER_PERIOD_DAYS = "min_offer_period_days", _("Minimum offer period (days from the last publication)")
    SMALL_GRANT_MAX_AMOUNT = "small_grant_max_amount", _("Small grant: maximum per task (PLN)")
    SMALL_GRANT_MAX_DAYS = "small_grant_max_days", _("Small grant: maximum duration (days)")
    SMALL_GRANT_MAX_PER_ORGANISATION_YEAR = (
        "small_grant_max_per_organisation_year",
        _("Small grant: maximum per organisation per year (PLN)"),
    )
    SMALL_GRANT_MAX_SHARE_PERCENT = (
        "small_grant_max_share_percent",
        _("Small grant: maximum share of the year's planned grant funds (%)"),
    )
    SMALL_GRANT_COMMENT_DAYS = "small_grant_comment_days", _("Small grant: publication for comments (days)")
    SMALL_GRANT_PUBLISH_WITHIN_WORKING_DAYS = (
        "small_grant_publish_within_working_days",
        _("Small grant: publish within (working days of receipt)"),
    )
    REPORT_DUE_DAYS = "report_due_days", _("Final report due (days after the task ends)")
    PARTIAL_REPORT_MIN_DAYS = "partial_report_min_days", _("Partial report: at least (days after the request)")
    UNUSED_FUNDS_RETURN_DAYS = "unused_funds_return_days", _("Unused funds return (days after the task ends)")
    REASONS_REQUEST_DAYS = (
        "reasons_request_days",
        _("Reasons for a choice may be requested within (days of the results)"),
    )
    REPORT_CORRECTION_DAYS = "report_correction_days", _("Report returned for correction: corrected within (days)")
    PROGRAMME_REPORT_DUE_MONTH = "programme_report_due_month", _("Programme report: due by (month of the next year)")
    PROGRAMME_REPORT_DUE_DAY = "programme_report_due_day", _("Programme report: due by (day of that month)")
    PROGRAMME_REPORT_REMINDER_DAYS = (
        "programme_report_reminder_days",
        _("Programme report: remind officials (days before it is due)"),
    )


# Values in force when the system starts (LAW.md); the seed migration writes them.
LEGAL_PARAMETER_SEED = {
    LegalParameterKey.MIN_OFFER_PERIOD_DAYS: "21",
    LegalParameterKey.SMALL_GRANT_MAX_AMOUNT: "10000.00",
    LegalParameterKey.SMALL_GRANT_MAX_DAYS: "90",
    LegalParameterKey.SMALL_GRANT_MAX_PER_ORGANISATION_YEAR: "20000.00",
    LegalParameterKey.SMALL_GRANT_MAX_SHARE_PERCENT: "20",
    LegalParameterKey.SMALL_GRANT_COMMENT_DAYS: "7",
    LegalParameterKey.SMALL_GRANT_PUBLISH_WITHIN_WORKING_DAYS: "7",
    LegalParameterKey.REPORT_DUE_DAYS: "30",
    LegalParameterKey.PARTIAL_REPORT_MIN_DAYS: "30",
    LegalParameterKey.UNUSED_FUNDS_RETURN_DAYS: "15",
    LegalParameterKey.REASONS_REQUEST_DAYS: "30",
    LegalParameterKey.REPORT_CORRECTION_DAYS: "7",
    LegalParameterKey.PROGRAMME_REPORT_DUE_MONTH: "5",
    LegalParameterKey.PROGRAMME_REPORT_DUE_DAY: "31",
    LegalParameterKey.PROGRAMME_REPORT_REMINDER_DAYS: "30",
}
