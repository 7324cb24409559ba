"""The report of a small grant (art. 19a): the simplified report's headings, its cost lines and
sources read from the simplified offer, submitted and settled like any other."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement, Tranche
from reporting import services
from reporting.content import planned_lines, totals
from reporting.models import FundsReturn, Report
from smallgrants.enums import SmallGrantStatus
from tests.reporting.helpers import filled_content
from tests.smallgrants.helpers import small_grant

pytestmark = pytest.mark.django_db


def small_grant_agreement():
    start = timezone.localdate() - datetime.timedelta(days=40)
    grant, member = small_grant(SmallGrantStatus.CONTRACTED, start=start, days=30)
    made = Agreement.objects.create(
        small_grant=grant,
        organisation=grant.organisation,
        number="MG/1",
        status=AgreementStatus.SIGNED,
        form=grant.form,
        task_title=grant.title,
        realisation_start=grant.realisation_start,
        realisation_end=grant.realisation_end,
        grant_amount=Decimal("900.00"),
        allowed_shift_percent=Decimal("10.00"),
        offer_content=grant.content,
        signing_method="in_office",
        signed_at=timezone.now(),
    )
    Tranche.objects.create(
        agreement=made, number=1, amount=Decimal("900.00"), due_on=start, paid_on=start, paid_amount=Decimal("900.00")
    )
    return made, member


def test_the_simplified_report_starts_from_the_small_grants_cost_lines_and_sources(official):
    made, member = small_grant_agreement()
    (line,) = planned_lines(made)
    assert (line.name, line.planned_total, line.planned_grant) == (
        "Nagłośnienie",
        Decimal("1000.00"),
        Decimal("900.00"),
    )

    report = services.final_report_open(agreement=made, actor=member)
    client = Client()
    client.force_login(member)
    page = re.sub(r"\s+", " ", client.get(f"/reports/{report.pk}/edit/").content.decode())
    assert "Simplified report" in page or "uproszczone" in page.lower()
    assert "Festyn" in page and "Nagłośnienie" in page
    planned = {row["name"]: row["planned"] for row in totals(report)}
    assert planned["grant"] == Decimal("900.00") and planned["own_financial"] == Decimal("100.00")

    Report.objects.filter(pk=report.pk).update(content=filled_content(made, total="950,00", grant="850,00"))
    services.report_submit(report=Report.objects.get(pk=report.pk), actor=member)
    services.report_accept(report=Report.objects.get(pk=report.pk), actor=official)
    assert FundsReturn.objects.get().amount == Decimal("50.00")
