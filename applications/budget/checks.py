"""The checks of a cost calculation against itself and against the call (see the package docstring)."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from calls.enums import TaskForm
from core.money import GROSZ, format_pln

from .model import (
    ADMIN,
    SOURCE_LABELS,
    ZERO,
    Amounts,
    BudgetSummary,
    CostLine,
    Shares,
    SourceKind,
    Sources,
    format_percent,
    has_at_most_two_places,
    percent_shares,
    source_shares,
    summarise,
    to_decimal,
)

# --- checks against the call ------------------------------------------------------------------


@dataclass(frozen=True)
class CallLimits:
    """What the call allows (*ogłoszenie konkursu*); ``None`` means the call sets no such limit.

    - ``form``: :class:`calls.enums.TaskForm` value — supporting (*wspieranie*) or entrusting
      (*powierzenie*);
    - ``max_grant``: the most one offer may request (PLN);
    - ``max_grant_share_percent``: supporting only — the grant's largest share of the total costs;
    - ``max_admin_cost_percent``: the administrative costs' largest share of the total costs.
    """

    form: str
    max_grant: Decimal | None = None
    max_grant_share_percent: Decimal | None = None
    max_admin_cost_percent: Decimal | None = None

    def __post_init__(self):
        for name in ("max_grant", "max_grant_share_percent", "max_admin_cost_percent"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, to_decimal(value, name))

    @classmethod
    def from_call(cls, call, max_grant: Decimal | None = None) -> CallLimits:
        """The limits of a :class:`calls.models.Call` (read by attribute; nothing is queried but ``call.task``).

        ``max_grant`` defaults to the call's maximum per offer (``Call.max_grant_per_offer``) or,
        when it sets none, to the funds the call allocates (``Call.funds``): no single offer can be
        given more.
        """
        if max_grant is None:
            per_offer = getattr(call, "max_grant_per_offer", None)
            max_grant = per_offer if per_offer is not None else call.funds
        return cls(
            form=call.task.form,
            max_grant=max_grant,
            max_grant_share_percent=call.max_grant_share_percent,
            max_admin_cost_percent=call.max_admin_cost_percent,
        )


class ProblemCode(enum.StrEnum):
    """Stable codes of :class:`Problem` (for the API, tests and forms)."""

    NO_COST_LINES = "no_cost_lines"
    NEGATIVE_AMOUNT = "negative_amount"
    QUANTITY_NOT_POSITIVE = "quantity_not_positive"
    TOO_MANY_DECIMAL_PLACES = "too_many_decimal_places"
    INVALID_YEAR = "invalid_year"
    UNKNOWN_OFFEROR = "unknown_offeror"
    LINE_PARTS_MISMATCH = "line_parts_mismatch"
    SOURCES_TOTAL_MISMATCH = "sources_total_mismatch"
    SOURCE_LINES_MISMATCH = "source_lines_mismatch"
    ACTIVITY_SUM_MISMATCH = "activity_sum_mismatch"
    YEAR_SUM_MISMATCH = "year_sum_mismatch"
    OFFEROR_SUM_MISMATCH = "offeror_sum_mismatch"
    GRANT_OVER_MAXIMUM = "grant_over_maximum"
    NO_OWN_CONTRIBUTION = "no_own_contribution"
    GRANT_SHARE_OVER_CAP = "grant_share_over_cap"
    ADMIN_COSTS_OVER_CAP = "admin_costs_over_cap"


MESSAGES = {
    ProblemCode.NO_COST_LINES: _("The cost calculation has no lines."),
    ProblemCode.NEGATIVE_AMOUNT: _("The amount must not be negative."),
    ProblemCode.QUANTITY_NOT_POSITIVE: _("The number of units must be greater than zero."),
    ProblemCode.TOO_MANY_DECIMAL_PLACES: _("Use at most two decimal places."),
    ProblemCode.INVALID_YEAR: _("The year must be between 1 and %(years)s."),
    ProblemCode.UNKNOWN_OFFEROR: _("Cost %(number)s is not assigned to one of the offerors of this offer."),
    ProblemCode.LINE_PARTS_MISMATCH: _(
        "The sources of cost %(number)s add up to %(parts)s but its value is %(value)s."
    ),
    ProblemCode.SOURCES_TOTAL_MISMATCH: _(
        "The sources of financing add up to %(sources)s but the total costs are %(costs)s."
    ),
    ProblemCode.SOURCE_LINES_MISMATCH: _(
        "%(source)s: the sources table says %(table)s but the cost lines add up to %(lines)s."
    ),
    ProblemCode.ACTIVITY_SUM_MISMATCH: _(
        "The activities and administrative costs add up to %(sum)s but the total costs are %(total)s."
    ),
    ProblemCode.YEAR_SUM_MISMATCH: _("The yearly amounts add up to %(sum)s but the total costs are %(total)s."),
    ProblemCode.OFFEROR_SUM_MISMATCH: _(
        "The offerors' shares of the costs add up to %(sum)s but the total costs are %(total)s."
    ),
    ProblemCode.GRANT_OVER_MAXIMUM: _("The requested grant (%(grant)s) is more than the call allows (%(maximum)s)."),
    ProblemCode.NO_OWN_CONTRIBUTION: _(
        "In supporting (wspieranie) the grant only co-finances the task: the own contribution must be "
        "greater than zero."
    ),
    ProblemCode.GRANT_SHARE_OVER_CAP: _(
        "The grant (%(grant)s) is more than %(cap)s of the total costs; at most %(limit)s may be requested."
    ),
    ProblemCode.ADMIN_COSTS_OVER_CAP: _(
        "The administrative costs (%(admin)s) are more than %(cap)s of the total costs; at most %(limit)s is allowed."
    ),
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the budget: a stable ``code``, the lazy English ``message`` and where it is.

    ``field`` names the amount concerned (a :class:`CostLine` attribute when ``line`` is set, else
    e.g. ``"sources.grant"``, ``"costs.total"``); ``line`` is the 0-based index of the line in
    :attr:`BudgetSummary.lines` or ``None``. ``params`` fill the message's placeholders; use
    :attr:`text` (or ``str()``) to render it in the active language.
    """

    code: ProblemCode
    field: str
    line: int | None = None
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def message(self):
        """The lazy message template (``gettext_lazy``), placeholders not yet filled."""
        return MESSAGES[self.code]

    @property
    def text(self) -> str:
        """The message in the active language with its placeholders filled."""
        template = str(self.message)
        if not self.params:
            return template
        return template % {key: str(value) for key, value in self.params.items()}

    def __str__(self) -> str:
        return self.text


