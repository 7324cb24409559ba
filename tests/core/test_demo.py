"""The demo world of `make run`: every state a visitor can explore, including offers to check and score."""

import pytest

from applications.completeness import offer_blockers
from applications.models import Application
from calls.models import Call
from core.demo import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_holds_calls_in_every_state_and_complete_offers_with_their_pdfs():
    assert load_demo() is True
    assert load_demo() is False  # idempotent per year
    statuses = set(Call.objects.values_list("status", flat=True))
    assert {"draft", "announced", "closed", "in_evaluation", "resolved", "completed", "cancelled"} <= statuses
    offers = Application.objects.filter(content__has_key="task")
    assert sorted(offers.values_list("status", flat=True)) == [
        "draft",
        "formally_accepted",
        "formally_accepted",
        "submitted",
        "submitted",
    ]
    assert Call.objects.get(status="in_evaluation").evaluation.members.count() == 2
    for offer in offers:
        assert offer_blockers(offer) == [], offer
        if offer.status != "draft":
            assert offer.offer_document.read().startswith(b"%PDF")
            assert offer.versions.get().offer_document_id == offer.offer_document_id


def test_the_demo_carries_offers_through_agreements_reports_small_grants_and_last_years_report():
    from django.utils import timezone

    from agreements.models import Agreement
    from reporting.models import ProgrammeReport, Report
    from smallgrants.models import SmallGrant

    load_demo()
    agreements = Agreement.objects.all()
    assert {"signed", "settled"} <= set(agreements.values_list("status", flat=True))
    assert all(a.document.read().startswith(b"%PDF") for a in agreements.filter(status="signed"))
    assert Report.objects.filter(kind="final", status="accepted").exists()
    assert {"draft", "submitted", "published", "comments_closed"} <= set(
        SmallGrant.objects.values_list("status", flat=True)
    )
    published = ProgrammeReport.objects.get(programme__year=timezone.localdate().year - 1)
    assert published.published_at and published.document.read().startswith(b"%PDF")
