from django import forms

from .errors import DomainError
from .validators import date_out_of_range, validate_plausible_date

DATETIME_INPUT_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    """A native date-time picker; values are read and shown in Europe/Warsaw."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_INPUT_FORMAT, **kwargs)


class DateTimeField(forms.DateTimeField):
    """A Warsaw date-time; an impossible local time or a year outside 2000–2100 is a form error."""

    widget = DateTimeInput
    default_validators = [validate_plausible_date]

    def __init__(self, **kwargs):
        kwargs.setdefault("input_formats", [DATETIME_INPUT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except OverflowError as exc:  # e.g. year 1: no time zone arithmetic is possible
            raise date_out_of_range() from exc


def apply_domain_error(form, error: DomainError):
    """Show a service's refusal on the form, field by field, keeping everything typed."""
    placed = False
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)
