"""Reading the legal parameters: the value in force on a date."""

from decimal import Decimal

from django.utils.translation import gettext as _

from .errors import DomainError
from .models import LegalParameter


def legal_parameter(key, *, on) -> Decimal:
    """The value of ``key`` in force on date ``on`` (the latest row effective on or before it)."""
    row = (
        LegalParameter.objects.filter(key=key, effective_from__lte=on)
        .order_by("-effective_from")
        .values_list("value", flat=True)
        .first()
    )
    if row is None:
        raise DomainError(
            _("No legal parameter “%(key)s” is in force on %(date)s; an administrator must set it.")
            % {"key": key, "date": on},
            code="legal_parameter_missing",
        )
    return row
