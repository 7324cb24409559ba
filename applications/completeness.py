"""What an offer's content says and what still blocks its submission.

``Application.content`` holds the sections of the 2018 offer template exactly as typed in the offer
editor (strings, lists of rows, booleans), so a draft never loses anything. This module reads it:
:func:`parse_amount` and :func:`parse_date` understand what people type, :func:`offer_budget` builds
the cost calculation (:mod:`applications.budget`) and :func:`offer_blockers` lists, in plain
language, everything that must be fixed before the offer may be submitted. The summary page and
``services.application_submit`` both call :func:`offer_blockers`, so they always agree.

Joint offers (art. 14 ust. 2): the other offerors are typed in section II (``contact.partners``);
the offering organisation is offeror "0" and represents them in the system, partners are "1", "2"…
Each activity (III.4) and each cost (V.A) is then assigned to one offeror, and V.C is the split of
the costs per offeror. Multi-year tasks: each cost names its year of the call's realisation window.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .budget import ADMIN, CallLimits, CostLine, Sources, check_budget, summarise

# The editor's sections in the template's order: slug -> (template section, title).
SECTIONS = {
    "contact": ("II", gettext_lazy("Contact person")),
    "task": ("III", gettext_lazy("Description of the task")),
    "offeror": ("IV", gettext_lazy("Characteristics of the offeror")),
    "budget": ("V", gettext_lazy("Cost calculation and sources of financing")),
    "other": ("VI", gettext_lazy("Other information")),
    "declarations": ("VII", gettext_lazy("Declarations")),
}

LINE_AMOUNTS = ("unit_cost", "quantity", "grant", "own_financial", "own_non_financial", "beneficiary_fees")

# Section VII of the 2018 template, one key per declaration (all must be made before submission).
DECLARATION_LABELS = {
    "public_benefit": gettext_lazy(
        "The proposed task will be carried out only within the offeror's public benefit activity."
    ),
    "fees_in_paid_activity": gettext_lazy(
        "Fees from the task's beneficiaries, if any, will be collected only within the offeror's paid public "
        "benefit activity."
    ),
    "no_tax_arrears": gettext_lazy("The offeror has no arrears in taxes."),
    "no_insurance_arrears": gettext_lazy("The offeror has no arrears in social and health insurance contributions."),
    "register_data": gettext_lazy(
        "The data in section II agree with the National Court Register or the other appropriate register."
    ),
    "true_data": gettext_lazy(
        "All information in the offer and its attachments agrees with the current legal and factual state."
    ),
    "personal_data": gettext_lazy(
        "The offeror has obtained the consent of, or informed, the persons whose personal data are in the offer, "
        "as the GDPR requires."
    ),
}
DECLARATIONS = tuple(DECLARATION_LABELS)

# Section VI.1: whether the task is carried out for payment or free of charge.
PAYMENT_CHOICES = [
    ("free", gettext_lazy("free of charge for its beneficiaries")),
    ("paid", gettext_lazy("for payment (fees from beneficiaries)")),
    ("mixed", gettext_lazy("partly free of charge, partly for payment")),
]
LEAD = "0"  # the offeror key of the offering organisation in a joint offer

_SPACES = re.compile(r"[\s\u00a0\u202f]")


def parse_amount(text) -> Decimal | None:
    """``"1 234,50"`` → ``Decimal("1234.50")``; ``None`` for empty or not a number (also NaN, ∞, and
    magnitudes no budget has — a quadrillion złoty or more, or "1e26", which cannot be quantised)."""
    text = _SPACES.sub("", str(text or "")).replace(",", ".")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or (value and value.adjusted() >= 15):
        return None
    return value


def parse_date(text) -> datetime.date | None:
    """An ISO date (what a date input sends), else ``None``."""
    try:
        return datetime.date.fromisoformat(str(text or "").strip())
    except ValueError:
        return None


def section(application, name) -> dict:
    value = (application.content or {}).get(name)
    return value if isinstance(value, dict) else {}


def rows(data, name) -> list[dict]:
    value = data.get(name)
    return [row for row in value if isinstance(row, dict)] if isinstance(value, list) else []


def text(data, name) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def partners(application) -> list[dict]:
    """The other offerors of a joint offer (section II), rows that are not blank."""
    return [p for p in rows(section(application, "contact"), "partners") if any(text(p, k) for k in p)]


def is_joint(application) -> bool:
    return bool(partners(application))


def offeror_choices(application) -> list[tuple[str, str]]:
    """``[("0", organisation), ("1", first partner)…]`` for a joint offer, ``[]`` for a single offeror."""
    others = partners(application)
    if not others:
        return []
    choices = [(LEAD, application.organisation.name)]
    for number, partner in enumerate(others, start=1):
        choices.append((str(number), text(partner, "name") or _("Offeror %(number)s") % {"number": number + 1}))
    return choices


def call_years(call) -> int:
    """How many calendar years the call's realisation window touches (1 when it is not set)."""
    if call.realisation_start and call.realisation_end and call.realisation_end >= call.realisation_start:
        return call.realisation_end.year - call.realisation_start.year + 1
    return 1


