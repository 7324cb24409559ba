"""Lines, sources, totals and shares of the offer's cost calculation (see the package docstring)."""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext_lazy as _

from core.money import GROSZ, pln

ADMIN = "admin"
"""The activity key of administrative costs (II. *koszty administracyjne*)."""

ZERO = Decimal("0.00")
HUNDRED = Decimal("100.00")
# Shares are counted in hundredths of a per cent: 100.00 % is 10 000 units.
_SHARE_UNITS = 10_000


def to_decimal(value: Any, name: str = "value") -> Decimal:
    """``value`` as a finite :class:`Decimal`; ``int`` and ``str`` are converted, float is refused.

    Raises ``TypeError`` for float (and bool) — binary floating point cannot hold grosze exactly —
    and ``ValueError`` for text that is not a number or for NaN / infinity.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise TypeError(f"{name}: use Decimal, int or str, never float ({value!r})")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int | str):
        try:
            result = Decimal(value)
        except InvalidOperation as exc:
            raise ValueError(f"{name}: not a number ({value!r})") from exc
    else:
        raise TypeError(f"{name}: use Decimal, int or str ({value!r})")
    if not result.is_finite():
        raise ValueError(f"{name}: must be a finite number ({value!r})")
    return result


def has_at_most_two_places(value: Decimal) -> bool:
    """Whether ``value`` has no digits below the grosz (``1.50`` and ``1.5000`` pass, ``1.505`` fails)."""
    try:
        return value == value.quantize(GROSZ) if value.is_finite() else False
    except InvalidOperation:  # too many digits to quantise: certainly not an amount
        return False


def format_percent(value: Decimal) -> str:
    """``12,5%``: a share or cap in Polish notation, trailing zeros dropped."""
    text = f"{Decimal(value).quantize(GROSZ):.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") + "%"


def activity_sort_key(activity: str) -> tuple:
    """Activities in their numeric order ("1", "2", "10"), then other keys, administrative costs last."""
    if activity == ADMIN:
        return (2, 0, "")
    if activity.isascii() and activity.isdigit():
        return (0, int(activity), activity)
    return (1, 0, activity)


class SourceKind(enum.StrEnum):
    """The rows of V.B — *źródła finansowania*; the values are stable keys."""

    GRANT = "grant"  # 2. planned grant — *planowana dotacja*
    OWN_FINANCIAL = "own_financial"  # 3.1 *wkład własny finansowy*
    OWN_NON_FINANCIAL = "own_non_financial"  # 3.2 *wkład własny niefinansowy (osobowy i rzeczowy)*
    BENEFICIARY_FEES = "beneficiary_fees"  # 4. *świadczenia pieniężne od odbiorców zadania*


SOURCE_LABELS = {
    SourceKind.GRANT: _("Grant"),
    SourceKind.OWN_FINANCIAL: _("Own financial contribution"),
    SourceKind.OWN_NON_FINANCIAL: _("Own non-financial contribution"),
    SourceKind.BENEFICIARY_FEES: _("Fees from the task's beneficiaries"),
}


@dataclass(frozen=True)
class CostLine:
    """One row of V.A — a cost (*koszt*) of an activity or an administrative cost.

    - ``activity``: the activity number from the schedule ("1", "2"…; an int is accepted) or
      :data:`ADMIN` for administrative costs;
    - ``name`` (*rodzaj kosztu*), ``unit`` (*rodzaj miary*, e.g. "godz.", "szt.");
    - ``unit_cost`` (*koszt jednostkowy*, PLN to the grosz) and ``quantity`` (*liczba jednostek*,
      at most two places, > 0);
    - ``year``: the task's year the cost falls in (1 for a single-year task; the template's
      "Rok 1", "Rok 2"… columns);
    - ``offeror``: in a joint offer the key of the offeror that bears the cost (V.C); "" otherwise;
    - how the line is financed: ``grant`` (from the grant), ``own_financial``,
      ``own_non_financial`` (personal and in-kind) and ``beneficiary_fees``; together they must
      equal :attr:`value` to the grosz.

    Amounts are stored as given (Decimal; int and str are converted, float is refused); whether
    they are valid (not negative, at most two places, quantity > 0, parts add up) is reported by
    :func:`check_budget`, so a half-filled draft can still be summarised.
    """

    activity: str
    name: str
    unit: str
    unit_cost: Decimal
    quantity: Decimal
    year: int = 1
    offeror: str = ""
    grant: Decimal = ZERO
    own_financial: Decimal = ZERO
    own_non_financial: Decimal = ZERO
    beneficiary_fees: Decimal = ZERO

    def __post_init__(self):
        activity = self.activity
        if isinstance(activity, int) and not isinstance(activity, bool):
            activity = str(activity)
        if not isinstance(activity, str) or not activity:
            raise TypeError(f"activity: an activity number or {ADMIN!r} ({self.activity!r})")
        object.__setattr__(self, "activity", activity)
        if not isinstance(self.year, int) or isinstance(self.year, bool):
            raise TypeError(f"year: an int ({self.year!r})")
        for name in ("unit_cost", "quantity", *self.PARTS):
            object.__setattr__(self, name, to_decimal(getattr(self, name), name))

    PARTS = ("grant", "own_financial", "own_non_financial", "beneficiary_fees")
    """The financing parts of a line, in the order of V.B."""

    @property
    def is_admin(self) -> bool:
        return self.activity == ADMIN

    @property
    def value(self) -> Decimal:
        """*Wartość*: ``unit_cost × quantity`` rounded half up to the grosz — the only rounding of money.

        Every total is a plain sum of these values, so summing never creates or loses a grosz.
        """
        return pln(self.unit_cost * self.quantity)

    @property
    def parts_total(self) -> Decimal:
        """The sum of the financing parts; must equal :attr:`value`."""
        return self.grant + self.own_financial + self.own_non_financial + self.beneficiary_fees

    @property
    def other_sources(self) -> Decimal:
        """The part not from the grant (own financial, own non-financial, fees)."""
        return self.own_financial + self.own_non_financial + self.beneficiary_fees


@dataclass(frozen=True)
class Sources:
    """V.B — sources of financing (*źródła finansowania kosztów realizacji zadania*), offer level.

    - 2. ``grant`` — planned grant (*planowana dotacja w ramach niniejszej oferty*);
    - 3.1 ``own_financial`` — *wkład własny finansowy*;
    - 3.2 own non-financial — *wkład własny niefinansowy*, split into ``own_personal``
      (*wkład osobowy*: volunteers' and members' work) and ``own_in_kind`` (*wkład rzeczowy*:
      property, equipment, services or premises provided free of charge);
    - 4. ``beneficiary_fees`` — *świadczenia pieniężne od odbiorców zadania*.

    :attr:`total` must equal the total costs (V.A) to the grosz.
    """

    grant: Decimal = ZERO
    own_financial: Decimal = ZERO
    own_personal: Decimal = ZERO
    own_in_kind: Decimal = ZERO
    beneficiary_fees: Decimal = ZERO

    FIELDS = ("grant", "own_financial", "own_personal", "own_in_kind", "beneficiary_fees")

    def __post_init__(self):
        for name in self.FIELDS:
            object.__setattr__(self, name, to_decimal(getattr(self, name), name))

    @property
    def own_non_financial(self) -> Decimal:
        """3.2 — personal plus in-kind contribution."""
        return self.own_personal + self.own_in_kind

    @property
    def own_contribution(self) -> Decimal:
        """3. *wkład własny* — 3.1 + 3.2 (beneficiary fees are row 4, not part of it)."""
        return self.own_financial + self.own_non_financial

    @property
    def total(self) -> Decimal:
        """The sum of all sources (rows 2 + 3 + 4)."""
        return self.grant + self.own_contribution + self.beneficiary_fees

    def amount(self, kind: SourceKind) -> Decimal:
        """The amount of a V.B row by :class:`SourceKind`."""
        return getattr(self, str(kind))


@dataclass(frozen=True)
class Amounts:
    """A total and its split per year (years without costs are absent; :meth:`in_year` gives 0)."""

    total: Decimal = ZERO
    by_year: Mapping[int, Decimal] = field(default_factory=dict)

    def in_year(self, year: int) -> Decimal:
        return self.by_year.get(year, ZERO)


@dataclass(frozen=True)
class Shares:
    """The % column of V.B, two places; see :func:`percent_shares` for the rounding.

    ``grant + own_financial + own_non_financial + beneficiary_fees == total`` exactly, and
    ``own_contribution == own_financial + own_non_financial`` and
    ``own_non_financial == own_personal + own_in_kind`` exactly. ``total`` is 100.00 when the
    sources add up to more than zero, else 0.00 (and so is every share).
    """

    total: Decimal = ZERO
    grant: Decimal = ZERO
    own_contribution: Decimal = ZERO
    own_financial: Decimal = ZERO
    own_non_financial: Decimal = ZERO
    own_personal: Decimal = ZERO
    own_in_kind: Decimal = ZERO
    beneficiary_fees: Decimal = ZERO


@dataclass(frozen=True)
class BudgetSummary:
    """Everything section V shows, computed from the lines and the sources by :func:`summarise`.

    - ``activities``: per activity (I.1, I.2…), in activity order, administrative costs excluded;
    - ``activities_total`` (I.), ``admin`` (II.) and ``costs`` (*suma wszystkich kosztów*), each
      with per-year amounts;
    - ``offerors``: V.C, per offeror key (declared offerors first, in the given order);
    - ``line_sources``: the V.B rows as summed from the lines' financing parts (personal and
      in-kind are not split per line, so ``own_personal`` holds the whole 3.2 there);
    - ``sources`` and ``shares``: the V.B table as given and its % column.
    """

    lines: tuple[CostLine, ...]
    sources: Sources
    declared_offerors: tuple[str, ...]
    years: tuple[int, ...]
    activities: Mapping[str, Amounts]
    activities_total: Amounts
    admin: Amounts
    costs: Amounts
    offerors: Mapping[str, Amounts]
    line_sources: Sources
    shares: Shares


def _amounts(lines: Iterable[CostLine]) -> Amounts:
    total = ZERO
    by_year: dict[int, Decimal] = {}
    for line in lines:
        value = line.value
        total += value
        by_year[line.year] = by_year.get(line.year, ZERO) + value
    return Amounts(total=total, by_year=dict(sorted(by_year.items())))


def summarise(lines: Iterable[CostLine], sources: Sources | None = None, offerors: Sequence[str] = ()) -> BudgetSummary:
    """Totals of V.A, V.B and V.C for ``lines`` and the offer-level ``sources``.

    ``offerors``: the keys of a joint offer's offerors in their order (empty for a single offeror);
    a line with another key is still counted (under its own key) and reported by :func:`check_budget`.
    """
    lines = tuple(lines)
    sources = sources if sources is not None else Sources()
    declared = tuple(offerors)
    activity_keys = sorted({line.activity for line in lines if not line.is_admin}, key=activity_sort_key)
    activities = {key: _amounts(line for line in lines if line.activity == key) for key in activity_keys}
    offeror_keys = list(declared) + [
        key for key in dict.fromkeys(line.offeror for line in lines) if key not in declared
    ]
    line_sources = Sources(
        grant=sum((line.grant for line in lines), ZERO),
        own_financial=sum((line.own_financial for line in lines), ZERO),
        own_personal=sum((line.own_non_financial for line in lines), ZERO),
        beneficiary_fees=sum((line.beneficiary_fees for line in lines), ZERO),
    )
    return BudgetSummary(
        lines=lines,
        sources=sources,
        declared_offerors=declared,
        years=tuple(sorted({line.year for line in lines})),
        activities=activities,
        activities_total=_amounts(line for line in lines if not line.is_admin),
        admin=_amounts(line for line in lines if line.is_admin),
        costs=_amounts(lines),
        offerors={key: _amounts(line for line in lines if line.offeror == key) for key in offeror_keys},
        line_sources=line_sources,
        shares=source_shares(sources),
    )


def _largest_remainder(weights: Sequence[Fraction], units: int) -> list[int]:
    """Split ``units`` in proportion to ``weights`` (which sum to ``units``) into integers that sum to ``units``.

    Each share is first rounded down; the units still missing go one each to the largest
    fractional parts, ties to the earlier entry.
    """
    floors = [math.floor(w) for w in weights]
    missing = units - sum(floors)
    order = sorted(range(len(weights)), key=lambda i: (-(weights[i] - floors[i]), i))
    for i in order[:missing]:
        floors[i] += 1
    return floors


def percent_shares(amounts: Sequence[Decimal], whole: int = _SHARE_UNITS) -> list[Decimal]:
    """The % shares of ``amounts`` in their sum, two places, adding up to exactly 100.00.

    Largest-remainder method (Hare): each exact share (computed as a fraction, no rounding) is cut
    down to the hundredth of a per cent, then the hundredths still missing to 100.00 go one each to
    the shares that lost most, ties to the earlier amount. Each share therefore differs from its
    exact value by less than 0.01, a zero amount always shows 0.00, and the shares sum to 100.00
    whenever the sum of ``amounts`` is greater than zero; otherwise every share is 0.00.
    """
    amounts = [to_decimal(a, "amount") for a in amounts]
    total = sum((Fraction(a) for a in amounts), Fraction(0))
    if total <= 0:
        return [ZERO for _a in amounts]
    units = _largest_remainder([Fraction(a) * whole / total for a in amounts], whole)
    return [(Decimal(u) / (whole // 100)).quantize(GROSZ) for u in units]


def source_shares(sources: Sources) -> Shares:
    """The % column of V.B: each row's share in the sum of the sources.

    The four rows that make up the total (2, 3.1, 3.2, 4) are apportioned together by
    :func:`percent_shares`, so they add up to exactly 100.00; row 3 is the sum of the rounded 3.1
    and 3.2; 3.2 is then split between personal and in-kind the same way, so the two add up to the
    rounded 3.2. When the sources equal the total costs (required before submission) these are the
    shares in the total costs.
    """
    top = [sources.grant, sources.own_financial, sources.own_non_financial, sources.beneficiary_fees]
    grant, financial, non_financial, fees = percent_shares(top)
    personal = in_kind = ZERO
    if sources.own_non_financial != 0 and non_financial != 0:
        weights = [
            Fraction(part) * Fraction(non_financial) * 100 / Fraction(sources.own_non_financial)
            for part in (sources.own_personal, sources.own_in_kind)
        ]
        units = _largest_remainder(weights, int(non_financial * 100))
        personal, in_kind = ((Decimal(u) / 100).quantize(GROSZ) for u in units)
    total = HUNDRED if sum(top, ZERO) > 0 else ZERO
    return Shares(
        total=total,
        grant=grant,
        own_contribution=financial + non_financial,
        own_financial=financial,
        own_non_financial=non_financial,
        own_personal=personal,
        own_in_kind=in_kind,
        beneficiary_fees=fees,
    )
