"""Demo reports for `make run`: for the demo's signed agreements whose offer is reported, a submitted
final report waiting for review (its actual costs as planned, one line 5 % under); for settled
agreements, an accepted final report. Agreements still in realisation get nothing: their final report
shows as due (or overdue) on the panel and in the organisation's list.

Call ``seed_demo()`` after ``agreements.demo.seed_demo``. Idempotent: agreements with a final report are
skipped.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from agreements.enums import AgreementStatus
from agreements.models import Agreement
from applications.enums import ApplicationStatus
from core.transitions import record_change

from .content import initial_content, planned_activities, planned_indicators, planned_lines
from .enums import ReportKind, ReportStatus, ReviewOutcome
from .models import Report, ReportReview, ReportSubmission
from .services import final_report_due


def _amount(value):
    return f"{value:.2f}".replace(".", ",")


def demo_content(agreement):
    """The report content with every activity described and the actual costs as planned, except the
    first line, 5 % cheaper and paid less from the grant (so a small return is computed)."""
    content = initial_content(agreement)
    content["results"] = [
        {"achieved": row["planned_level"] or "zgodnie z planem", "source": "listy obecności"}
        for row in planned_indicators(agreement)
    ]
    content["results_text"] = "Zaplanowane rezultaty zostały osiągnięte."
    content["activities"] = [{"done": f"Zrealizowano: {row['name']}."} for row in planned_activities(agreement)]
    lines = []
    for index, line in enumerate(planned_lines(agreement)):
        total, grant = line.planned_total, line.planned_grant
        if index == 0 and total > 0:
            saved = (total * Decimal("0.05")).quantize(Decimal("0.01"))
            total, grant = total - saved, max(grant - saved, Decimal("0.00"))
        own = total - grant
        lines.append(
            {
                "total": _amount(total),
                "grant": _amount(grant),
                "own_financial": _amount(own),
                "own_non_financial": "",
                "beneficiary_fees": "",
            }
        )
    content["lines"] = lines
    content["contribution"] = "Praca wolontariuszy przy organizacji zajęć."
    return content


def seed_demo(*, today=None):
    """Final reports for the demo's reported and settled agreements; returns how many were made."""
    now = timezone.now()
    made = 0
    agreements = (
        Agreement.objects.filter(status__in=[AgreementStatus.SIGNED, AgreementStatus.SETTLED])
        .exclude(reports__kind=ReportKind.FINAL)
        .select_related("application")
        .order_by("pk")
    )
    with transaction.atomic():
        for agreement in agreements:
            settled = agreement.status == AgreementStatus.SETTLED
            reported = agreement.application_id and agreement.application.status == ApplicationStatus.REPORTED
            if not (settled or reported):
                continue
            content = demo_content(agreement)
            status = ReportStatus.ACCEPTED if settled else ReportStatus.SUBMITTED
            report = Report.objects.create(
                agreement=agreement,
                kind=ReportKind.FINAL,
                status=status,
                period_start=agreement.realisation_start,
                period_end=agreement.realisation_end,
                due_on=final_report_due(agreement),
                content=content,
                submitted_at=now,
                accepted_at=now if settled else None,
            )
            ReportSubmission.objects.create(report=report, number=1, content=content, submitted_at=now)
            record_change(
                report, transition="submit", from_state=ReportStatus.DRAFT, to_state=ReportStatus.SUBMITTED, actor=None
            )
            if settled:
                ReportReview.objects.create(report=report, outcome=ReviewOutcome.ACCEPTED, reviewed_at=now)
                record_change(
                    report,
                    transition="accept",
                    from_state=ReportStatus.SUBMITTED,
                    to_state=ReportStatus.ACCEPTED,
                    actor=None,
                )
            made += 1
    return made
