"""What a report's content says, and what still blocks its submission.

``Report.content`` holds the parts of the report template (Annex 5 of Dz.U. 2018 poz. 2057; for
small grants the simplified report of poz. 2055) exactly as typed in the editor, so a draft never
loses anything:

- Part I (*sprawozdanie merytoryczne*): ``results`` — per indicator of the offer's results table
  (III.6) the achieved value and the source of information; ``results_text`` — whether the results
  were achieved and, if not, why; ``activities`` — per activity of the schedule, what was done;
- Part II (*sprawozdanie z wykonania wydatków*): ``lines`` — per cost line of the agreement's
  budget, the actual ``total`` and its parts (``grant``, ``own_financial``, ``own_non_financial``,
  ``beneficiary_fees``); ``contribution`` — the personal and in-kind contribution; ``interest``
  and ``other_income`` (amounts);
- Part III (*dodatkowe informacje*): ``information``; the attachments are ReportAttachment rows.

The planned side (indicators, activities, lines with their planned value and grant part) is read
from the agreement's ``offer_content`` with :mod:`applications.budget`, so the report always
mirrors the agreement as it stands (annexes included). Rows of the report are matched to the plan
by position.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.budget import SOURCE_LABELS, SourceKind, has_at_most_two_places
from applications.completeness import parse_amount, rows, text

from . import settlement

LINE_PARTS = ("grant", "own_financial", "own_non_financial", "beneficiary_fees")
LINE_AMOUNTS = ("total", *LINE_PARTS)
LINE_LABELS = {
    "total": gettext_lazy("Actual cost, in total (PLN)"),
    "grant": gettext_lazy("Of which from the grant (PLN)"),
    "own_financial": gettext_lazy("Of which own financial contribution (PLN)"),
    "own_non_financial": gettext_lazy("Of which own non-financial contribution (PLN)"),
    "beneficiary_fees": gettext_lazy("Of which fees from beneficiaries (PLN)"),
}
OTHER_AMOUNTS = {
    "interest": gettext_lazy("Interest earned on the grant (PLN)"),
    "other_income": gettext_lazy("Other income from the task (PLN)"),
}
SOURCE_TOTAL_LABELS = {
    "total": gettext_lazy("Total costs"),
    "grant": SOURCE_LABELS[SourceKind.GRANT],
    "own_financial": SOURCE_LABELS[SourceKind.OWN_FINANCIAL],
    "own_non_financial": SOURCE_LABELS[SourceKind.OWN_NON_FINANCIAL],
    "beneficiary_fees": SOURCE_LABELS[SourceKind.BENEFICIARY_FEES],
}
TEXTS = ("results_text", "contribution", "information")
ZERO = Decimal("0.00")


def _section(data, name):
    value = (data or {}).get(name)
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class PlannedLine:
    number: int
    name: str
    activity: str
    planned_total: Decimal
    planned_grant: Decimal
    planned_own_financial: Decimal
    planned_own_non_financial: Decimal
    planned_beneficiary_fees: Decimal


def _amount(row, name):
    value = parse_amount(text(row, name))
    return value if value is not None else ZERO


def _budget_rows(agreement):
    """(rows, simplified): the cost lines of the offer in the agreement. A competition offer keeps them in
    ``budget.lines`` (V.A); the simplified offer of a small grant in ``lines`` ({name, unit, unit_cost,
    quantity, grant, other}: the part not from the grant is one column)."""
    content = agreement.offer_content or {}
    full = rows(_section(content, "budget"), "lines")
    if full:
        return full, False
    simple = [row for row in rows(content, "lines") if any(text(row, k) for k in row)]
    return simple, bool(simple)


def planned_lines(agreement) -> list[PlannedLine]:
    """The cost lines of the agreement's budget, with the planned value (unit cost × units, rounded
    once as the offer does) and the planned parts; amounts that do not parse count as 0."""
    from applications.budget import CostLine

    lines = []
    budget_rows, simplified = _budget_rows(agreement)
    for number, row in enumerate(budget_rows, start=1):
        unit_cost, quantity = _amount(row, "unit_cost"), _amount(row, "quantity")
        value = CostLine(activity="1", name="", unit="", unit_cost=unit_cost, quantity=quantity).value
        lines.append(
            PlannedLine(
                number=number,
                name=text(row, "name") or _("Cost %(number)s") % {"number": number},
                activity=text(row, "activity"),
                planned_total=value,
                planned_grant=_amount(row, "grant"),
                planned_own_financial=_amount(row, "other" if simplified else "own_financial"),
                planned_own_non_financial=ZERO if simplified else _amount(row, "own_non_financial"),
                planned_beneficiary_fees=ZERO if simplified else _amount(row, "beneficiary_fees"),
            )
        )
    return lines


def planned_indicators(agreement) -> list[dict]:
    task = _section(agreement.offer_content, "task")
    return [
        {k: text(row, k) for k in ("name", "planned_level", "monitoring")}
        for row in rows(task, "indicators")
        if any(text(row, k) for k in ("name", "planned_level", "monitoring"))
    ]


def planned_activities(agreement) -> list[dict]:
    """The schedule's activities (III.4; in the simplified offer of a small grant, ``activities``)."""
    task = _section(agreement.offer_content, "task")
    items = rows(task, "activities") or rows(agreement.offer_content or {}, "activities")
    return [
        {k: text(row, k) for k in ("name", "description", "start", "end")}
        for row in items
        if any(text(row, k) for k in ("name", "description"))
    ]