def _pct_limit(total: Decimal, percent: Decimal) -> Decimal:
    """The largest amount in grosze that is at most ``percent`` % of ``total`` (rounded down)."""
    return (total * percent / 100).quantize(GROSZ, rounding=ROUND_DOWN)


def _over_percent(part: Decimal, total: Decimal, percent: Decimal) -> bool:
    """Whether ``part`` is more than ``percent`` % of ``total`` — compared exactly, no rounding."""
    return part * 100 > percent * total


def check_budget(summary: BudgetSummary, limits: CallLimits | None = None, years: int | None = None) -> list[Problem]:
    """Every problem of ``summary`` and against the call's ``limits``, in a stable order.

    Amounts: nothing negative, at most two decimal places, quantity > 0, the line's year in
    ``1..years`` (``years``: how many years the task runs; unchecked above when ``None``), a joint
    offer's lines assigned to its declared offerors. Sums to the grosz: each line's parts equal its
    value; V.B equals the total costs, row by row equals the sums of the lines' parts; activities +
    administrative costs, the years and the offerors each add up to the total. Against the call
    (when ``limits`` are given): the grant at most ``max_grant``; administrative costs at most
    ``max_admin_cost_percent`` % of the total costs; in supporting (*wspieranie*) an own
    contribution (V.B row 3: financial + non-financial) above zero and the grant at most
    ``max_grant_share_percent`` % of the total costs. Percentages are compared exactly: a cap met
    to the grosz is accepted, one grosz more is refused. Entrusting (*powierzenie*) may be
    financed wholly by the grant.
    """
    problems: list[Problem] = []
    add = problems.append
    total = summary.costs.total

    if not summary.lines:
        add(Problem(ProblemCode.NO_COST_LINES, "lines"))

    max_year = years if years is not None else max(summary.years, default=1)
    for index, line in enumerate(summary.lines):
        number = index + 1
        for name in ("unit_cost", *CostLine.PARTS):
            amount = getattr(line, name)
            if amount < 0:
                add(Problem(ProblemCode.NEGATIVE_AMOUNT, name, index))
            if not has_at_most_two_places(amount):
                add(Problem(ProblemCode.TOO_MANY_DECIMAL_PLACES, name, index))
        if line.quantity <= 0:
            add(Problem(ProblemCode.QUANTITY_NOT_POSITIVE, "quantity", index))
        if not has_at_most_two_places(line.quantity):
            add(Problem(ProblemCode.TOO_MANY_DECIMAL_PLACES, "quantity", index))
        if not 1 <= line.year <= max_year:
            add(Problem(ProblemCode.INVALID_YEAR, "year", index, {"years": max(max_year, 1)}))
        if summary.declared_offerors and line.offeror not in summary.declared_offerors:
            add(Problem(ProblemCode.UNKNOWN_OFFEROR, "offeror", index, {"number": number}))
        if line.parts_total != line.value:
            params = {"number": number, "parts": format_pln(line.parts_total), "value": format_pln(line.value)}
            add(Problem(ProblemCode.LINE_PARTS_MISMATCH, "parts_total", index, params))

    sources = summary.sources
    for name in Sources.FIELDS:
        amount = getattr(sources, name)
        if amount < 0:
            add(Problem(ProblemCode.NEGATIVE_AMOUNT, f"sources.{name}"))
        if not has_at_most_two_places(amount):
            add(Problem(ProblemCode.TOO_MANY_DECIMAL_PLACES, f"sources.{name}"))
    if sources.total != total:
        params = {"sources": format_pln(sources.total), "costs": format_pln(total)}
        add(Problem(ProblemCode.SOURCES_TOTAL_MISMATCH, "sources", params=params))
    for kind in SourceKind:
        table, from_lines = sources.amount(kind), summary.line_sources.amount(kind)
        if table != from_lines:
            params = {"source": SOURCE_LABELS[kind], "table": format_pln(table), "lines": format_pln(from_lines)}
            add(Problem(ProblemCode.SOURCE_LINES_MISMATCH, f"sources.{kind}", params=params))

    def sum_matches(code: ProblemCode, name: str, parts: Iterable[Decimal]):
        partial = sum(parts, ZERO)
        if partial != total:
            add(Problem(code, name, params={"sum": format_pln(partial), "total": format_pln(total)}))

    sum_matches(
        ProblemCode.ACTIVITY_SUM_MISMATCH,
        "activities",
        [*(a.total for a in summary.activities.values()), summary.admin.total],
    )
    sum_matches(ProblemCode.YEAR_SUM_MISMATCH, "years", summary.costs.by_year.values())
    sum_matches(ProblemCode.OFFEROR_SUM_MISMATCH, "offerors", (a.total for a in summary.offerors.values()))

    if limits is not None:
        problems.extend(check_against_call(summary, limits))
    return problems


