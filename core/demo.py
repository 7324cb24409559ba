"""Demo data: a year's programme, calls in every state, organisations and documented accounts.

Used by ``manage.py demo_data`` (``make run``) and by the benchmark. Idempotent per year.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from applications.completeness import DECLARATIONS
from applications.documents import store_submission_documents
from applications.enums import ApplicationStatus
from applications.models import Application, ApplicationVersion
from calls.enums import CallStatus, TaskForm, TaskMode
from calls.models import AnnualProgramme, Call, PublicTask
from calls.services import call_announcement_pdf, criteria_sync_statutory
from core.models import StoredDocument
from core.roles import APPROVER, OFFICIAL
from evaluation.enums import EvaluationStatus, MemberRole
from evaluation.models import CommitteeMember, Evaluation
from notifications.models import MediaOutlet
from organisations.enums import LegalForm, MembershipRole, RegisterType
from organisations.models import Membership, Organisation, Sphere

DEMO_PASSWORD = "pozytek-demo"

# username, first name, last name, staff role (group), organisation index (membership)
DEMO_ACCOUNTS = [
    ("admin", "Adam", "Administrator", None, None),
    ("urzednik", "Urszula", "Urzędniczka", OFFICIAL, None),
    ("prezydent", "Piotr", "Prezydent", APPROVER, None),
    ("komisja1", "Katarzyna", "Komisyjna", OFFICIAL, None),
    ("komisja2", "Kamil", "Nominowany", None, 2),
    ("ngo1", "Natalia", "Społeczna", None, 0),
    ("ngo2", "Norbert", "Sportowy", None, 1),
]

ORGANISATIONS = [
    (
        "Stowarzyszenie Pomocy Sąsiedzkiej „Razem”",
        LegalForm.ASSOCIATION,
        "0000123456",
        "1234563218",
        "123456785",
        ["1", "10", "13"],
    ),
    ("Klub Sportowy „Górnik Młodzież”", LegalForm.SPORTS_CLUB, "0000234567", "5260250274", "850518457", ["17", "15"]),
    ("Fundacja Zdrowie i Ekologia", LegalForm.FOUNDATION, "0000345678", "", "", ["6", "18"]),
    ("Stowarzyszenie Kulturalne „Śląska Łódź”", LegalForm.ORDINARY_ASSOCIATION, "", "", "", ["16", "4"]),
]

TASKS = [
    # number, title, sphere, form, mode, planned funds, quarter
    ("1", "Aktywizacja seniorów w dzielnicach", "10", TaskForm.SUPPORTING, TaskMode.OPEN_COMPETITION, "120000.00", 1),
    ("2", "Wypoczynek letni dzieci i młodzieży", "15", TaskForm.SUPPORTING, TaskMode.OPEN_COMPETITION, "250000.00", 2),
    (
        "3",
        "Szkolenie sportowe dzieci i młodzieży",
        "17",
        TaskForm.SUPPORTING,
        TaskMode.OPEN_COMPETITION,
        "800000.00",
        1,
    ),
    (
        "4",
        "Profilaktyka uzależnień — zajęcia pozalekcyjne",
        "32",
        TaskForm.ENTRUSTING,
        TaskMode.OPEN_COMPETITION,
        "180000.00",
        1,
    ),
    (
        "5",
        "Prowadzenie schroniska dla osób bezdomnych",
        "1",
        TaskForm.ENTRUSTING,
        TaskMode.OPEN_COMPETITION,
        "650000.00",
        4,
    ),
    (
        "6",
        "Edukacja ekologiczna i ochrona zwierząt",
        "18",
        TaskForm.SUPPORTING,
        TaskMode.OPEN_COMPETITION,
        "60000.00",
        2,
    ),
    ("7", "Festiwal kultury śląskiej", "16", TaskForm.SUPPORTING, TaskMode.OPEN_COMPETITION, "90000.00", 2),
    ("8", "Małe inicjatywy lokalne (art. 19a)", "13", TaskForm.SUPPORTING, TaskMode.SMALL_GRANT, "100000.00", 2),
    (
        "9",
        "Promocja zdrowia psychicznego młodzieży",
        "6",
        TaskForm.SUPPORTING,
        TaskMode.OPEN_COMPETITION,
        "75000.00",
        3,
    ),
    ("10", "Integracja cudzoziemców", "5a", TaskForm.SUPPORTING, TaskMode.OPEN_COMPETITION, "40000.00", 3),
    ("11", "Wolontariat w mieście", "27", TaskForm.SUPPORTING, TaskMode.OTHER, "20000.00", 4),
    ("12", "Nieodpłatna pomoc prawna", "1b", TaskForm.ENTRUSTING, TaskMode.OTHER, "300000.00", 1),
]


def _aware(date, hour=12, minute=0):
    return timezone.make_aware(datetime.datetime.combine(date, datetime.time(hour, minute)))


def demo_accounts(organisations):
    User = get_user_model()
    for username, first, last, role, org_index in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@pozytek.local"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if username == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        if role:
            user.groups.add(Group.objects.get(name=role))
        if org_index is not None:
            Membership.objects.get_or_create(
                user=user,
                organisation=organisations[org_index],
                defaults={"role": MembershipRole.ADMIN, "confirmed_at": timezone.now()},
            )


def demo_organisations():
    spheres = {s.code: s for s in Sphere.objects.all()}
    result = []
    for i, (name, form, krs, nip, regon, codes) in enumerate(ORGANISATIONS, start=1):
        org, created = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": form,
                "krs": krs,
                "nip": nip,
                "regon": regon,
                # without a KRS number: the city's register of ordinary associations
                "register_type": RegisterType.KRS if krs else RegisterType.LOCAL_REGISTER,
                "register_number": "" if krs else f"SZ.512.{i}.2019",
                "city": "Zabrze",
                "email": f"org{i}@ngo.pozytek.local",
                "verified_at": timezone.now(),
            },
        )
        if created:
            org.spheres.set([spheres[c] for c in codes])
        result.append(org)
    return result


def call_fields(task, *, deadline, published, funds):
    """Every art. 13 item of a call, filled in the way a real announcement would be."""
    return {
        "task": task,
        "title": task.title,
        "task_type": f"Zadanie publiczne z zakresu: {task.sphere.name_pl}. {task.title}.",
        "funds": funds,
        "award_rules": (
            "Dotacje przyznaje Prezydent Miasta po zapoznaniu się z opinią komisji konkursowej. "
            "Złożenie oferty nie gwarantuje przyznania dotacji ani przyznania jej we wnioskowanej wysokości."
        ),
        "realisation_start": deadline.date() + datetime.timedelta(days=30),
        "realisation_end": deadline.date() + datetime.timedelta(days=200),
        "realisation_conditions": "Zadanie realizowane na terenie miasta, dla jego mieszkańców, z zapewnieniem dostępności.",
        "offer_deadline": deadline,
        "procedure": "Oceny formalnej dokonuje Centrum Organizacji Pozarządowych, oceny merytorycznej komisja konkursowa.",
        "decision_by": deadline.date() + datetime.timedelta(days=21),
        "max_grant_share_percent": Decimal("90.00") if task.form == TaskForm.SUPPORTING else None,
        "max_admin_cost_percent": Decimal("10.00"),
        "min_score": Decimal("30.00"),
        "published_bip_at": published,
        "published_board_at": published,
        "published_website_at": published,
    }


def make_call(task, *, status, deadline, funds, with_pdf=True):
    """A call created directly in ``status`` (demo and benchmark data, not a workflow step)."""
    published = deadline - datetime.timedelta(days=28)
    call = Call(status=status, **call_fields(task, deadline=deadline, published=published, funds=funds))
    if status != CallStatus.DRAFT:
        call.announced_at = published
    if status == CallStatus.CANCELLED:
        call.cancellation_ground = "no_offers"
    call.save()
    criteria_sync_statutory(call=call)
    if with_pdf and status != CallStatus.DRAFT:
        call.announcement = StoredDocument.store(kind="call_announcement", content=call_announcement_pdf(call))
        call.save(update_fields=["announcement"])
    return call


def make_programme(year, *, tasks=TASKS):
    programme, _ = AnnualProgramme.objects.get_or_create(
        year=year,
        defaults={
            "title": f"Roczny program współpracy Miasta Zabrze z organizacjami pozarządowymi na rok {year}",
            "resolution": f"Uchwała nr {year - 2000 + 20}/{year - 1} Rady Miasta Zabrze",
            "adopted_on": datetime.date(year - 1, 11, 24),
            "objectives": "Budowanie partnerstwa między samorządem a organizacjami pozarządowymi.",
        },
    )
    spheres = {s.code: s for s in Sphere.objects.all()}
    created = []
    for number, title, code, form, mode, funds, quarter in tasks:
        task, _ = PublicTask.objects.get_or_create(
            programme=programme,
            number=number,
            defaults={
                "title": title,
                "sphere": spheres[code],
                "form": form,
                "mode": mode,
                "planned_funds": Decimal(funds),
                "planned_quarter": quarter,
            },
        )
        created.append(task)
    return programme, created


def demo_offer_content(call, organisation, grant):
    """Offer content (sections II–VII) with nothing blocking submission: one activity in the call's
    window, costs that add up, the grant within the call's share cap."""
    start, end = call.realisation_start, call.realisation_end
    total = (grant / Decimal("0.85")).quantize(Decimal("1"))
    own = total - grant
    return {
        "contact": {"name": "Natalia Społeczna", "phone": "+48 32 100 20 30", "email": "biuro@razem.pozytek.local"},
        "task": {
            "synopsis": f"Zajęcia dla mieszkańców prowadzone przez {organisation.name}.",
            "place": "Zabrze, domy kultury w dzielnicach",
            "target_group": "Mieszkańcy Zabrza.",
            "results": "Co najmniej 60 uczestników regularnych zajęć.",
            "activities": [
                {
                    "name": "Zajęcia grupowe",
                    "description": "Cotygodniowe spotkania w dzielnicach.",
                    "start": start.isoformat(),
                    "end": end.isoformat(),
                }
            ],
        },
        "offeror": {"experience": "Działamy w Zabrzu od 2012 r.", "resources": "Trzech instruktorów, sale."},
        "budget": {
            "lines": [
                {
                    "activity": "1",
                    "name": "Wynagrodzenie instruktorów",
                    "unit": "godz.",
                    "unit_cost": str(total / 100).replace(".", ","),
                    "quantity": "100",
                    "grant": str(grant).replace(".", ","),
                    "own_financial": str(own).replace(".", ","),
                }
            ],
            "sources": {"grant": str(grant).replace(".", ","), "own_financial": str(own).replace(".", ",")},
        },
        "other": {"payment": "free", "information": ""},
        "declarations": dict.fromkeys(DECLARATIONS, True),
    }