def initial_content(agreement) -> dict:
    """A new report: every planned line present with its planned values shown and the actual values
    empty; a row per indicator and per activity; texts empty."""
    return {
        "results": [{"achieved": "", "source": ""} for _row in planned_indicators(agreement)],
        "results_text": "",
        "activities": [{"done": ""} for _row in planned_activities(agreement)],
        "lines": [dict.fromkeys(LINE_AMOUNTS, "") for _line in planned_lines(agreement)],
        "contribution": "",
        "interest": "",
        "other_income": "",
        "information": "",
    }


def _row(content, name, index):
    items = rows(content or {}, name)
    return items[index] if index < len(items) else {}


@dataclass(frozen=True)
class LineView:
    """A planned line with what the report says about it (as typed) and the parsed amounts."""

    planned: PlannedLine
    typed: dict
    amounts: dict  # name -> Decimal or None (empty or not a number)


def line_views(report) -> list[LineView]:
    views = []
    for index, planned in enumerate(planned_lines(report.agreement)):
        typed = {name: text(_row(report.content, "lines", index), name) for name in LINE_AMOUNTS}
        views.append(LineView(planned, typed, {name: parse_amount(typed[name]) for name in LINE_AMOUNTS}))
    return views


def editor_rows(report):
    """Everything the editor and the report pages show: planned next to typed, by part."""
    content = report.content or {}
    return {
        "results": [
            {**planned, **{k: text(_row(content, "results", i), k) for k in ("achieved", "source")}, "index": i}
            for i, planned in enumerate(planned_indicators(report.agreement))
        ],
        "activities": [
            {**planned, "done": text(_row(content, "activities", i), "done"), "index": i}
            for i, planned in enumerate(planned_activities(report.agreement))
        ],
        "lines": line_views(report),
        "texts": {name: text(content, name) for name in TEXTS},
        "amounts": {name: text(content, name) for name in OTHER_AMOUNTS},
    }


def _valid_amount(value):
    return value is not None and value >= 0 and has_at_most_two_places(value)


def field_errors(content) -> dict:
    """Malformed amounts as typed (field name -> message), for the editor's autosave: never a refusal."""
    errors = {}
    for index, row in enumerate(rows(content or {}, "lines")):
        for name in LINE_AMOUNTS:
            raw = text(row, name)
            if raw and not _valid_amount(parse_amount(raw)):
                errors[f"line-{index}-{name}"] = _(
                    "Give an amount in złoty, not negative, with at most 2 decimal places."
                )
    for name in OTHER_AMOUNTS:
        raw = text(content or {}, name)
        if raw and not _valid_amount(parse_amount(raw)):
            errors[name] = _("Give an amount in złoty, not negative, with at most 2 decimal places.")
    return errors


def totals(report):
    """Costs by source, planned and actual (Part II), summed exactly from the lines that parse."""
    views = line_views(report)
    planned = {
        "total": sum((v.planned.planned_total for v in views), ZERO),
        "grant": sum((v.planned.planned_grant for v in views), ZERO),
        "own_financial": sum((v.planned.planned_own_financial for v in views), ZERO),
        "own_non_financial": sum((v.planned.planned_own_non_financial for v in views), ZERO),
        "beneficiary_fees": sum((v.planned.planned_beneficiary_fees for v in views), ZERO),
    }
    _rows, simplified = _budget_rows(report.agreement)
    typed_sources = _section(report.agreement.offer_content, "sources")
    if simplified and typed_sources:
        # the simplified offer gives its sources separately (the lines only split grant / other)
        for name, key in (
            ("grant", "grant"),
            ("own_financial", "own_financial"),
            ("own_non_financial", "own_non_financial"),
            ("beneficiary_fees", "fees"),
        ):
            planned[name] = _amount(typed_sources, key)
    actual = {
        name: sum((v.amounts[name] for v in views if _valid_amount(v.amounts[name])), ZERO) for name in LINE_AMOUNTS
    }
    return [
        {"name": name, "label": SOURCE_TOTAL_LABELS[name], "planned": planned[name], "actual": actual[name]}
        for name in LINE_AMOUNTS
    ]


