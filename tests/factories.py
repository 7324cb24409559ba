"""Factories per app, and fixtures for one user of each role."""

import datetime
from decimal import Decimal

import factory
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from calls.enums import CallStatus, TaskForm, TaskMode
from calls.models import AnnualProgramme, Call, PublicTask
from calls.services import criteria_sync_statutory
from core.roles import APPROVER, OFFICIAL
from notifications.models import MediaOutlet
from organisations.enums import MembershipRole
from organisations.models import Membership, Organisation, Sphere

PASSWORD = "test-password-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Jan"
    last_name = factory.Sequence(lambda n: f"Kowalski{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or []:
            self.groups.add(Group.objects.get(name=name))
        self.save()


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Stowarzyszenie Żółć nr {n}")
    email = factory.Sequence(lambda n: f"org{n}@ngo.example.org")
    city = "Zabrze"

    @factory.post_generation
    def sphere_codes(self, create, extracted, **kwargs):
        if extracted:
            self.spheres.set(Sphere.objects.filter(code__in=extracted))


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AnnualProgramme
        django_get_or_create = ["year"]

    year = 2026
    title = factory.LazyAttribute(lambda p: f"Program współpracy na rok {p.year}")


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicTask

    programme = factory.SubFactory(ProgrammeFactory)
    number = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Zadanie publiczne {n}")
    sphere = factory.LazyFunction(lambda: Sphere.objects.get(code="17"))
    form = TaskForm.SUPPORTING
    mode = TaskMode.OPEN_COMPETITION
    planned_funds = Decimal("100000.00")
    planned_quarter = 2


def _local(year, month, day, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, minute))


class CallFactory(factory.django.DjangoModelFactory):
    """A call with every art. 13 item filled; ``status`` may be any state (set at creation)."""

    class Meta:
        model = Call
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory)
    status = CallStatus.DRAFT
    title = factory.Sequence(lambda n: f"Konkurs ofert nr {n}")
    task_type = "Szkolenie sportowe dzieci i młodzieży"
    funds = Decimal("50000.00")
    award_rules = "Dotacje przyznaje Prezydent Miasta."
    realisation_conditions = "Na terenie miasta."
    procedure = "Ocena formalna i merytoryczna."
    max_grant_share_percent = Decimal("90.00")
    max_admin_cost_percent = Decimal("10.00")
    published_bip_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=1))
    published_board_at = factory.LazyAttribute(lambda c: c.published_bip_at)
    published_website_at = factory.LazyAttribute(lambda c: c.published_bip_at)
    offer_deadline = factory.LazyAttribute(lambda c: c.published_bip_at + datetime.timedelta(days=30))
    realisation_start = factory.LazyAttribute(lambda c: (c.offer_deadline + datetime.timedelta(days=30)).date())
    realisation_end = factory.LazyAttribute(lambda c: (c.offer_deadline + datetime.timedelta(days=120)).date())
    decision_by = factory.LazyAttribute(lambda c: (c.offer_deadline + datetime.timedelta(days=14)).date())
    press_notes_automatic = False  # results press notes wait for an official's review

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        if extracted is False:
            return
        criteria_sync_statutory(call=self)


class MediaOutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MediaOutlet

    name = factory.Sequence(lambda n: f"Gazeta Lokalna {n}")
    email = factory.Sequence(lambda n: f"redakcja{n}@media.example.org")
    consent_at = factory.LazyFunction(timezone.now)


def make_ngo_member(organisation=None, role=MembershipRole.ADMIN):
    user = UserFactory()
    Membership.objects.create(
        user=user, organisation=organisation or OrganisationFactory(), role=role, confirmed_at=timezone.now()
    )
    return user


@pytest.fixture
def official(db):
    return UserFactory(username="official", roles=[OFFICIAL])


@pytest.fixture
def approver(db):
    return UserFactory(username="approver", roles=[APPROVER])


@pytest.fixture
def ngo_member(db):
    return make_ngo_member()


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator", is_staff=True, is_superuser=True)


ROLES = ["anonymous", "ngo_member", "official", "approver", "administrator"]


@pytest.fixture
def user_of_role(db):
    """``user_of_role(name)`` -> a user with that role (``None`` for anonymous)."""

    def make(role):
        if role == "anonymous":
            return None
        if role == "ngo_member":
            return make_ngo_member()
        if role == "official":
            return UserFactory(roles=[OFFICIAL])
        if role == "approver":
            return UserFactory(roles=[APPROVER])
        if role == "administrator":
            return UserFactory(is_staff=True, is_superuser=True)
        raise ValueError(role)

    return make
