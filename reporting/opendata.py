"""Open data: the grants awarded, as CSV and as a 360Giving data package (JSON).

A grant is an offer awarded a grant in a competition (holding it now, or terminated after the
agreement; the same offers the programme report counts as awarded) with its awarded amount, or a
small grant (art. 19a) whose agreement was signed. Nothing else is published: drafts, offers not
chosen and pending small grants never appear.

Identifiers (360Giving): a grant is ``<OPEN_DATA_PREFIX>offer-<id>`` or ``<OPEN_DATA_PREFIX>small-<id>``
(the prefix defaults to ``360G-pozytek-``; a publisher registered with 360Giving sets its own). The
recipient is ``PL-KRS-<10 digits>`` when the organisation is in the KRS, else ``PL-REGON-<REGON>``, else a
local identifier ``<OPEN_DATA_PREFIX>org-<id>`` (an organisation registered only with the starosta and
without a REGON has no public identifier org-id.guide knows). The funder is ``FUNDER_ID`` /
``FUNDER_NAME`` (defaults: the REGON-less local id ``<OPEN_DATA_PREFIX>funder`` and ``AUTHORITY_NAME``).

CSV: UTF-8 with a byte-order mark (Excel then reads the Polish letters right; Python reads it with
``encoding="utf-8-sig"``), comma-separated, every text field quoted when needed (RFC 4180, CRLF line
ends), amounts with a dot and two decimal places, dates as YYYY-MM-DD.
"""

import csv
import datetime
import io
import json
import re
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant

from .annual import AWARDED_STATES

BOM = "\ufeff"
CSV_COLUMNS = [
    "id",
    "year",
    "mode",
    "programme",
    "task",
    "call",
    "sphere_code",
    "sphere",
    "title",
    "recipient_id",
    "recipient_name",
    "recipient_krs",
    "recipient_nip",
    "recipient_regon",
    "recipient_city",
    "amount_applied_for",
    "amount_awarded",
    "currency",
    "award_date",
    "planned_start",
    "planned_end",
    "url",
]


def prefix():
    return getattr(settings, "OPEN_DATA_PREFIX", "360G-pozytek-")


def funder():
    return {
        "id": getattr(settings, "FUNDER_ID", "") or f"{prefix()}funder",
        "name": getattr(settings, "FUNDER_NAME", "") or settings.AUTHORITY_NAME,
    }


def recipient_id(organisation):
    if organisation.krs:
        return f"PL-KRS-{organisation.krs.zfill(10)}"
    if organisation.regon:
        return f"PL-REGON-{organisation.regon}"
    return f"{prefix()}org-{organisation.pk}"


def _local_date(moment):
    if moment is None:
        return None
    if isinstance(moment, datetime.datetime):
        return timezone.localtime(moment).date()
    return moment


def _money(value):
    return f"{Decimal(value):.2f}"


def awarded_grants(*, year=None):
    """The grants awarded (programme ``year`` if given), oldest programme first: a list of plain dicts.

    Two queries (offers, small grants) whatever their number.
    """
    offers = (
        Application.objects.filter(status__in=AWARDED_STATES, awarded_amount__isnull=False)
        .select_related("organisation", "call__task__programme", "call__task__sphere", "decision", "agreement")
        .order_by("call__task__programme__year", "call_id", "pk")
    )
    small = (
        SmallGrant.objects.filter(status=SmallGrantStatus.CONTRACTED)
        .select_related("organisation", "programme", "sphere", "agreement")
        .order_by("programme__year", "pk")
    )
    if year is not None:
        offers = offers.filter(call__task__programme__year=year)
        small = small.filter(programme__year=year)
    grants = []
    for application in offers:
        call = application.call
        decision = getattr(application, "decision", None)
        agreement = getattr(application, "agreement", None)
        awarded_on = _local_date(
            (decision.published_at if decision is not None else None)
            or (agreement.signed_at if agreement is not None else None)
            or application.updated_at
        )
        grants.append(
            {
                "id": f"{prefix()}offer-{application.pk}",
                "year": call.task.programme.year,
                "mode": "open_competition",
                "programme": call.task.programme.title,
                "task": str(call.task),
                "call": call.title,
                "call_id": call.pk,
                "sphere": call.task.sphere,
                "title": application.title,
                "organisation": application.organisation,
                "applied": application.requested_amount,
                "awarded": application.awarded_amount,
                "award_date": awarded_on,
                "start": agreement.realisation_start if agreement is not None else call.realisation_start,
                "end": agreement.realisation_end if agreement is not None else call.realisation_end,
                "url": settings.SITE_URL + reverse("call_detail", args=[call.pk]),
                "modified": application.updated_at,
            }
        )
    for grant in small:
        agreement = getattr(grant, "agreement", None)
        grants.append(
            {
                "id": f"{prefix()}small-{grant.pk}",
                "year": grant.programme.year,
                "mode": "small_grant",
                "programme": grant.programme.title,
                "task": "",
                "call": "",
                "call_id": None,
                "sphere": grant.sphere,
                "title": grant.title,
                "organisation": grant.organisation,
                "applied": grant.requested_amount,
                "awarded": agreement.grant_amount if agreement is not None else grant.requested_amount,
                "award_date": _local_date((agreement.signed_at if agreement is not None else None) or grant.updated_at),
                "start": agreement.realisation_start if agreement is not None else grant.realisation_start,
                "end": agreement.realisation_end if agreement is not None else grant.realisation_end,
                "url": settings.SITE_URL + reverse("annual:open_data"),
                "modified": max(filter(None, [grant.updated_at, agreement.updated_at if agreement else None])),
            }
        )
    return grants


