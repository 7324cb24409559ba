"""Demo small grants (art. 19a) for `make run`: one offer in each step of the procedure.

Call ``seed_demo(organisations=...)`` after ``core.demo.load_demo`` (it needs the demo organisations and
the programme of the year the tasks start in). Idempotent: nothing is added when small grants exist.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from calls.models import AnnualProgramme
from core.transitions import record_change
from organisations.models import Sphere

from .content import DECLARATIONS
from .documents import store_offer_document
from .enums import CommentStatus, SmallGrantStatus
from .models import SmallGrant, SmallGrantComment

GRANTS = [
    # (title, status, grant, days since submission, sphere code)
    ("Piknik rodzinny na Zandce", SmallGrantStatus.DRAFT, Decimal("6500.00"), None, "17"),
    ("Warsztaty pierwszej pomocy dla seniorów", SmallGrantStatus.SUBMITTED, Decimal("4800.00"), 2, "6"),
    ("Sprzątanie brzegów Bytomki", SmallGrantStatus.PUBLISHED, Decimal("3200.00"), 6, "18"),
    ("Turniej szachowy dla dzieci", SmallGrantStatus.COMMENTS_CLOSED, Decimal("2500.00"), 20, "17"),
]


def _content(start, end, grant):
    amount = f"{grant:.2f}".replace(".", ",")
    own = Decimal("300.00")
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "contact": {"name": "Anna Nowak", "phone": "+48 32 000 00 00", "email": "anna.nowak@ngo.pozytek.local"},
        "task": {
            "synopsis": "Lokalne wydarzenie dla mieszkańców dzielnicy, przygotowane z radą osiedla.",
            "place": "Zabrze",
            "target_group": "Mieszkańcy dzielnicy, ok. 150 osób.",
            "results": "Udział co najmniej 150 osób; relacja na stronie organizacji.",
        },
        "activities": [
            {
                "name": "Przygotowanie",
                "description": "Zakupy i promocja.",
                "start": start.isoformat(),
                "end": start.isoformat(),
            },
            {
                "name": "Wydarzenie",
                "description": "Realizacja zadania.",
                "start": start.isoformat(),
                "end": end.isoformat(),
            },
        ],
        "lines": [
            {
                "name": "Materiały i usługi",
                "unit": "komplet",
                "unit_cost": f"{grant + own:.2f}".replace(".", ","),
                "quantity": "1",
                "grant": amount,
                "other": f"{own:.2f}".replace(".", ","),
            }
        ],
        "sources": {
            "grant": amount,
            "own_financial": f"{own:.2f}".replace(".", ","),
            "own_non_financial": "",
            "fees": "",
        },
        "other": {"information": ""},
        "declarations": {name: True for name in DECLARATIONS},
    }


def seed_demo(*, organisations, today=None):
    """Four small grants of ``organisations`` (cycled): draft, submitted, published with comments, comments
    closed. Returns how many were created."""
    if SmallGrant.objects.exists() or not organisations:
        return 0
    today = today or timezone.localdate()
    now = timezone.now()
    created = 0
    for index, (title, status, grant, days_ago, sphere) in enumerate(GRANTS):
        start = today + datetime.timedelta(days=30)
        end = start + datetime.timedelta(days=20)
        programme = AnnualProgramme.objects.filter(year=start.year).first()
        if programme is None:
            continue
        fields = {}
        if days_ago is not None:
            submitted = now - datetime.timedelta(days=days_ago)
            fields |= {
                "submitted_at": submitted,
                "publish_by": timezone.localdate(submitted) + datetime.timedelta(days=9),
            }
        if status in (SmallGrantStatus.PUBLISHED, SmallGrantStatus.COMMENTS_CLOSED):
            published = now - datetime.timedelta(days=days_ago - 1)
            until = timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(published) + datetime.timedelta(days=7), datetime.time.max)
            )
            fields |= {"published_at": published, "comments_until": until}
        small_grant = SmallGrant.objects.create(
            organisation=organisations[index % len(organisations)],
            programme=programme,
            sphere=Sphere.objects.get(code=sphere),
            title=title,
            status=status,
            realisation_start=start,
            realisation_end=end,
            requested_amount=grant,
            content=_content(start, end, grant),
            **fields,
        )
        record_change(small_grant, transition="create", from_state="", to_state=SmallGrantStatus.DRAFT, actor=None)
        if days_ago is not None:
            store_offer_document(small_grant)
            record_change(small_grant, transition="submit", from_state="draft", to_state="submitted", actor=None)
        if "published_at" in fields:
            record_change(small_grant, transition="publish", from_state="submitted", to_state="published", actor=None)
            SmallGrantComment.objects.create(
                small_grant=small_grant,
                author_name="Mieszkanka osiedla",
                text="Bardzo potrzebna inicjatywa, chętnie pomożemy.",
                status=CommentStatus.APPROVED,
                moderated_at=now,
            )
            SmallGrantComment.objects.create(
                small_grant=small_grant, author_name="Jan", text="Czy będzie można zabrać psa?"
            )
        if status == SmallGrantStatus.COMMENTS_CLOSED:
            record_change(
                small_grant, transition="close_comments", from_state="published", to_state="comments_closed", actor=None
            )
        created += 1
    return created
