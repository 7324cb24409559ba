"""Settling a grant from its report (*rozliczenie dotacji*): what the organisation must give back.

A pure module: no database, no models; :class:`~decimal.Decimal` only (float is refused).

The rule, line by line (each cost line of the agreement's budget, V.A of the offer):

- A line may grow by at most ``shift`` per cent of its planned value (the agreement's *dopuszczalne
  zwiększenie pozycji kosztorysu*, set per call): the allowed value is ``planned × (1 + shift/100)``,
  compared exactly. At exactly that value the line is allowed; one grosz more and it is **flagged**.
- The **excess** of a flagged line is the part of its overrun that the grant paid: the overrun
  (actual − allowed) but no more than the growth of the line's grant part (actual grant − planned
  grant, never negative). An overrun paid from own funds or fees costs the grant nothing. Each
  line's excess is rounded once, half up, to the grosz.
- The **unused grant** is the grant paid (the tranches paid out) minus the grant actually spent
  (the sum of the lines' actual grant parts), never negative (u.f.p. art. 251).
- The **total to return** is unused + excess (u.f.p. art. 251–252), never negative and never above
  the grant paid, to the grosz.

Flagged lines block the acceptance of the report unless the official settles the excess as a
return of funds (``reporting.services.report_accept``); the excess is then part of the return.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

GROSZ = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def _decimal(value, name):
    if isinstance(value, bool | float):
        raise TypeError(f"{name}: use Decimal, int or str, never float ({value!r})")
    result = Decimal(value) if isinstance(value, int | str) else value
    if not isinstance(result, Decimal) or not result.is_finite():
        raise ValueError(f"{name}: a finite number is required ({value!r})")
    return result


def _grosz(value: Decimal) -> Decimal:
    return value.quantize(GROSZ, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Line:
    """One cost line: planned (total and grant part, from the agreement) and actual (from the report)."""

    name: str
    planned_total: Decimal
    planned_grant: Decimal
    actual_total: Decimal
    actual_grant: Decimal

    def __post_init__(self):
        for name in ("planned_total", "planned_grant", "actual_total", "actual_grant"):
            object.__setattr__(self, name, _decimal(getattr(self, name), name))


@dataclass(frozen=True)
class LineResult:
    line: Line
    allowed_total: Decimal  # exact: planned × (1 + shift/100), not rounded
    flagged: bool
    overrun: Decimal  # exact amount above the allowed value (0 when not flagged)
    excess: Decimal  # to the grosz: the part of the overrun the grant paid

    def as_dict(self):
        return {
            "name": self.line.name,
            "planned_total": f"{self.line.planned_total:.2f}",
            "planned_grant": f"{self.line.planned_grant:.2f}",
            "actual_total": f"{self.line.actual_total:.2f}",
            "actual_grant": f"{self.line.actual_grant:.2f}",
            "allowed_total": f"{_grosz(self.allowed_total):.2f}",
            "flagged": self.flagged,
            "excess": f"{self.excess:.2f}",
        }


@dataclass(frozen=True)
class Settlement:
    shift_percent: Decimal
    grant_paid: Decimal
    lines: tuple[LineResult, ...]
    grant_spent: Decimal
    unused: Decimal
    excess: Decimal
    to_return: Decimal

    @property
    def flagged(self) -> tuple[LineResult, ...]:
        return tuple(result for result in self.lines if result.flagged)

    def as_dict(self):
        return {
            "shift_percent": f"{self.shift_percent}",
            "grant_paid": f"{self.grant_paid:.2f}",
            "grant_spent": f"{self.grant_spent:.2f}",
            "unused": f"{self.unused:.2f}",
            "excess": f"{self.excess:.2f}",
            "to_return": f"{self.to_return:.2f}",
            "lines": [result.as_dict() for result in self.lines],
        }


def allowed_total(planned_total: Decimal, shift_percent: Decimal) -> Decimal:
    """The most a line may cost: ``planned × (1 + shift/100)``, exact."""
    return planned_total * (HUNDRED + shift_percent) / HUNDRED


def settle_line(line: Line, shift_percent) -> LineResult:
    shift = _decimal(shift_percent, "shift_percent")
    limit = allowed_total(line.planned_total, shift)
    overrun = line.actual_total - limit
    if overrun <= 0:
        return LineResult(line, limit, False, ZERO, ZERO)
    grant_growth = max(line.actual_grant - line.planned_grant, ZERO)
    return LineResult(line, limit, True, overrun, _grosz(min(overrun, grant_growth)))


def settle(lines: Iterable[Line], *, shift_percent, grant_paid) -> Settlement:
    """The settlement of a grant: each line checked against the allowed shift, the unused grant,
    the excess and the total to return (see the module docstring for the rule)."""
    shift = _decimal(shift_percent, "shift_percent")
    paid = _decimal(grant_paid, "grant_paid")
    if shift < 0 or paid < 0:
        raise ValueError("shift_percent and grant_paid must not be negative")
    results = tuple(settle_line(line, shift) for line in lines)
    spent = sum((result.line.actual_grant for result in results), ZERO)
    unused = max(_grosz(paid - spent), ZERO)
    excess = sum((result.excess for result in results), ZERO)
    to_return = min(max(unused + excess, ZERO), _grosz(paid))
    return Settlement(
        shift_percent=shift,
        grant_paid=_grosz(paid),
        lines=results,
        grant_spent=_grosz(spent),
        unused=unused,
        excess=_grosz(excess),
        to_return=_grosz(to_return),
    )
