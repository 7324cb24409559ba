"""Demo agreements for `make run`: every offer of the demo that is in realisation (or later) gets its
signed agreement with tranches (the first one paid), so the reports have something to report on.

Call ``seed_demo()`` after ``core.demo.load_demo``. Idempotent: offers that have an agreement are skipped.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from applications.enums import ApplicationStatus
from applications.models import Application
from core.transitions import record_change

from .documents import store_agreement_document
from .enums import AgreementStatus, SigningMethod
from .models import Agreement, Tranche

DEMO_IBAN = "PL61109010140000071219812874"
REALISED = {
    ApplicationStatus.IN_REALISATION: AgreementStatus.SIGNED,
    ApplicationStatus.REPORTED: AgreementStatus.SIGNED,
    ApplicationStatus.SETTLED: AgreementStatus.SETTLED,
    ApplicationStatus.TERMINATED: AgreementStatus.TERMINATED,
}


def _tranches(agreement, today):
    """Two tranches: 60 % at the start (paid), the rest halfway (paid if that day has passed)."""
    first = (agreement.grant_amount * Decimal("0.6")).quantize(Decimal("0.01"))
    halfway = agreement.realisation_start + (agreement.realisation_end - agreement.realisation_start) / 2
    plan = [(agreement.realisation_start, first), (halfway, agreement.grant_amount - first)]
    for number, (due, amount) in enumerate(plan, start=1):
        paid = due <= today
        Tranche.objects.create(
            agreement=agreement,
            number=number,
            amount=amount,
            due_on=due,
            paid_on=due if paid else None,
            paid_amount=amount if paid else None,
            recorded_at=timezone.now() if paid else None,
        )


def seed_demo(*, today=None):
    """Signed (or settled, terminated) agreements for the demo's offers in realisation; returns how many."""
    today = today or timezone.localdate()
    made = 0
    offers = Application.objects.filter(status__in=list(REALISED), agreement__isnull=True).select_related(
        "call__task", "organisation"
    )
    with transaction.atomic():
        for sequence, application in enumerate(offers.order_by("pk"), start=1):
            call = application.call
            start = call.realisation_start or today - datetime.timedelta(days=60)
            end = max(call.realisation_end or today + datetime.timedelta(days=60), start)
            year = start.year
            number = f"{year}/D{sequence}"
            if Agreement.objects.filter(number=number).exists():
                continue
            status = REALISED[application.status]
            signed_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time(12)))
            agreement = Agreement.objects.create(
                application=application,
                organisation=application.organisation,
                number=number,
                status=status,
                form=call.task.form,
                task_title=application.title,
                realisation_start=start,
                realisation_end=end,
                grant_amount=application.awarded_amount or application.requested_amount,
                allowed_shift_percent=call.allowed_cost_shift_percent,
                iban=DEMO_IBAN,
                account_holder_declared=True,
                authority_representatives="Prezydent Miasta Zabrze",
                organisation_representatives="Natalia Społeczna, prezeska zarządu",
                place="Zabrze",
                offer_content=application.content or {},
                signing_method=SigningMethod.IN_OFFICE,
                signed_at=signed_at,
                settled_at=timezone.now() if status == AgreementStatus.SETTLED else None,
                termination_reason="Rozwiązanie za porozumieniem stron."
                if status == AgreementStatus.TERMINATED
                else "",
            )
            _tranches(agreement, today)
            agreement.document = store_agreement_document(agreement)
            agreement.save(update_fields=["document"])
            record_change(agreement, transition="prepare", from_state="", to_state="draft", actor=None)
            record_change(agreement, transition="sign", from_state="ready", to_state="signed", actor=None)
            made += 1
    return made
