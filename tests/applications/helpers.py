"""Offers for the applications tests."""

import datetime

from django.utils import timezone

from applications.completeness import DECLARATIONS
from applications.enums import ApplicationStatus
from applications.models import Application
from tests.factories import CallFactory, OrganisationFactory, make_ngo_member


def open_call(**kwargs):
    published = timezone.now() - datetime.timedelta(days=2)
    kwargs.setdefault("offer_deadline", published + datetime.timedelta(days=25))
    return CallFactory(status="announced", published_bip_at=published, **kwargs)


def complete_content(call):
    """Offer content (the editor's sections II–VII) with nothing blocking submission in ``call``:
    one activity inside the call's realisation period, 1 000,00 zł of costs, 90 % from the grant."""
    start = (call.realisation_start or timezone.localdate()).isoformat()
    end = (call.realisation_end or timezone.localdate()).isoformat()
    return {
        "contact": {"name": "Anna Żółkiewska", "phone": "+48 32 123 45 67", "email": "anna@example.org"},
        "task": {
            "synopsis": "Półkolonie dla dzieci z Zabrza.",
            "place": "Zabrze, Dom Kultury",
            "target_group": "Dzieci w wieku 7–12 lat.",
            "results": "30 dzieci spędzi aktywnie wakacje.",
            "activities": [
                {"name": "Zajęcia sportowe", "description": "Codzienne zajęcia.", "start": start, "end": end}
            ],
        },
        "offeror": {"experience": "Od 2010 r. prowadzimy półkolonie.", "resources": "Dwóch trenerów, sala."},
        "budget": {
            "lines": [
                {
                    "activity": "1",
                    "name": "Wynagrodzenie trenera",
                    "unit": "godz.",
                    "unit_cost": "100,00",
                    "quantity": "10",
                    "grant": "900,00",
                    "own_financial": "100,00",
                    "own_non_financial": "",
                    "beneficiary_fees": "",
                }
            ],
            "sources": {"grant": "900,00", "own_financial": "100,00"},
        },
        "other": {"payment": "free", "representation": "", "information": ""},
        "declarations": {name: True for name in DECLARATIONS},
    }


def offer(call=None, status=ApplicationStatus.DRAFT):
    call = call or open_call()
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    correction_due = timezone.now() + datetime.timedelta(days=7) if status == "returned_for_correction" else None
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        title="Wakacje w mieście",
        status=status,
        correction_due=correction_due,
        content=complete_content(call),
    )
    return application, member


def all_met(call, note=""):
    """The formal checklist of ``call`` with every requirement answered "met"."""
    return [{"met": True, "note": note} for _ in call.formal_requirements()]