def indicators(application) -> list[dict]:
    """The rows of III.6 that are not blank."""
    return [
        row
        for row in rows(section(application, "task"), "indicators")
        if any(text(row, k) for k in ("name", "planned_level", "monitoring"))
    ]


@dataclass(frozen=True)
class Blocker:
    """One thing that stops the submission: the editor section to fix it in and what to do."""

    section: str
    text: str

    def __str__(self):
        return self.text


def offer_period(application):
    """The first start and the last end of the schedule's activities (dates that parse), or ``(None, None)``."""
    activities = rows(section(application, "task"), "activities")
    starts = [d for d in (parse_date(a.get("start")) for a in activities) if d]
    ends = [d for d in (parse_date(a.get("end")) for a in activities) if d]
    return (min(starts) if starts else None, max(ends) if ends else None)


def offer_budget(application):
    """``(lines, sources, problems)``: the cost lines and V.B sources that parse, and a text for
    each line amount that does not (those lines are left out of the lines)."""
    data = section(application, "budget")
    lines, problems = [], []
    joint = is_joint(application)
    for number, row in enumerate(rows(data, "lines"), start=1):
        amounts = {}
        for name in LINE_AMOUNTS:
            raw = text(row, name)
            value = parse_amount(raw) if raw else (None if name in ("unit_cost", "quantity") else Decimal("0"))
            if value is None:
                problems.append(
                    _("Cost %(number)s: “%(field)s” is missing or is not a number.")
                    % {"number": number, "field": LINE_FIELD_LABELS[name]}
                )
            amounts[name] = value
        year_text = text(row, "year") or "1"
        year = int(year_text) if year_text.isascii() and year_text.isdigit() and len(year_text) < 3 else None
        if year is None:
            problems.append(_("Cost %(number)s: choose the year of the task it falls in.") % {"number": number})
        if year is None or any(value is None for value in amounts.values()):
            continue
        lines.append(
            CostLine(
                activity=text(row, "activity") or "?",
                name=text(row, "name"),
                unit=text(row, "unit"),
                year=year,
                offeror=text(row, "offeror") if joint else "",
                **amounts,
            )
        )
    raw_sources = data.get("sources") if isinstance(data.get("sources"), dict) else {}
    sources = {}
    for name in Sources.FIELDS:
        raw = text(raw_sources, name)
        value = parse_amount(raw) if raw else Decimal("0")
        if value is None:
            problems.append(
                _("Sources of financing: “%(field)s” is not a number.") % {"field": SOURCE_FIELD_LABELS[name]}
            )
            value = Decimal("0")
        sources[name] = value
    return lines, Sources(**sources), problems


def offer_summary(application):
    """The budget summary and its problems against the call (texts), for the summary page and the PDF."""
    lines, sources, problems = offer_budget(application)
    offerors = [key for key, _label in offeror_choices(application)]
    summary = summarise(lines, sources, offerors=offerors)
    checked = check_budget(summary, CallLimits.from_call(application.call), years=call_years(application.call))
    return summary, problems + [p.text for p in checked]


LINE_FIELD_LABELS = {
    "unit_cost": gettext_lazy("Unit cost (PLN)"),
    "quantity": gettext_lazy("Number of units"),
    "grant": gettext_lazy("Of which from the grant (PLN)"),
    "own_financial": gettext_lazy("Of which own financial contribution (PLN)"),
    "own_non_financial": gettext_lazy("Of which own non-financial contribution (PLN)"),
    "beneficiary_fees": gettext_lazy("Of which fees from beneficiaries (PLN)"),
}
SOURCE_FIELD_LABELS = {
    "grant": gettext_lazy("Planned grant (PLN)"),
    "own_financial": gettext_lazy("Own financial contribution (PLN)"),
    "own_personal": gettext_lazy("Own personal contribution: volunteers and members' work (PLN)"),
    "own_in_kind": gettext_lazy("Own in-kind contribution (PLN)"),
    "beneficiary_fees": gettext_lazy("Fees from the task's beneficiaries (PLN)"),
}


def _required(data, fields, section_name, add):
    for name, label in fields:
        if not text(data, name):
            add(section_name, _("Fill in “%(field)s”.") % {"field": label})