def grants_csv(grants) -> bytes:
    """The grants as CSV bytes (UTF-8 with BOM, comma, quoted as needed, CRLF)."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for g in grants:
        organisation = g["organisation"]
        writer.writerow(
            [
                g["id"],
                g["year"],
                g["mode"],
                g["programme"],
                g["task"],
                g["call"],
                g["sphere"].code,
                g["sphere"].name_pl,
                g["title"],
                recipient_id(organisation),
                organisation.name,
                organisation.krs,
                organisation.nip,
                organisation.regon,
                organisation.city,
                _money(g["applied"]),
                _money(g["awarded"]),
                "PLN",
                g["award_date"].isoformat() if g["award_date"] else "",
                g["start"].isoformat() if g["start"] else "",
                g["end"].isoformat() if g["end"] else "",
                g["url"],
            ]
        )
    return out.getvalue().encode("utf-8")


def _amount(value):
    """An amount with at most two decimals: an int when whole, else the exact two-place Decimal
    (written as a JSON number by :func:`package_json`, never through float)."""
    value = Decimal(value).quantize(Decimal("0.01"))
    return int(value) if value == value.to_integral_value() else value


# A Decimal goes through json as this marked string, then the quotes and the mark are taken off, so the
# number is written exactly as its decimal text. (A NUL cannot be typed into the data: forms refuse it.)
_DECIMAL_MARK = "\x00decimal:"
_MARKED = re.compile(r'"\\u0000decimal:(-?[0-9]+(?:\.[0-9]+)?)"')


def package_json(package, **kwargs) -> str:
    """The JSON text of a 360Giving ``package`` with every Decimal amount written as an exact number."""

    def default(value):
        if isinstance(value, Decimal):
            return f"{_DECIMAL_MARK}{value}"
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    return _MARKED.sub(r"\1", json.dumps(package, default=default, **kwargs))


def grant_360(g):
    organisation = g["organisation"]
    recipient = {"id": recipient_id(organisation), "name": organisation.name, "addressCountry": "PL"}
    if organisation.city:
        recipient["addressLocality"] = organisation.city
    if organisation.website:
        recipient["url"] = organisation.website
    if g["mode"] == "small_grant":
        programme = {"code": "art-19a", "title": "Art. 19a — mały grant (tryb pozakonkursowy)"}
        description = f"Mały grant (art. 19a): {g['title']}. Sfera: {g['sphere'].name_pl}."
    else:
        programme = {"code": f"call-{g['call_id']}", "title": g["call"], "url": g["url"]}
        description = f"Otwarty konkurs ofert: {g['call']}. Zadanie: {g['task']}. Sfera: {g['sphere'].name_pl}."
    grant = {
        "id": g["id"],
        "title": g["title"][:140],
        "description": description,
        "currency": "PLN",
        "amountAppliedFor": _amount(g["applied"]),
        "amountAwarded": _amount(g["awarded"]),
        "awardDate": g["award_date"].isoformat(),
        "recipientOrganization": [recipient],
        "fundingOrganization": [funder()],
        "grantProgramme": [programme],
        "fromOpenCall": "Yes" if g["mode"] == "open_competition" else "No",
        "classifications": [
            {
                "vocabulary": "PL-UDPP-art4",
                "code": g["sphere"].code,
                "title": g["sphere"].name_pl,
            }
        ],
        "url": g["url"],
        "dateModified": timezone.localtime(g["modified"]).isoformat(timespec="seconds"),
    }
    if g["start"] and g["end"]:
        grant["plannedDates"] = [{"startDate": g["start"].isoformat(), "endDate": g["end"].isoformat()}]
    return grant


def grants_360giving(grants, *, year=None):
    """A 360Giving data package: ``{"grants": [...]}`` with the package's metadata."""
    title = "Dotacje dla organizacji pozarządowych"
    if year is not None:
        title += f" — {year}"
    return {
        "version": "1.4",
        "title": title,
        "description": (
            "Dotacje przyznane organizacjom pozarządowym w otwartych konkursach ofert i w trybie art. 19a "
            "ustawy o działalności pożytku publicznego i o wolontariacie."
        ),
        "issued": timezone.localdate().isoformat(),
        "publisher": {"name": funder()["name"], "identifier": funder()["id"], "website": settings.SITE_URL},
        "license": "https://creativecommons.org/publicdomain/zero/1.0/",
        "grants": [grant_360(g) for g in grants],
    }
