"""Shared helpers for the calls tests: the expected transition table, actors, calls in a state, DB snapshots."""

import datetime
import subprocess
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from calls.enums import CallStatus
from calls.models import AnnualProgramme, Call, Criterion, PublicTask
from core.models import LegalParameter, StatusChange, StoredDocument
from notifications.models import OutboxMessage
from tests.factories import CallFactory

WARSAW = ZoneInfo("Europe/Warsaw")

STATES = [s.value for s in CallStatus]
TRANSITIONS = ["announce", "close", "start_evaluation", "resolve", "complete", "cancel"]
ACTORS = ["anonymous", "ngo_member", "official", "approver", "administrator", "system"]

# The expected table, written out from ARCHITECTURE.md ("State machines", "Users and roles"):
# transition -> (states it may start from, who may run it, the state it leads to).
EXPECTED = {
    "announce": ({"draft"}, {"official"}, "announced"),
    "close": ({"announced"}, {"official", "system"}, "closed"),  # only once the deadline has passed
    "start_evaluation": ({"closed"}, {"official"}, "in_evaluation"),
    "resolve": ({"in_evaluation"}, {"approver"}, "resolved"),
    "complete": ({"resolved"}, {"official"}, "completed"),
    "cancel": ({"announced", "closed", "in_evaluation"}, {"official", "approver"}, "cancelled"),
}

CANCEL_BODY = {"ground": "no_offers", "reason": "Nie wpłynęła żadna oferta."}


def role_may(transition, role):
    return role in EXPECTED[transition][1]


def state_allows(transition, state):
    return state in EXPECTED[transition][0]


def expected_available(state, role, *, deadline_passed=True):
    """The transitions ``role`` may run on a call in ``state``: closing and cancelling (art. 18a) need
    the deadline to have passed."""
    allowed = {t for t in TRANSITIONS if state_allows(t, state) and role_may(t, role)}
    return allowed if deadline_passed else allowed - {"close", "cancel"}


def actor_of(role, user_of_role):
    """A service actor: ``None`` is the scheduler ("system"); an anonymous visitor is ``AnonymousUser``."""
    if role == "system":
        return None
    if role == "anonymous":
        return AnonymousUser()
    return user_of_role(role)


def local(year, month, day, hour=12, minute=0, second=0, fold=0):
    """An aware datetime on the Warsaw wall clock."""
    return datetime.datetime(year, month, day, hour, minute, second, fold=fold, tzinfo=WARSAW)


def call_in_state(state, **kwargs):
    """A complete call in ``state``.

    A draft is announceable now (published yesterday, deadline in 30 days); any other call was
    published 40 days ago and its deadline passed 10 days ago, as it would have in real life.
    """
    if state != CallStatus.DRAFT and "published_bip_at" not in kwargs:
        published = timezone.now() - datetime.timedelta(days=40)
        kwargs.setdefault("published_bip_at", published)
        kwargs.setdefault("offer_deadline", published + datetime.timedelta(days=30))
    return CallFactory(status=state, **kwargs)


def status_changes(obj):
    return StatusChange.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk)


def stored_status(call):
    return Call.objects.values_list("status", flat=True).get(pk=call.pk)


def db_snapshot():
    """Everything a refused write could have touched, in a comparable form."""
    return {
        "programmes": list(AnnualProgramme.objects.order_by("pk").values_list("pk", "year", "title", "updated_at")),
        "tasks": list(PublicTask.objects.order_by("pk").values_list("pk", "title", "planned_funds", "updated_at")),
        "calls": list(Call.objects.order_by("pk").values_list("pk", "status", "title", "updated_at")),
        "criteria": Criterion.objects.count(),
        "status_changes": StatusChange.objects.count(),
        "outbox": OutboxMessage.objects.count(),
        "documents": StoredDocument.objects.count(),
        "legal_parameters": LegalParameter.objects.count(),
    }


def pdf_text(content: bytes) -> str:
    """The text of a PDF as ``pdftotext`` (poppler) extracts it, whitespace collapsed."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.pdf"
        path.write_bytes(content)
        result = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(result.stdout.decode("utf-8").split())


class World:
    """A programme, a task and one call in each state (drafts announceable, others past their deadline)."""

    def __init__(self):
        from tests.factories import ProgrammeFactory, TaskFactory

        self.programme = ProgrammeFactory()
        self.task = TaskFactory(programme=self.programme, title="Zadanie widoczne w programie")
        self.calls = {
            state: call_in_state(state, task=self.task, title=f"Konkurs w stanie {state}") for state in STATES
        }

    @property
    def draft(self):
        return self.calls["draft"]

    def call_for(self, transition):
        """A call in the state ``transition`` starts from (the first, for cancel)."""
        sources = EXPECTED[transition][0]
        return self.calls[next(s for s in STATES if s in sources)]

    def valid_programme(self, **overrides):
        return {"year": 2031, "title": "Program współpracy na rok 2031", **overrides}

    def valid_task(self, **overrides):
        return {
            "programme": self.programme.pk,
            "number": "9.1",
            "title": "Nowe zadanie publiczne",
            "sphere": self.task.sphere_id,
            "form": "supporting",
            "mode": "open_competition",
            "planned_funds": "25000.00",
            "planned_quarter": 3,
            **overrides,
        }

    def valid_call(self, **overrides):
        return {"task": self.task.pk, "title": "Nowy konkurs ofert", **overrides}