def report_blockers(report) -> list[str]:
    """Everything that blocks submitting ``report``, in the order of the template's parts: achieved
    values and sources for each result, the text on results, what was done in each activity, every
    line's actual amounts (numbers, not negative, at most 2 places) whose parts add up to its total
    to the grosz, the personal and in-kind contribution, and the amounts of interest and other income
    when given. An empty list means the report may be submitted."""
    blockers = []
    data = editor_rows(report)
    for number, row in enumerate(data["results"], start=1):
        if not row["achieved"] or not row["source"]:
            blockers.append(
                _("Result %(number)s (“%(name)s”): give the value achieved and the source of information.")
                % {"number": number, "name": row["name"]}
            )
    if not data["texts"]["results_text"]:
        blockers.append(_("Part I: describe whether the planned results were achieved and, if not, why."))
    for number, row in enumerate(data["activities"], start=1):
        if not row["done"]:
            blockers.append(
                _("Activity %(number)s (“%(name)s”): describe what was done.") % {"number": number, "name": row["name"]}
            )
    if not data["lines"]:
        blockers.append(_("The agreement has no cost lines to report on: ask the NGO Centre."))
    for view in data["lines"]:
        label = {"number": view.planned.number, "name": view.planned.name}
        bad = [name for name in LINE_AMOUNTS if view.typed[name] and not _valid_amount(view.amounts[name])]
        if not view.typed["total"]:
            blockers.append(_("Cost %(number)s (“%(name)s”): give the actual cost.") % label)
            continue
        if bad:
            blockers.append(
                _(
                    "Cost %(number)s (“%(name)s”): every amount must be a number in złoty, not negative, "
                    "with at most 2 decimal places."
                )
                % label
            )
            continue
        parts = sum((view.amounts[name] or ZERO for name in LINE_PARTS), ZERO)
        if parts != view.amounts["total"]:
            blockers.append(
                _("Cost %(number)s (“%(name)s”): its parts add up to %(parts)s, not to the actual cost %(total)s.")
                % {
                    **label,
                    "parts": f"{parts:.2f}".replace(".", ","),
                    "total": f"{view.amounts['total']:.2f}".replace(".", ","),
                }
            )
    if not data["texts"]["contribution"]:
        blockers.append(_("Part II: describe the personal and in-kind contribution (write “none” if there was none)."))
    for name, label in OTHER_AMOUNTS.items():
        raw = data["amounts"][name]
        if raw and not _valid_amount(parse_amount(raw)):
            blockers.append(
                _("“%(field)s” must be a number in złoty, not negative, with at most 2 decimal places.")
                % {"field": label}
            )
    return blockers


def settlement_lines(report) -> list[settlement.Line]:
    """The lines for :func:`reporting.settlement.settle`; an actual amount not given counts as 0."""
    result = []
    for view in line_views(report):
        total = view.amounts["total"] if _valid_amount(view.amounts["total"]) else ZERO
        grant = view.amounts["grant"] if _valid_amount(view.amounts["grant"]) else ZERO
        result.append(
            settlement.Line(
                name=view.planned.name,
                planned_total=view.planned.planned_total,
                planned_grant=view.planned.planned_grant,
                actual_total=total,
                actual_grant=grant,
            )
        )
    return result


def grant_paid(agreement) -> Decimal:
    """The grant paid out: the sum of the tranches' paid amounts."""
    return sum((t.paid_amount for t in agreement.tranches.all() if t.paid_amount is not None), ZERO)


def report_settlement(report) -> settlement.Settlement:
    return settlement.settle(
        settlement_lines(report),
        shift_percent=report.agreement.allowed_shift_percent,
        grant_paid=grant_paid(report.agreement),
    )


def clean_posted(agreement, data) -> dict:
    """The editor's POST (a QueryDict or dict of strings) as content, stored as typed (trimmed)."""

    def get(name):
        value = data.get(name, "")
        return str(value if value is not None else "").strip()[:20000]

    return {
        "results": [
            {"achieved": get(f"result-{i}-achieved"), "source": get(f"result-{i}-source")}
            for i in range(len(planned_indicators(agreement)))
        ],
        "results_text": get("results_text"),
        "activities": [{"done": get(f"activity-{i}-done")} for i in range(len(planned_activities(agreement)))],
        "lines": [
            {name: get(f"line-{i}-{name}") for name in LINE_AMOUNTS} for i in range(len(planned_lines(agreement)))
        ],
        "contribution": get("contribution"),
        "interest": get("interest"),
        "other_income": get("other_income"),
        "information": get("information"),
    }


def clean_api(agreement, body) -> dict:
    """The API's content body (the same shape as ``Report.content``) as content, every value a string."""

    def s(value):
        return "" if value is None else str(value).strip()[:20000]

    body = body if isinstance(body, dict) else {}
    flat = {}
    for i, row in enumerate(rows(body, "results")):
        flat[f"result-{i}-achieved"], flat[f"result-{i}-source"] = s(row.get("achieved")), s(row.get("source"))
    for i, row in enumerate(rows(body, "activities")):
        flat[f"activity-{i}-done"] = s(row.get("done"))
    for i, row in enumerate(rows(body, "lines")):
        for name in LINE_AMOUNTS:
            flat[f"line-{i}-{name}"] = s(row.get(name))
    for name in (*TEXTS, *OTHER_AMOUNTS):
        flat[name] = s(body.get(name))
    return clean_posted(agreement, flat)
