"""A realistic year for the benchmark: 300 public tasks and 40 calls this year, last year's programme with grants.

Run by bench/public_pages.py in its own process, on an empty, migrated database::

    DJANGO_SETTINGS_MODULE=bench.settings .venv/bin/python -m bench.seed

Deterministic (fixed random seed). Prints one JSON line: the year, the counts and the call to load.
With ``--describe`` it seeds nothing and prints that line for the data already there (``null`` if none).
"""

import datetime
import json
import os
import random
import sys
from decimal import Decimal

TASKS = 300
CALLS = 40
LAST_YEAR_CALLS = 14
SEED = 20250101

# How the 40 calls of the year are spread over the states (announced ones have future deadlines).
CALL_PLAN = [
    # status name, how many, offer deadline from now in days (range)
    ("ANNOUNCED", 10, (3, 40)),
    ("CLOSED", 4, (-6, -1)),
    ("IN_EVALUATION", 6, (-45, -7)),
    ("RESOLVED", 8, (-150, -50)),
    ("COMPLETED", 6, (-250, -150)),
    ("CANCELLED", 6, (-90, -10)),
]

# Relative weight of the spheres in a city programme (the rest get 1).
SPHERE_WEIGHTS = {"1": 8, "10": 5, "14": 7, "15": 6, "16": 9, "17": 12, "6": 6, "32": 5, "13": 4, "7": 5, "18": 3}
DISTRICTS = [
    "Centrum",
    "Zaborze",
    "Biskupice",
    "Mikulczyce",
    "Rokitnica",
    "Helenka",
    "Pawłów",
    "Maciejów",
    "Grzybowice",
    "Makoszowy",
    "Kończyce",
    "Osiedle Młodego Górnika",
]
STEMS = [
    "Organizacja zajęć",
    "Prowadzenie punktu wsparcia",
    "Warsztaty i szkolenia",
    "Kampania informacyjna",
    "Organizacja wydarzeń",
    "Wsparcie inicjatyw",
    "Prowadzenie świetlicy",
    "Program całoroczny",
]
ORGANISATION_NAMES = [
    "Stowarzyszenie „Razem dla Zabrza”",
    "Fundacja Dzieci Śląska",
    "Klub Sportowy „Sokół”",
    "Uczniowski Klub Sportowy „Orlik”",
    "Stowarzyszenie Seniorów „Złota Jesień”",
    "Fundacja Zdrowia Psychicznego „Most”",
    "Stowarzyszenie Kulturalne „Gwarki”",
    "Polski Komitet Pomocy Społecznej — Koło Zabrze",
    "Fundacja Ekologiczna „Zielone Zabrze”",
    "Stowarzyszenie Osób Niepełnosprawnych „Krok”",
    "Caritas Parafii św. Anny",
    "Ochotnicza Straż Pożarna Zabrze-Mikulczyce",
]


def task_tuples(rng, spheres):
    """300 (number, title, sphere_code, form, mode, funds, quarter) rows, numbered within their sphere."""
    from calls.enums import TaskForm, TaskMode

    codes = [s.code for s in spheres]
    weights = [SPHERE_WEIGHTS.get(code, 1) for code in codes]
    picked = sorted(rng.choices(range(len(codes)), weights=weights, k=TASKS))
    names = {s.code: s.name_pl for s in spheres}
    rows = []
    counter = {}
    for index in picked:
        code = codes[index]
        counter[code] = counter.get(code, 0) + 1
        number = f"{index + 1}.{counter[code]}"
        topic = names[code].split(",")[0][:90]
        title = f"{rng.choice(STEMS)} w zakresie: {topic} — {rng.choice(DISTRICTS)}"
        form = TaskForm.ENTRUSTING if rng.random() < 0.15 else TaskForm.SUPPORTING
        mode = rng.choices([TaskMode.OPEN_COMPETITION, TaskMode.SMALL_GRANT, TaskMode.OTHER], weights=[80, 15, 5], k=1)[
            0
        ]
        funds = f"{rng.randrange(5, 400) * 1000}.00"
        rows.append((number, title, code, form, mode, funds, rng.randint(1, 4)))
    return rows


def organisations():
    from django.utils import timezone

    from organisations.enums import LegalForm
    from organisations.models import Organisation

    result = []
    for i, name in enumerate(ORGANISATION_NAMES, start=1):
        form = LegalForm.SPORTS_CLUB if "Klub" in name else LegalForm.ASSOCIATION
        org, _ = Organisation.objects.get_or_create(
            name=name,
            defaults={
                "legal_form": form,
                "city": "Zabrze",
                "email": f"bench{i}@ngo.pozytek.local",
                "verified_at": timezone.now(),
            },
        )
        result.append(org)
    return result


