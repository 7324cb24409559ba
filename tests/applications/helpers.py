"""Offers for the applications tests."""

import datetime

from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from tests.factories import CallFactory, OrganisationFactory, make_ngo_member


def open_call(**kwargs):
    published = timezone.now() - datetime.timedelta(days=2)
    kwargs.setdefault("offer_deadline", published + datetime.timedelta(days=25))
    return CallFactory(status="announced", published_bip_at=published, **kwargs)


def offer(call=None, status=ApplicationStatus.DRAFT):
    organisation = OrganisationFactory(verified_at=timezone.now())
    member = make_ngo_member(organisation)
    correction_due = timezone.now() + datetime.timedelta(days=7) if status == "returned_for_correction" else None
    application = Application.objects.create(
        call=call or open_call(),
        organisation=organisation,
        title="Wakacje w mieście",
        status=status,
        correction_due=correction_due,
    )
    return application, member
