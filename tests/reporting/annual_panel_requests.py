"""The annual programme report's panel URLs for the refusal tests, and a built year to report on.

``annual_world()`` writes a finished programme year straight to the database: calls in several states,
offers in every outcome, agreements with tranches paid in and after the year, a return of funds, small
grants in several states, and a programme of another year that must not be counted. ``EXPECTED`` holds
the figures a person would count by hand from it.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement, Tranche
from applications.enums import ApplicationStatus
from calls.models import AnnualProgramme
from organisations.models import Sphere
from reporting.models import FundsReturn
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant
from tests.agreements.helpers import agreement
from tests.applications.helpers import offer
from tests.factories import CallFactory, OrganisationFactory, ProgrammeFactory, TaskFactory

YEAR = 2025
UTC = datetime.UTC


def _utc(*args):
    return datetime.datetime(*args, tzinfo=UTC)


@dataclass
class AnnualWorld:
    programme: AnnualProgramme
    other: AnnualProgramme
    calls: dict = field(default_factory=dict)
    agreements: dict = field(default_factory=dict)
    small: dict = field(default_factory=dict)
    member: object = None  # a member of the organisation of the first agreement


EXPECTED = {
    "calls_total": 3,
    "announced_in_year": 2,
    "received": 6,
    "formally_rejected": 1,
    "awarded": 4,
    "not_awarded": 1,
    "terminated": 1,
    "planned": Decimal("170000.50"),
    "awarded_offers": Decimal("2934.56"),
    "awarded_small": Decimal("5000.00"),
    "awarded_total": Decimal("7934.56"),
    "paid": Decimal("7634.56"),
    "returned": Decimal("100.01"),
    "applicants": 9,
    "grantees": 4,
}


def _call(task, status, announced_at, start):
    return CallFactory(
        task=task,
        status=status,
        announced_at=announced_at,
        realisation_start=start,
        realisation_end=datetime.date(YEAR, 11, 30),
        offer_deadline=(announced_at or _utc(YEAR, 1, 10, 10)) + datetime.timedelta(days=30),
    )


def _awarded(call, status, amount):
    application, member = offer(call, status=status)
    application.requested_amount = amount
    application.awarded_amount = amount
    application.save(update_fields=["requested_amount", "awarded_amount"])
    return application, member


def annual_world():
    programme = ProgrammeFactory(year=YEAR)
    sphere_17 = Sphere.objects.get(code="17")
    sphere_1 = Sphere.objects.get(code="1")
    task_a = TaskFactory(programme=programme, number="1", sphere=sphere_17, planned_funds=Decimal("100000.00"))
    task_b = TaskFactory(programme=programme, number="2", sphere=sphere_1, planned_funds=Decimal("50000.50"))
    TaskFactory(programme=programme, number="3", sphere=sphere_17, planned_funds=Decimal("20000.00"))
    world = AnnualWorld(programme=programme, other=ProgrammeFactory(year=YEAR - 1))

    # calls: announced in the year (Warsaw), one announced on New Year's Eve in Warsaw (not counted in
    # the year) and one half an hour into New Year's Day in Warsaw (counted); a draft never counts
    world.calls["resolved"] = _call(task_a, "resolved", _utc(YEAR, 3, 1, 10), datetime.date(YEAR, 6, 1))
    world.calls["cancelled"] = _call(task_a, "cancelled", _utc(YEAR - 1, 12, 31, 23, 30), datetime.date(YEAR, 6, 1))
    world.calls["completed"] = _call(task_b, "completed", _utc(YEAR - 1, 12, 31, 22, 30), datetime.date(YEAR, 3, 1))
    world.calls["draft"] = _call(task_b, "draft", None, datetime.date(YEAR, 3, 1))

    resolved, completed = world.calls["resolved"], world.calls["completed"]
    signed, world.member = agreement(AgreementStatus.SIGNED, call=resolved, grant=Decimal("900.00"))
    settled, _ = agreement(AgreementStatus.SETTLED, call=resolved, grant=Decimal("1234.56"))
    terminated, _ = agreement(AgreementStatus.TERMINATED, call=completed, grant=Decimal("500.00"))
    world.agreements = {"signed": signed, "settled": settled, "terminated": terminated}
    _awarded(completed, ApplicationStatus.AWARDED, Decimal("300.00"))
    offer(resolved, status=ApplicationStatus.FORMALLY_REJECTED)
    offer(resolved, status=ApplicationStatus.NOT_AWARDED)
    offer(resolved, status=ApplicationStatus.WITHDRAWN)
    offer(resolved, status=ApplicationStatus.DRAFT)
    # paid after the year: not in the year's payments
    Tranche.objects.create(
        agreement=signed,
        number=2,
        amount=Decimal("50.00"),
        due_on=datetime.date(YEAR + 1, 1, 10),
        paid_on=datetime.date(YEAR + 1, 1, 10),
        paid_amount=Decimal("50.00"),
    )
    FundsReturn.objects.create(
        agreement=settled,
        unused_amount=Decimal("100.01"),
        amount=Decimal("100.01"),
        due_on=datetime.date(YEAR, 12, 15),
        returned_on=datetime.date(YEAR, 12, 10),
        returned_amount=Decimal("100.01"),
    )

    # small grants: the contracted one by the organisation of the first agreement (counted once)
    sphere_3 = Sphere.objects.get(code="3")
    published_at = timezone.make_aware(datetime.datetime(YEAR, 4, 1, 12))

    def small(status, organisation=None, **kwargs):
        return SmallGrant.objects.create(
            organisation=organisation or OrganisationFactory(),
            programme=programme,
            sphere=sphere_3,
            title=f"Mały grant ({status})",
            status=status,
            requested_amount=Decimal("5000.00"),
            realisation_start=datetime.date(YEAR, 7, 1),
            realisation_end=datetime.date(YEAR, 8, 31),
            **kwargs,
        )

    contracted = small(SmallGrantStatus.CONTRACTED, signed.organisation, published_at=published_at)
    world.small = {
        "contracted": contracted,
        "published": small(SmallGrantStatus.PUBLISHED, published_at=published_at),
        "rejected": small(SmallGrantStatus.REJECTED, published_at=published_at),
        "submitted": small(SmallGrantStatus.SUBMITTED),
        "draft": small(SmallGrantStatus.DRAFT),
    }
    small_agreement = Agreement.objects.create(
        small_grant=contracted,
        organisation=contracted.organisation,
        number="MG/1",
        status=AgreementStatus.SIGNED,
        form="supporting",
        task_title=contracted.title,
        realisation_start=datetime.date(YEAR, 7, 1),
        realisation_end=datetime.date(YEAR, 8, 31),
        grant_amount=Decimal("5000.00"),
        allowed_shift_percent=Decimal("10.00"),
        signing_method="in_office",
        signed_at=published_at,
    )
    Tranche.objects.create(
        agreement=small_agreement,
        number=1,
        amount=Decimal("5000.00"),
        due_on=datetime.date(YEAR, 7, 1),
        paid_on=datetime.date(YEAR, 7, 1),
        paid_amount=Decimal("5000.00"),
    )

    # another year's programme: nothing of it is counted
    other_task = TaskFactory(programme=world.other, planned_funds=Decimal("99999.00"))
    other_call = _call(other_task, "resolved", _utc(YEAR - 1, 3, 1, 10), datetime.date(YEAR - 1, 6, 1))
    agreement(AgreementStatus.SETTLED, call=other_call, grant=Decimal("777.00"))
    return world


def panel_request(world, name):
    """(url, POST data) for panel URL pattern ``name`` of reporting.annual_urls; ``world`` is any world
    (tests.calls.helpers.World or an AnnualWorld): a finished programme year is made here if needed."""
    programme = AnnualProgramme.objects.filter(year=YEAR).first() or ProgrammeFactory(year=YEAR)
    return {
        "programme_reports": ("/panel/programme-report/", {}),
        "programme_report": (f"/panel/programme-report/{programme.year}/", {}),
        "programme_report_publish": (f"/panel/programme-report/{programme.year}/publish/", {}),
    }[name]