def check_against_call(summary: BudgetSummary, limits: CallLimits) -> list[Problem]:
    """The problems of ``summary`` against the call's ``limits`` only (see :func:`check_budget`)."""
    problems: list[Problem] = []
    add = problems.append
    total = summary.costs.total
    sources = summary.sources
    grant = sources.grant

    if limits.max_grant is not None and grant > limits.max_grant:
        params = {"grant": format_pln(grant), "maximum": format_pln(limits.max_grant)}
        add(Problem(ProblemCode.GRANT_OVER_MAXIMUM, "sources.grant", params=params))
    if limits.form == TaskForm.SUPPORTING:
        if sources.own_contribution <= 0:
            add(Problem(ProblemCode.NO_OWN_CONTRIBUTION, "sources.own_contribution"))
        cap = limits.max_grant_share_percent
        if cap is not None and _over_percent(grant, total, cap):
            params = {
                "grant": format_pln(grant),
                "cap": format_percent(cap),
                "limit": format_pln(_pct_limit(total, cap)),
            }
            add(Problem(ProblemCode.GRANT_SHARE_OVER_CAP, "sources.grant", params=params))
    cap = limits.max_admin_cost_percent
    admin = summary.admin.total
    if cap is not None and _over_percent(admin, total, cap):
        params = {"admin": format_pln(admin), "cap": format_percent(cap), "limit": format_pln(_pct_limit(total, cap))}
        add(Problem(ProblemCode.ADMIN_COSTS_OVER_CAP, "admin", params=params))
    return problems


__all__ = [
    "ADMIN",
    "Amounts",
    "BudgetSummary",
    "CallLimits",
    "CostLine",
    "Problem",
    "ProblemCode",
    "Shares",
    "SourceKind",
    "Sources",
    "check_against_call",
    "check_budget",
    "format_percent",
    "percent_shares",
    "source_shares",
    "summarise",
    "to_decimal",
]