def make_offer(call, organisation, *, status, grant, submitted_at=None):
    """An offer created directly in ``status`` with full content and, once submitted, its frozen PDFs."""
    application = Application.objects.create(
        call=call,
        organisation=organisation,
        title=f"{call.task.title} — {organisation.name}",
        status=status,
        requested_amount=grant,
        content=demo_offer_content(call, organisation, grant),
    )
    if status != ApplicationStatus.DRAFT:
        application.submitted_at = submitted_at or call.offer_deadline - datetime.timedelta(days=3)
        application.confirmation_number = f"{application.submitted_at.year}/{call.pk}/{application.pk:05d}"
        application.save(update_fields=["submitted_at", "confirmation_number"])
        offer, confirmation = store_submission_documents(application)
        ApplicationVersion.objects.create(
            application=application,
            number=1,
            title=application.title,
            requested_amount=grant,
            content=application.content,
            submitted_at=application.submitted_at,
            offer_document=offer,
            confirmation_document=confirmation,
        )
    return application


def make_committee(call, *, nominating):
    """The call's committee with scoring open: komisja1 (an official) chairs, komisja2 is an NGO nominee.
    Neither has signed the impartiality declaration yet: that is the first thing they do."""
    users = get_user_model().objects.in_bulk(["komisja1", "komisja2"], field_name="username")
    evaluation = Evaluation.objects.create(call=call, status=EvaluationStatus.SCORING, scoring_opened_at=timezone.now())
    CommitteeMember.objects.create(
        evaluation=evaluation, user=users["komisja1"], role=MemberRole.OFFICIAL, is_chair=True
    )
    CommitteeMember.objects.create(
        evaluation=evaluation, user=users["komisja2"], role=MemberRole.NGO_NOMINEE, nominated_by=nominating
    )
    return evaluation


