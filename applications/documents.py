"""The offer's documents: the offer in the statutory layout and the confirmation of submission.

Both are pure functions (application -> PDF bytes) written in Polish, like the call's
announcement: they are the official documents of the procedure, whatever language the user reads
the site in. :func:`store_submission_documents` freezes them at submission (see
``services.application_submit``): the offer PDF is stored first and its SHA-256 is printed in the
confirmation, which the organisation may sign (trusted profile or qualified signature) and upload.
"""

from django.conf import settings
from django.utils import timezone, translation

from core.models import StoredDocument
from core.pdf import render_pdf

from .budget import summarise
from .completeness import (
    DECLARATIONS,
    LEAD,
    PAYMENT_CHOICES,
    call_years,
    indicators,
    offer_budget,
    offer_period,
    offeror_choices,
    parse_date,
    partners,
    rows,
    section,
    text,
)

OFFER_KIND = "offer"
CONFIRMATION_KIND = "submission_confirmation"

# The line shown where the 2018 template asks for content the offer editor does not collect yet.
TO_BE_FILLED = "— (do uzupełnienia w edytorze oferty)"


def offer_content(application):
    """The editor's sections as the PDF and the offer page show them: texts, the offerors, the
    schedule, the results table, V.A lines with their year, V.B sources and V.C split.

    Empty values stay empty (the template prints the placeholder); lines whose amounts are not
    numbers are left out of V.A (the offer cannot be submitted with them anyway).
    """
    contact, task = section(application, "contact"), section(application, "task")
    offeror, other = section(application, "offeror"), section(application, "other")
    organisation = application.organisation
    choices = offeror_choices(application)
    names = dict(choices)
    offerors = [
        {
            "key": LEAD,
            "name": organisation.name,
            "legal_form": organisation.get_legal_form_display(),
            "register_number": organisation.register_entry,
            "address": ", ".join(part for part in (organisation.address, organisation.city) if part),
            "email": organisation.email,
            "phone": organisation.phone,
        }
    ]
    for number, partner in enumerate(partners(application), start=1):
        offerors.append(
            {"key": str(number)}
            | {k: text(partner, k) for k in ("name", "legal_form", "register_number", "address", "email", "phone")}
        )
    activities = [
        {
            "number": number,
            "name": text(row, "name"),
            "description": text(row, "description"),
            "start": parse_date(row.get("start")),
            "end": parse_date(row.get("end")),
            "offeror": names.get(text(row, "offeror"), "") if choices else "",
        }
        for number, row in enumerate(rows(task, "activities"), start=1)
    ]
    lines, sources, _problems = offer_budget(application)
    budget = summarise(lines, sources, offerors=[key for key, _label in choices])
    years = list(range(1, call_years(application.call) + 1))
    first_year = application.call.realisation_start.year if application.call.realisation_start else None
    start, end = offer_period(application)
    declarations = section(application, "declarations")
    payment = dict(PAYMENT_CHOICES).get(text(other, "payment"), "")
    return {
        "joint": bool(choices),
        "offerors": offerors,
        "contact": {name: text(contact, name) for name in ("name", "phone", "email")},
        "task": {name: text(task, name) for name in ("synopsis", "place", "target_group", "results")},
        "activities": activities,
        "indicators": [
            {k: text(row, k) for k in ("name", "planned_level", "monitoring")} for row in indicators(application)
        ],
        "start": start,
        "end": end,
        "offeror": {name: text(offeror, name) for name in ("experience", "resources")},
        "other": {
            "payment": str(payment),
            "representation": text(other, "representation"),
            "information": text(other, "information"),
        },
        "lines": [
            {
                "number": number,
                "line": line,
                "offeror": names.get(line.offeror, "") if choices else "",
                "by_year": [line.value if line.year == year else None for year in years],
            }
            for number, line in enumerate(budget.lines, start=1)
        ],
        "years": [{"number": year, "calendar": first_year + year - 1 if first_year else None} for year in years],
        "multi_year": len(years) > 1,
        "year_totals": [budget.costs.in_year(year) for year in years],
        "split": [
            {
                "name": names.get(key, key),
                "total": amounts.total,
                "by_year": [amounts.in_year(year) for year in years],
            }
            for key, amounts in budget.offerors.items()
        ]
        if choices
        else [],
        "budget": budget,
        "has_sources": any(getattr(sources, name) for name in sources.FIELDS),
        "declared": all(declarations.get(name) is True for name in DECLARATIONS),
    }


def _context(application):
    call = application.call
    return {
        "application": application,
        "call": call,
        "task": call.task,
        "organisation": application.organisation,
        "authority": settings.AUTHORITY_NAME,
        "office": settings.AUTHORITY_OFFICE,
        "submitted_at": timezone.localtime(application.submitted_at) if application.submitted_at else None,
        "to_be_filled": TO_BE_FILLED,
        "offer": offer_content(application),
    }


def offer_pdf(application) -> bytes:
    """The offer as it stands, in the order of sections I–VII of the 2018 template (Annex 1 to
    Dz.U. 2018 poz. 2057): the data the offer holds today, a placeholder line for the rest."""
    with translation.override("pl"):  # choice labels (legal form, register) in Polish
        return render_pdf("applications/offer_pdf.html", _context(application))


def confirmation_pdf(application, *, offer_sha256) -> bytes:
    """*Potwierdzenie złożenia oferty*: number, exact submission time (Warsaw), the call, the
    organisation, the title and the full SHA-256 of the offer PDF it confirms."""
    with translation.override("pl"):
        return render_pdf("applications/confirmation_pdf.html", {**_context(application), "offer_sha256": offer_sha256})


def store_submission_documents(application):
    """Render and store both documents of a just-submitted offer and link them to it.

    Runs inside the submission's transaction (the caller holds the row lock), after the transition
    set ``submitted_at`` and the confirmation number. Effects: two StoredDocument rows and files,
    the offer's two document links.
    """
    offer = StoredDocument.store(kind=OFFER_KIND, content=offer_pdf(application))
    confirmation = StoredDocument.store(
        kind=CONFIRMATION_KIND, content=confirmation_pdf(application, offer_sha256=offer.sha256)
    )
    application.offer_document = offer
    application.confirmation_document = confirmation
    application.save(update_fields=["offer_document", "confirmation_document", "updated_at"])
    return offer, confirmation