def offers(rng, call, orgs, *, granted):
    """Two to five offers in a call; in a resolved call most of them hold a grant."""
    from applications.enums import ApplicationStatus
    from applications.models import Application

    for org in rng.sample(orgs, rng.randint(2, 5)):
        requested = (call.funds * Decimal(rng.randint(15, 45)) / 100).quantize(Decimal("0.01"))
        holds = granted and rng.random() < 0.75
        Application.objects.create(
            call=call,
            organisation=org,
            title=f"{call.task.title} — {org.name}",
            status=(ApplicationStatus.SETTLED if holds else ApplicationStatus.NOT_AWARDED)
            if granted
            else ApplicationStatus.SUBMITTED,
            requested_amount=requested,
            awarded_amount=(requested * Decimal("0.9")).quantize(Decimal("0.01")) if holds else None,
        )


def seed(*, with_pdf=True):
    from django.db import transaction
    from django.utils import timezone

    from calls.enums import CallStatus, TaskMode
    from core.demo import _aware, make_call, make_programme
    from organisations.models import Sphere

    rng = random.Random(SEED)
    today = timezone.localdate()
    year = today.year
    with transaction.atomic():
        spheres = list(Sphere.objects.order_by("position"))
        rows = task_tuples(rng, spheres)
        orgs = organisations()
        _, tasks = make_programme(year, tasks=rows)
        _, last_tasks = make_programme(year - 1, tasks=rows)

        candidates = [t for t in tasks if t.mode != TaskMode.OTHER]
        chosen = rng.sample(candidates, CALLS)
        plan = [(getattr(CallStatus, name), days) for name, count, days in CALL_PLAN for _ in range(count)]
        # Four tasks whose call was cancelled are announced again: a second call on the same task.
        cancelled = [i for i, (status, _) in enumerate(plan) if status == CallStatus.CANCELLED][:4]
        announced = [i for i, (status, _) in enumerate(plan) if status == CallStatus.ANNOUNCED][-4:]
        for i, j in zip(cancelled, announced, strict=True):
            chosen[j] = chosen[i]

        calls = []
        for task, (status, (low, high)) in zip(chosen, plan, strict=True):
            day = today + datetime.timedelta(days=rng.randint(low, high))
            funds = task.planned_funds if rng.random() < 0.7 else (task.planned_funds / 2).quantize(Decimal("0.01"))
            call = make_call(task, status=status, deadline=_aware(day, 15, 30), funds=funds, with_pdf=with_pdf)
            if status in (CallStatus.RESOLVED, CallStatus.COMPLETED):
                offers(rng, call, orgs, granted=True)
            elif status in (CallStatus.CLOSED, CallStatus.IN_EVALUATION):
                offers(rng, call, orgs, granted=False)
            calls.append(call)

        # Last year: completed calls in the spheres of this year's open calls (same-type grants), and a few more.
        open_calls = [c for c in calls if c.status == CallStatus.ANNOUNCED]
        by_number = {t.number: t for t in last_tasks}
        last = [by_number[c.task.number] for c in open_calls]
        last += rng.sample([t for t in last_tasks if t not in last], LAST_YEAR_CALLS - len(last))
        for task in dict.fromkeys(last):
            day = datetime.date(year - 1, rng.randint(1, 6), rng.randint(1, 28))
            call = make_call(
                task,
                status=CallStatus.COMPLETED,
                deadline=_aware(day, 15, 30),
                funds=task.planned_funds,
                with_pdf=False,
            )
            offers(rng, call, orgs, granted=True)

    target = min(open_calls, key=lambda c: c.offer_deadline)
    return {
        "year": year,
        "tasks": len(tasks),
        "calls": len(calls),
        "last_year_calls": len(dict.fromkeys(last)),
        "call_pk": target.pk,
    }


def describe():
    """What an earlier run seeded (the same JSON as ``seed``), or ``None`` when this year is not there."""
    from django.utils import timezone

    from calls.enums import CallStatus
    from calls.models import Call, PublicTask

    year = timezone.localdate().year
    calls = Call.objects.filter(task__programme__year=year)
    target = (
        calls.filter(status=CallStatus.ANNOUNCED, offer_deadline__gt=timezone.now()).order_by("offer_deadline").first()
    )
    tasks = PublicTask.objects.filter(programme__year=year).count()
    if not tasks or target is None:
        return None
    return {"year": year, "tasks": tasks, "calls": calls.count(), "call_pk": target.pk}


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    if "--describe" in sys.argv[1:]:
        print(json.dumps(describe()))
    else:
        print(json.dumps(seed(with_pdf="--no-pdf" not in sys.argv[1:])))


if __name__ == "__main__":
    main()