@transaction.atomic
def load_demo(*, today=None):
    """Create the demo world around ``today`` (default: now). Returns False if it already exists."""
    today = today or timezone.localdate()
    year = today.year
    if AnnualProgramme.objects.filter(year=year).exists():
        return False
    organisations = demo_organisations()
    demo_accounts(organisations)
    MediaOutlet.objects.get_or_create(
        name="Nasze Miasto Zabrze", defaults={"email": "redakcja@media.pozytek.local", "consent_at": timezone.now()}
    )
    MediaOutlet.objects.get_or_create(
        name="Radio Piekary", defaults={"email": "newsroom@radio.pozytek.local", "consent_at": timezone.now()}
    )

    # Last year: resolved calls with grants, so this year's announcements state same-type grants.
    _, last_tasks = make_programme(year - 1)
    for task in last_tasks[:6]:
        call = make_call(
            task,
            status=CallStatus.COMPLETED,
            deadline=_aware(datetime.date(year - 1, 2, 15), 15, 30),
            funds=task.planned_funds,
        )
        for org in organisations[:2]:
            Application.objects.create(
                call=call,
                organisation=org,
                title=f"{task.title} — {org.name}",
                status=ApplicationStatus.SETTLED,
                requested_amount=task.planned_funds / 3,
                awarded_amount=(task.planned_funds / 4).quantize(Decimal("0.01")),
            )

    _, tasks = make_programme(year)
    now = timezone.now()
    plan = [
        (tasks[0], CallStatus.COMPLETED, now - datetime.timedelta(days=300)),
        (tasks[1], CallStatus.RESOLVED, now - datetime.timedelta(days=120)),
        (tasks[2], CallStatus.IN_EVALUATION, now - datetime.timedelta(days=20)),
        (tasks[3], CallStatus.CLOSED, now - datetime.timedelta(days=2)),
        (tasks[4], CallStatus.ANNOUNCED, now + datetime.timedelta(days=12)),
        (tasks[5], CallStatus.ANNOUNCED, now + datetime.timedelta(days=2, hours=5)),
        (tasks[6], CallStatus.CANCELLED, now - datetime.timedelta(days=60)),
        (tasks[8], CallStatus.DRAFT, now + datetime.timedelta(days=40)),
    ]
    for task, status, deadline in plan:
        deadline = deadline.replace(minute=0, second=0, microsecond=0)
        call = make_call(task, status=status, deadline=deadline, funds=task.planned_funds)
        if status == CallStatus.IN_EVALUATION:  # two offers passed the formal check, the committee scores
            for org, grant in ((organisations[0], Decimal("40000.00")), (organisations[1], Decimal("35000.00"))):
                make_offer(call, org, status=ApplicationStatus.FORMALLY_ACCEPTED, grant=grant)
            make_committee(call, nominating=organisations[2])
        if status == CallStatus.CLOSED:  # offers waiting for the formal check
            for org, grant in ((organisations[0], Decimal("20000.00")), (organisations[1], Decimal("18000.00"))):
                make_offer(call, org, status=ApplicationStatus.SUBMITTED, grant=grant)
        if status == CallStatus.ANNOUNCED and task is tasks[4]:  # a draft being written
            make_offer(call, organisations[0], status=ApplicationStatus.DRAFT, grant=Decimal("15000.00"))
        if status in (CallStatus.RESOLVED, CallStatus.COMPLETED):
            Application.objects.create(
                call=call,
                organisation=organisations[0],
                title=task.title,
                status=ApplicationStatus.IN_REALISATION,
                requested_amount=task.planned_funds,
                awarded_amount=task.planned_funds * Decimal("0.8"),
            )
    make_programme(year + 1, tasks=TASKS[:6])
    _realisation_demo(organisations, today=today)
    return True


def _realisation_demo(organisations, *, today):
    """Small grants, agreements of the offers in realisation, their final reports, and last year's
    programme report published (imported here: those apps build on ``core``)."""
    from django.contrib.auth import get_user_model

    from agreements.demo import seed_demo as agreements_demo
    from reporting.annual import programme_report_publish
    from reporting.demo import seed_demo as reports_demo
    from smallgrants.demo import seed_demo as small_grants_demo

    small_grants_demo(organisations=organisations, today=today)
    agreements_demo(today=today)
    reports_demo(today=today)
    official = get_user_model().objects.get(username="urzednik")
    programme_report_publish(programme=AnnualProgramme.objects.get(year=today.year - 1), actor=official)
