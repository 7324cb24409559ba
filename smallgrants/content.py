"""The simplified offer (*uproszczona oferta realizacji zadania publicznego*, Dz.U. 2018 poz. 2055):
its parts as stored in ``SmallGrant.content``, read back for pages and the PDF, and what still blocks
submitting it.

A draft keeps exactly what was typed (strings); nothing is validated when it is saved. The checks run
on the summary and on submission (:func:`offer_blockers`); the legal caps are in :mod:`smallgrants.caps`.

``content`` holds::

    contact:      {name, phone, email}                       (II. the person to contact)
    task:         {synopsis, place, target_group, results}    (III. 1–4)
    activities:   [{name, description, start, end}]           (III. 5: activities with dates)
    lines:        [{name, unit, unit_cost, quantity, grant, other}]   (IV. cost calculation)
    sources:      {grant, own_financial, own_non_financial, fees}     (IV. sources of funding)
    other:        {information}                                        (V. other information)
    declarations: {<name>: true}                                       (declarations)
    period:       {start, end} as typed (ISO dates)
"""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.completeness import parse_amount, parse_date
from core.money import GROSZ, format_pln, pln

from .rules import EDITABLE_STATES

CONTACT_FIELDS = ("name", "phone", "email")
TASK_FIELDS = ("synopsis", "place", "target_group", "results")
ACTIVITY_FIELDS = ("name", "description", "start", "end")
LINE_FIELDS = ("name", "unit", "unit_cost", "quantity", "grant", "other")
SOURCE_FIELDS = ("grant", "own_financial", "own_non_financial", "fees")

SOURCE_LABELS = {
    "grant": gettext_lazy("Grant requested"),
    "own_financial": gettext_lazy("Own financial contribution"),
    "own_non_financial": gettext_lazy("Own non-financial contribution (personal and in kind)"),
    "fees": gettext_lazy("Fees from the beneficiaries"),
}

DECLARATIONS = {
    "statutory": gettext_lazy(
        "The proposed task will be carried out solely within the offeror's non-profit public-benefit activity."
    ),
    "no_arrears": gettext_lazy(
        "The offeror is not in arrears with taxes or social security contributions, and its assets are not "
        "subject to enforcement."
    ),
    "register": gettext_lazy("The data in this offer agree with the offeror's entry in the register."),
    "true": gettext_lazy("All information given in this offer and its attachments is true and complete."),
    "personal_data": gettext_lazy(
        "The personal data in this offer were collected lawfully and the persons concerned were informed "
        "of their processing."
    ),
}


def part(small_grant, name) -> dict:
    value = (small_grant.content or {}).get(name)
    return value if isinstance(value, dict) else {}


def rows(small_grant, name) -> list[dict]:
    value = (small_grant.content or {}).get(name)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def text(data, name) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def money(value) -> Decimal | None:
    """A typed amount as Decimal PLN, or ``None`` when it is not an amount to the grosz (or negative)."""
    amount = parse_amount(value)
    if amount is None or amount < 0 or amount >= 10**12 or amount != amount.quantize(GROSZ):
        return None
    return pln(amount)


def quantity(value) -> Decimal | None:
    amount = parse_amount(value)
    if amount is None or amount <= 0 or amount >= 10**9 or -amount.as_tuple().exponent > 4:
        return None
    return amount


def is_blank(row) -> bool:
    return not any(str(value or "").strip() for value in row.values())


@dataclass
class Line:
    number: int
    name: str
    unit: str
    unit_cost: Decimal | None
    quantity: Decimal | None
    grant: Decimal | None
    other: Decimal | None

    @property
    def total(self):
        if self.unit_cost is None or self.quantity is None:
            return None
        return pln(self.unit_cost * self.quantity)


def cost_lines(small_grant) -> list[Line]:
    lines = []
    for row in rows(small_grant, "lines"):
        if is_blank(row):
            continue
        lines.append(
            Line(
                number=len(lines) + 1,
                name=text(row, "name"),
                unit=text(row, "unit"),
                unit_cost=money(row.get("unit_cost")),
                quantity=quantity(row.get("quantity")),
                grant=money(row.get("grant")) if text(row, "grant") else Decimal("0.00"),
                other=money(row.get("other")) if text(row, "other") else Decimal("0.00"),
            )
        )
    return lines


def sources(small_grant) -> dict:
    """The sources of funding as amounts (``None`` where what was typed is not an amount); blank is 0."""
    typed = part(small_grant, "sources")
    return {name: money(typed.get(name)) if text(typed, name) else Decimal("0.00") for name in SOURCE_FIELDS}


def period(small_grant):
    """(start, end) of the realisation: the model's dates (set when what was typed is a date)."""
    return small_grant.realisation_start, small_grant.realisation_end


def activities(small_grant) -> list[dict]:
    return [
        {
            "number": number,
            "name": text(row, "name"),
            "description": text(row, "description"),
            "start": parse_date(row.get("start")),
            "end": parse_date(row.get("end")),
        }
        for number, row in enumerate((r for r in rows(small_grant, "activities") if not is_blank(r)), start=1)
    ]


