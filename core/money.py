"""Money is Decimal PLN with two places; never float."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models

GROSZ = Decimal("0.01")
NBSP = "\u00a0"


def pln(value) -> Decimal:
    """Quantise ``value`` to the grosz (half up, as in Polish accounting)."""
    return Decimal(value).quantize(GROSZ, rounding=ROUND_HALF_UP)


class MoneyField(models.DecimalField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def format_pln(value) -> str:
    """``12 345,67 zł``: Polish grouping with non-breaking spaces."""
    if value is None or value == "":
        return ""
    q = pln(value)
    sign = "-" if q < 0 else ""
    whole, frac = f"{abs(q):.2f}".split(".")
    groups = []
    while whole:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    return f"{sign}{NBSP.join(groups)},{frac}{NBSP}zł"