def offer_blockers(application) -> list[Blocker]:
    """Everything that blocks submitting ``application``, in the order of the template's sections.

    Missing required fields (II contact person, III description and schedule, IV characteristics),
    dates that are not dates, an activity ending before it starts or outside the call's realisation
    window, cost lines that are not numbers or point to no activity of the schedule, every problem
    of :func:`applications.budget.check_budget` against the call's limits, and each declaration of
    VII not ticked. An empty list means the offer is complete.
    """
    blockers: list[Blocker] = []

    def add(section_name, message):
        blockers.append(Blocker(section_name, str(message)))

    contact = section(application, "contact")
    _required(
        contact,
        [("name", _("Name and surname")), ("phone", _("Phone")), ("email", _("E-mail"))],
        "contact",
        add,
    )
    if text(contact, "email"):
        try:
            validate_email(text(contact, "email"))
        except ValidationError:
            add("contact", _("The contact person's e-mail address is not valid."))
    for number, partner in enumerate(partners(application), start=2):
        for name, label in (
            ("name", _("Name of the organisation")),
            ("legal_form", _("Legal form")),
            ("register_number", _("Number in the KRS or another register")),
            ("address", _("Registered address")),
        ):
            if not text(partner, name):
                add("contact", _("Offeror %(number)s: fill in “%(field)s”.") % {"number": number, "field": label})
        if text(partner, "email"):
            try:
                validate_email(text(partner, "email"))
            except ValidationError:
                add("contact", _("Offeror %(number)s: the e-mail address is not valid.") % {"number": number})

    task = section(application, "task")
    _required(
        task,
        [
            ("synopsis", _("Synopsis of the task")),
            ("place", _("Place of the task")),
            ("target_group", _("Target group")),
            ("results", _("Expected results")),
        ],
        "task",
        add,
    )
    activities = [
        a for a in rows(task, "activities") if any(text(a, k) for k in ("name", "description", "start", "end"))
    ]
    if not activities:
        add("task", _("Add at least one activity to the schedule."))
    call = application.call
    offeror_keys = {key for key, _label in offeror_choices(application)}
    for number, activity in enumerate(activities, start=1):
        if not text(activity, "name"):
            add("task", _("Activity %(number)s: give its name.") % {"number": number})
        if offeror_keys and text(activity, "offeror") not in offeror_keys:
            add("task", _("Activity %(number)s: choose the offeror that carries it out.") % {"number": number})
        start, end = parse_date(activity.get("start")), parse_date(activity.get("end"))
        if start is None or end is None:
            add("task", _("Activity %(number)s: give its start and end dates.") % {"number": number})
            continue
        if end < start:
            add("task", _("Activity %(number)s ends before it starts.") % {"number": number})
        too_early = call.realisation_start is not None and start < call.realisation_start
        too_late = call.realisation_end is not None and end > call.realisation_end
        if too_early or too_late:
            add(
                "task",
                _("Activity %(number)s is outside the call's realisation period (%(start)s – %(end)s).")
                % {
                    "number": number,
                    "start": date_format(call.realisation_start) if call.realisation_start else "…",
                    "end": date_format(call.realisation_end) if call.realisation_end else "…",
                },
            )

    results = indicators(application)
    if call.requires_results_table and not results:
        add("task", _("The call asks for the results table (III.6): add at least one result."))
    for number, row in enumerate(results, start=1):
        if not all(text(row, k) for k in ("name", "planned_level", "monitoring")):
            add(
                "task",
                _("Result %(number)s: give its name, planned level and how it will be monitored.") % {"number": number},
            )

    offeror = section(application, "offeror")
    _required(
        offeror,
        [("experience", _("Previous activity of the offeror")), ("resources", _("Resources for the task"))],
        "offeror",
        add,
    )

    known = {str(n) for n in range(1, len(activities) + 1)} | {ADMIN}
    for number, line in enumerate(rows(section(application, "budget"), "lines"), start=1):
        if text(line, "activity") not in known:
            add("budget", _("Cost %(number)s is not assigned to an activity of the schedule.") % {"number": number})
    _summary, problems = offer_summary(application)
    for problem in problems:
        add("budget", problem)

    other = section(application, "other")
    if text(other, "payment") not in {key for key, _label in PAYMENT_CHOICES}:
        add("other", _("Say whether the task will be carried out for payment or free of charge (VI.1)."))
    if offeror_keys and not text(other, "representation"):
        add(
            "other",
            _("A joint offer must say which activities each offeror carries out and how they are represented (VI.2)."),
        )

    required_attachments = call.required_attachment_list()
    if required_attachments and application.pk is not None:
        attached = {a.requirement for a in application.attachments.all() if a.requirement}
        for required in required_attachments:
            if required not in attached:
                add("attachments", _("Attach the file the call requires: “%(name)s”.") % {"name": required})

    declarations = section(application, "declarations")
    if not all(declarations.get(name) is True for name in DECLARATIONS):
        add("declarations", _("Tick every declaration of section VII."))
    return blockers
