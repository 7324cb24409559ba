"""Validators shared by models, forms and the API."""

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100


def validate_plausible_date(value):
    """Dates and times must fall within 2000–2100: a mistyped year is refused with a clear message
    instead of travelling into arithmetic that overflows."""
    year = value.year if isinstance(value, datetime.date | datetime.datetime) else None
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        raise date_out_of_range()


def date_out_of_range():
    return ValidationError(
        _("Give a date between the years %(first)d and %(last)d."),
        code="date_out_of_range",
        params={"first": FIRST_YEAR, "last": LAST_YEAR},
    )
