"""The agreement and annex PDFs, in Polish: the framework agreement (Annex 3 of Dz.U. 2018 poz. 2057)
filled with the agreement's data, and the annex listing what it changes.

Pure functions (agreement -> PDF bytes); :func:`store_agreement_document` freezes one as a
``StoredDocument`` (SHA-256) when the agreement is marked ready for signing.
"""

from decimal import Decimal

from django.conf import settings
from django.utils import timezone, translation

from applications.completeness import parse_amount, parse_date, rows, text
from core.enums import LegalParameterKey
from core.legal import legal_parameter
from core.models import StoredDocument
from core.pdf import render_pdf

from .validators import format_iban

AGREEMENT_KIND = "agreement"
ANNEX_KIND = "agreement_annex"


def _section(content, name):
    value = (content or {}).get(name)
    return value if isinstance(value, dict) else {}


def offer_annex(content):
    """The schedule and the cost lines of ``content`` (an offer's, as frozen in the agreement)."""
    task = _section(content, "task")
    activities = [
        {
            "number": number,
            "name": text(row, "name"),
            "description": text(row, "description"),
            "start": parse_date(row.get("start")),
            "end": parse_date(row.get("end")),
        }
        for number, row in enumerate(rows(task, "activities"), start=1)
    ]
    lines = []
    for number, row in enumerate(rows(_section(content, "budget"), "lines"), start=1):
        unit_cost, quantity = parse_amount(row.get("unit_cost")), parse_amount(row.get("quantity"))
        lines.append(
            {
                "number": number,
                "name": text(row, "name"),
                "unit": text(row, "unit"),
                "unit_cost": unit_cost,
                "quantity": quantity,
                "quantity_text": format(quantity.normalize(), "f").replace(".", ",") if quantity is not None else "",
                "total": (unit_cost * quantity).quantize(Decimal("0.01"))
                if unit_cost is not None and quantity is not None
                else None,
                "grant": parse_amount(row.get("grant")),
            }
        )
    return {
        "activities": activities,
        "lines": lines,
        "grant_total": sum((line["grant"] or Decimal("0") for line in lines), Decimal("0.00")),
        "place": text(task, "place"),
        "results": text(task, "results"),
        "synopsis": text(task, "synopsis"),
    }


def _context(agreement):
    call = agreement.application.call if agreement.application_id else None
    return {
        "agreement": agreement,
        "organisation": agreement.organisation,
        "organisation_address": ", ".join(
            part for part in (agreement.organisation.address, agreement.organisation.city) if part
        ),
        "call": call,
        "authority": settings.AUTHORITY_NAME,
        "office": settings.AUTHORITY_OFFICE,
        "iban": format_iban(agreement.iban),
        "tranches": list(agreement.tranches.order_by("number")),
        "report_due_days": legal_parameter(LegalParameterKey.REPORT_DUE_DAYS, on=agreement.realisation_end),
        "offer": offer_annex(agreement.offer_content),
        "today": timezone.localdate(),
    }


def agreement_pdf(agreement) -> bytes:
    with translation.override("pl"):
        return render_pdf("agreements/agreement_pdf.html", _context(agreement))


def annex_pdf(annex) -> bytes:
    agreement = annex.agreement
    with translation.override("pl"):
        return render_pdf(
            "agreements/annex_pdf.html",
            {**_context(agreement), "annex": annex, "changes": annex_changes(annex)},
        )


def annex_changes(annex):
    """What the annex changes, for the PDF and the pages: [(label, before, after)] in Polish-ready values."""
    from .services import annex_change_rows

    return annex_change_rows(annex)


def store_agreement_document(agreement):
    return StoredDocument.store(kind=AGREEMENT_KIND, content=agreement_pdf(agreement))


def store_annex_document(annex):
    return StoredDocument.store(kind=ANNEX_KIND, content=annex_pdf(annex))