def offer_view(small_grant) -> dict:
    """The offer as the pages and the PDF show it."""
    lines = cost_lines(small_grant)
    funding = sources(small_grant)
    total_costs = sum((line.total or Decimal("0")) for line in lines)
    total_sources = sum((value or Decimal("0")) for value in funding.values())
    return {
        "contact": {name: text(part(small_grant, "contact"), name) for name in CONTACT_FIELDS},
        "task": {name: text(part(small_grant, "task"), name) for name in TASK_FIELDS},
        "activities": activities(small_grant),
        "lines": lines,
        "total_costs": pln(total_costs),
        "total_grant": pln(sum((line.grant or Decimal("0")) for line in lines)),
        "total_other": pln(sum((line.other or Decimal("0")) for line in lines)),
        "sources": [(SOURCE_LABELS[name], funding[name]) for name in SOURCE_FIELDS],
        "total_sources": pln(total_sources),
        "information": text(part(small_grant, "other"), "information"),
        "declarations": [
            (label, part(small_grant, "declarations").get(name) is True) for name, label in DECLARATIONS.items()
        ],
        "start": small_grant.realisation_start,
        "end": small_grant.realisation_end,
        "days": duration_days(small_grant),
    }


def duration_days(small_grant):
    """The realisation's duration counting both ends (end − start + 1), or ``None``."""
    start, end = period(small_grant)
    if start is None or end is None:
        return None
    return (end - start).days + 1


def offer_blockers(small_grant) -> list[str]:
    """Everything that still blocks submitting the offer (the caps are checked separately, on submission)."""
    if small_grant.status not in EDITABLE_STATES:
        return []
    problems = []
    typed_period = part(small_grant, "period")
    start, end = period(small_grant)
    if not small_grant.title.strip():
        problems.append(_("Give the title of the task."))
    if start is None or (text(typed_period, "start") and parse_date(typed_period.get("start")) != start):
        problems.append(_("Give the date the realisation starts (a valid date)."))
    if end is None or (text(typed_period, "end") and parse_date(typed_period.get("end")) != end):
        problems.append(_("Give the date the realisation ends (a valid date)."))
    if start and end and end < start:
        problems.append(_("The realisation cannot end before it starts."))
    contact = part(small_grant, "contact")
    if not text(contact, "name"):
        problems.append(_("Give the person to contact about the offer."))
    if not (text(contact, "phone") or text(contact, "email")):
        problems.append(_("Give a phone number or an e-mail address of the person to contact."))
    task = part(small_grant, "task")
    labels = {
        "synopsis": _("Describe the task (synopsis)."),
        "place": _("Give the place where the task will be carried out."),
        "target_group": _("Describe the target group."),
        "results": _("Describe the results expected."),
    }
    problems += [message for name, message in labels.items() if not text(task, name)]

    listed = activities(small_grant)
    if not listed:
        problems.append(_("List at least one activity with its dates."))
    for activity in listed:
        number = activity["number"]
        if not activity["name"]:
            problems.append(_("Activity %(number)s: give its name.") % {"number": number})
        if activity["start"] is None or activity["end"] is None:
            problems.append(_("Activity %(number)s: give its start and end dates.") % {"number": number})
        elif activity["end"] < activity["start"]:
            problems.append(_("Activity %(number)s: it cannot end before it starts.") % {"number": number})
        elif start and end and (activity["start"] < start or activity["end"] > end):
            problems.append(
                _("Activity %(number)s: its dates must fall within the realisation period.") % {"number": number}
            )

    lines = cost_lines(small_grant)
    if not lines:
        problems.append(_("List at least one cost in the cost calculation."))
    for line in lines:
        number = line.number
        if not line.name:
            problems.append(_("Cost %(number)s: give its name.") % {"number": number})
        if line.unit_cost is None:
            problems.append(_("Cost %(number)s: the unit cost must be an amount, e.g. 150,00.") % {"number": number})
        if line.quantity is None:
            problems.append(_("Cost %(number)s: the quantity must be a number above zero.") % {"number": number})
        if line.grant is None or line.other is None:
            problems.append(
                _("Cost %(number)s: the amounts from the grant and from other sources must be amounts.")
                % {"number": number}
            )
        elif line.total is not None and line.grant + line.other != line.total:
            problems.append(
                _(
                    "Cost %(number)s: the grant (%(grant)s) and other sources (%(other)s) must add up to the cost (%(total)s)."
                )
                % {
                    "number": number,
                    "grant": format_pln(line.grant),
                    "other": format_pln(line.other),
                    "total": format_pln(line.total),
                }
            )
    funding = sources(small_grant)
    for name, value in funding.items():
        if value is None:
            problems.append(_("%(source)s: give an amount, e.g. 1 500,00.") % {"source": SOURCE_LABELS[name]})
    if funding["grant"] is not None and funding["grant"] <= 0:
        problems.append(_("Give the amount of the grant requested."))
    if lines and all(line.total is not None and line.grant is not None for line in lines):
        if None not in funding.values():
            grant_in_lines = sum(line.grant for line in lines)
            if grant_in_lines != funding["grant"]:
                problems.append(
                    _("The grant in the cost calculation (%(lines)s) differs from the grant requested (%(grant)s).")
                    % {"lines": format_pln(grant_in_lines), "grant": format_pln(funding["grant"])}
                )
            total = sum(line.total for line in lines)
            if total != sum(funding.values()):
                problems.append(
                    _("The sources of funding (%(sources)s) must add up to the total cost (%(total)s).")
                    % {"sources": format_pln(sum(funding.values())), "total": format_pln(total)}
                )
    declared = part(small_grant, "declarations")
    if not all(declared.get(name) is True for name in DECLARATIONS):
        problems.append(_("Confirm every declaration."))
    return problems
