"""Small grants in a given state, written straight to the database (the services are tested on them)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from organisations.models import Sphere
from smallgrants.content import DECLARATIONS
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant
from tests.factories import OrganisationFactory, ProgrammeFactory, TaskFactory, make_ngo_member


def programme_of(year, planned=Decimal("1000000.00")):
    """The programme of ``year`` with one task of ``planned`` funds (when it is created here)."""
    programme = ProgrammeFactory(year=year)
    if not programme.tasks.exists():
        TaskFactory(programme=programme, planned_funds=planned)
    return programme


def content(start, end, *, grant="900,00", other="100,00", unit_cost=None):
    """A simplified offer with nothing blocking submission: one activity over the whole period, one cost."""
    total = Decimal(grant.replace(" ", "").replace(",", ".")) + Decimal(other.replace(" ", "").replace(",", "."))
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "contact": {"name": "Anna Żółkiewska", "phone": "+48 32 123 45 67", "email": "anna@example.org"},
        "task": {
            "synopsis": "Festyn sąsiedzki na osiedlu Helenka.",
            "place": "Zabrze, skwer przy ul. Jodłowej",
            "target_group": "Mieszkańcy osiedla, ok. 200 osób.",
            "results": "Festyn z udziałem 200 mieszkańców.",
        },
        "activities": [
            {"name": "Festyn", "description": "Gry i zabawy.", "start": start.isoformat(), "end": end.isoformat()}
        ],
        "lines": [
            {
                "name": "Nagłośnienie",
                "unit": "usługa",
                "unit_cost": unit_cost or f"{total:.2f}".replace(".", ","),
                "quantity": "1",
                "grant": grant,
                "other": other,
            }
        ],
        "sources": {"grant": grant, "own_financial": other, "own_non_financial": "", "fees": ""},
        "other": {"information": "Współpraca z radą osiedla."},
        "declarations": {name: True for name in DECLARATIONS},
    }


def small_grant(
    status=SmallGrantStatus.DRAFT,
    *,
    organisation=None,
    grant=Decimal("900.00"),
    start=None,
    days=30,
    planned=Decimal("1000000.00"),
    **fields,
):
    """(small grant, member of its organisation): a complete offer of ``grant`` lasting ``days`` days from
    ``start`` (default: 60 days from today), in ``status`` with the fields that state implies."""
    organisation = organisation or OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    start = start or timezone.localdate() + datetime.timedelta(days=60)
    end = start + datetime.timedelta(days=days - 1)
    grant_text = f"{grant:.2f}".replace(".", ",")
    now = timezone.now()
    values = {
        "organisation": organisation,
        "programme": programme_of(start.year, planned),
        "sphere": Sphere.objects.get(code="17"),
        "title": "Festyn sąsiedzki",
        "status": status,
        "realisation_start": start,
        "realisation_end": end,
        "requested_amount": grant,
        "content": content(start, end, grant=grant_text),
        "created_by": member,
    }
    if status not in (SmallGrantStatus.DRAFT, SmallGrantStatus.WITHDRAWN):
        values |= {"submitted_at": now - datetime.timedelta(days=12), "publish_by": timezone.localdate()}
    if status in (SmallGrantStatus.PUBLISHED, SmallGrantStatus.COMMENTS_CLOSED, SmallGrantStatus.CONTRACTED):
        values |= {
            "published_at": now - datetime.timedelta(days=10),
            # the comment period is over unless the test says otherwise
            "comments_until": now - datetime.timedelta(days=2),
        }
    values |= fields
    return SmallGrant.objects.create(**values), member


def pl(msgid, *, html=True, **params):
    """A message as a Polish user sees it (translated when the catalogue has it), HTML-escaped for pages."""
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    with translation.override("pl"):
        text = gettext(msgid)
    text = text % params if params else text
    return escape(text) if html else text
