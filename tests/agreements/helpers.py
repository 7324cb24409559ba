"""Agreements in a given state, written straight to the database, for the tests of agreements,
reports and settlement (the services that normally create them are tested in tests/agreements)."""

import datetime
from decimal import Decimal

from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement, Tranche
from applications.enums import ApplicationStatus
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant
from tests.applications.helpers import offer
from tests.factories import CallFactory, OrganisationFactory, ProgrammeFactory

APPLICATION_STATUS_OF = {
    AgreementStatus.DRAFT: ApplicationStatus.AWARDED,
    AgreementStatus.READY: ApplicationStatus.AWARDED,
    AgreementStatus.SIGNED: ApplicationStatus.IN_REALISATION,
    AgreementStatus.SETTLED: ApplicationStatus.SETTLED,
    AgreementStatus.TERMINATED: ApplicationStatus.TERMINATED,
}


def resolved_call(**kwargs):
    today = timezone.localdate()
    kwargs.setdefault("realisation_start", today - datetime.timedelta(days=60))
    kwargs.setdefault("realisation_end", today + datetime.timedelta(days=30))
    return CallFactory(status="resolved", **kwargs)


def agreement(status=AgreementStatus.SIGNED, *, call=None, grant=Decimal("900.00"), **kwargs):
    """(agreement, ngo_member): an awarded offer of ``complete_content`` (one line of 1 000,00 zł,
    900,00 zł from the grant) with its agreement in ``status`` and one tranche of the whole grant."""
    call = call or resolved_call()
    application, member = offer(call, status=APPLICATION_STATUS_OF[status])
    application.requested_amount = grant
    application.awarded_amount = grant
    application.save(update_fields=["requested_amount", "awarded_amount"])
    signed = status in (AgreementStatus.SIGNED, AgreementStatus.SETTLED, AgreementStatus.TERMINATED)
    fields = {
        "application": application,
        "organisation": application.organisation,
        "number": f"UM/{call.pk}/{application.pk}",
        "status": status,
        "form": call.task.form,
        "task_title": application.title,
        "realisation_start": call.realisation_start,
        "realisation_end": call.realisation_end,
        "grant_amount": grant,
        "allowed_shift_percent": call.allowed_cost_shift_percent,
        "iban": "PL61109010140000071219812874",
        "account_holder_declared": True,
        "authority_representatives": "Prezydent Miasta",
        "organisation_representatives": "Anna Żółkiewska, prezes",
        "offer_content": application.content,
        "signing_method": "in_office" if signed else "",
        "signed_at": timezone.now() - datetime.timedelta(days=50) if signed else None,
        **kwargs,
    }
    made = Agreement.objects.create(**fields)
    Tranche.objects.create(
        agreement=made,
        number=1,
        amount=grant,
        due_on=call.realisation_start,
        paid_on=call.realisation_start if signed else None,
        paid_amount=grant if signed else None,
    )
    return made, member


def small_grant(status=SmallGrantStatus.COMMENTS_CLOSED):
    """A small grant of a verified organisation asking for 7 500,00 zł, in ``status``."""
    programme = ProgrammeFactory()
    today = timezone.localdate()
    return SmallGrant.objects.create(
        organisation=OrganisationFactory(verified_at=timezone.now()),
        programme=programme,
        sphere=_sphere(),
        title="Festyn sąsiedzki",
        status=status,
        realisation_start=today + datetime.timedelta(days=20),
        realisation_end=today + datetime.timedelta(days=50),
        requested_amount=Decimal("7500.00"),
        content={"description": "Festyn"},
    )


def _sphere():
    from organisations.models import Sphere

    return Sphere.objects.first() or Sphere.objects.create(code="99", name_pl="Kultura", name_en="Culture")


def pl(msgid, **params):
    """``msgid`` as a Polish page shows it (translated once the catalogue has it), HTML-escaped."""
    from django.utils import translation
    from django.utils.html import escape
    from django.utils.translation import gettext

    with translation.override("pl"):
        text = gettext(msgid)
    return escape(text % params if params else text)
