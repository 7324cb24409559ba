"""The report on the annual programme's implementation — *sprawozdanie z realizacji rocznego programu
współpracy* (art. 5a ust. 3): presented to the council and published by 31 May of the next year.

The figures are computed from the system's data for the programme's year (:func:`programme_report_figures`,
a bounded number of aggregate queries whatever the number of calls and offers). An official publishes
them (:func:`programme_report_publish`): the figures are frozen in ``ProgrammeReport.data``, the PDF is
stored, media outlets that want results are told. Until then the public page shows the live figures
marked provisional. Officials are reminded before the due date (:func:`programme_report_reminders_write`,
run by beat from ``reporting.annual_tasks``).

What is counted (the programme's calls, offers and small grants; drafts are never counted):
- calls: every call of the programme's tasks that left the draft state, by status; those announced
  in the year (Europe/Warsaw);
- offers received: submitted and not withdrawn; formally rejected; awarded: holding a grant
  (``GRANTED_STATES``) or terminated after the agreement (the grant was awarded);
- funds planned (the tasks' planned funds), awarded (offers' awarded amounts; small grants: the amount
  of their agreement), paid (tranches of the programme's agreements paid in the year), returned (every
  return recorded so far for the programme's agreements);
- by sphere of public benefit and by task; organisations (distinct applicants and grantees, offers and
  small grants together); small grants (received, published for comments, contracted, refused, amount).
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.models import Tranche
from applications.enums import GRANTED_STATES, SUBMITTED_STATES, ApplicationStatus
from applications.models import Application
from calls.enums import CallStatus
from calls.models import AnnualProgramme, Call, PublicTask
from core.enums import LegalParameterKey
from core.legal import legal_parameter
from core.models import StatusChange, StoredDocument
from core.money import pln
from core.pdf import render_pdf
from core.permissions import ALLOW, deny, require
from core.public_cache import bump_version
from core.roles import is_official, officials_with_email
from core.transitions import record_change
from notifications.media import RESULTS, media_notice_write, outlets_for
from notifications.services import outbox_write
from organisations.models import Sphere
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant

from .models import FundsReturn, ProgrammeReport

PDF_KIND = "programme_report"
ZERO = Decimal("0.00")
# Offers that were awarded a grant: holding one now, or terminated after the agreement was signed.
AWARDED_STATES = (*GRANTED_STATES, ApplicationStatus.TERMINATED)
# The keys of the figures that hold amounts (PLN): frozen as "1234.56" strings, read back as Decimal.
MONEY_KEYS = frozenset(
    {"planned", "awarded", "awarded_offers", "awarded_small_grants", "paid", "returned", "amount", "requested"}
)


def _money(expression, *, filter=None):  # noqa: A002 - the name Sum() uses
    return Coalesce(
        Sum(expression, filter=filter), Value(ZERO), output_field=DecimalField(max_digits=14, decimal_places=2)
    )


def _programme_agreements_q(programme, prefix="agreement__"):
    return Q(**{f"{prefix}application__call__task__programme": programme}) | Q(
        **{f"{prefix}small_grant__programme": programme}
    )


def programme_report_figures(*, programme):
    """The report's figures for ``programme``, computed now (amounts as ``Decimal``, exact to the grosz).

    A fixed number of aggregate queries (about a dozen), however many calls, offers and agreements the
    year had. The result is plain data (see :func:`figures_freeze` to store it as JSON).
    """
    year = programme.year
    calls = Call.objects.filter(task__programme=programme).exclude(status=CallStatus.DRAFT)
    by_status = dict(calls.values_list("status").annotate(n=Count("pk")).order_by())
    announced_in_year = calls.filter(announced_at__year=year).count()

    offers = Application.objects.filter(call__task__programme=programme)
    awarded_q = Q(status__in=AWARDED_STATES)
    offer_totals = offers.aggregate(
        received=Count("pk", filter=Q(status__in=SUBMITTED_STATES)),
        formally_rejected=Count("pk", filter=Q(status=ApplicationStatus.FORMALLY_REJECTED)),
        awarded=Count("pk", filter=awarded_q),
        not_awarded=Count("pk", filter=Q(status=ApplicationStatus.NOT_AWARDED)),
        terminated=Count("pk", filter=Q(status=ApplicationStatus.TERMINATED)),
        requested=_money("requested_amount", filter=Q(status__in=SUBMITTED_STATES)),
        amount=_money("awarded_amount", filter=awarded_q),
    )
    per_task = {
        row["call__task"]: row
        for row in offers.values("call__task")
        .annotate(
            received=Count("pk", filter=Q(status__in=SUBMITTED_STATES)),
            awarded_count=Count("pk", filter=awarded_q),
            awarded=_money("awarded_amount", filter=awarded_q),
        )
        .order_by()
    }
    calls_per_task = dict(calls.values_list("task").annotate(n=Count("pk")).order_by())

    small = SmallGrant.objects.filter(programme=programme)
    contracted_q = Q(status=SmallGrantStatus.CONTRACTED)
    small_amount = _money(Coalesce("agreement__grant_amount", "requested_amount"), filter=contracted_q)
    small_totals = small.aggregate(
        received=Count("pk", filter=~Q(status__in=[SmallGrantStatus.DRAFT, SmallGrantStatus.WITHDRAWN])),
        published=Count("pk", filter=Q(published_at__isnull=False)),
        contracted=Count("pk", filter=contracted_q),
        rejected=Count("pk", filter=Q(status=SmallGrantStatus.REJECTED)),
        amount=small_amount,
    )
    small_per_sphere = {
        row["sphere"]: row
        for row in small.values("sphere")
        .annotate(contracted=Count("pk", filter=contracted_q), amount=small_amount)
        .order_by()
    }

    paid = Tranche.objects.filter(
        _programme_agreements_q(programme), paid_on__year=year, paid_amount__isnull=False
    ).aggregate(total=_money("paid_amount"))["total"]
    returned = FundsReturn.objects.filter(_programme_agreements_q(programme), returned_amount__isnull=False).aggregate(
        total=_money("returned_amount")
    )["total"]

    applicants = set(offers.filter(status__in=SUBMITTED_STATES).values_list("organisation", flat=True).distinct())
    applicants |= set(
        small.exclude(status__in=[SmallGrantStatus.DRAFT, SmallGrantStatus.WITHDRAWN])
        .values_list("organisation", flat=True)
        .distinct()
    )
    grantees = set(offers.filter(awarded_q).values_list("organisation", flat=True).distinct())
    grantees |= set(small.filter(contracted_q).values_list("organisation", flat=True).distinct())

    tasks = list(PublicTask.objects.filter(programme=programme).select_related("sphere"))
    tasks.sort(key=lambda t: (t.planned_quarter, _natural(t.number), t.pk))
    task_rows = []
    spheres = {}
    for task in tasks:
        row = per_task.get(task.pk, {})
        task_row = {
            "number": task.number,
            "title": task.title,
            "sphere": task.sphere.code,
            "calls": calls_per_task.get(task.pk, 0),
            "offers_received": row.get("received", 0),
            "offers_awarded": row.get("awarded_count", 0),
            "planned": pln(task.planned_funds),
            "awarded": pln(row.get("awarded", ZERO)),
        }
        task_rows.append(task_row)
        sphere = spheres.setdefault(task.sphere_id, _sphere_row(task.sphere))
        sphere["planned"] += task_row["planned"]
        sphere["awarded_offers"] += task_row["awarded"]
        sphere["offers_received"] += task_row["offers_received"]
        sphere["offers_awarded"] += task_row["offers_awarded"]
    missing = set(small_per_sphere) - set(spheres)
    for sphere_obj in Sphere.objects.filter(pk__in=missing) if missing else []:
        spheres[sphere_obj.pk] = _sphere_row(sphere_obj)
    for sphere_id, row in small_per_sphere.items():
        spheres[sphere_id]["small_grants"] = row["contracted"]
        spheres[sphere_id]["awarded_small_grants"] = pln(row["amount"])
    sphere_rows = sorted(spheres.values(), key=lambda s: (s["position"], s["code"]))
    for row in sphere_rows:
        row["awarded"] = row["awarded_offers"] + row["awarded_small_grants"]
        del row["position"]

    planned = sum((t["planned"] for t in task_rows), ZERO)
    awarded_offers = pln(offer_totals["amount"])
    awarded_small = pln(small_totals["amount"])
    return {
        "year": year,
        "programme": {"title": programme.title, "resolution": programme.resolution},
        "computed_at": timezone.now().isoformat(),
        "calls": {
            "total": sum(by_status.values()),
            "announced_in_year": announced_in_year,
            "by_status": [
                {"status": status.value, "count": by_status[status.value]}
                for status in CallStatus
                if by_status.get(status.value)
            ],
        },
        "offers": {
            "received": offer_totals["received"],
            "formally_rejected": offer_totals["formally_rejected"],
            "awarded": offer_totals["awarded"],
            "not_awarded": offer_totals["not_awarded"],
            "terminated": offer_totals["terminated"],
            "requested": pln(offer_totals["requested"]),
        },
        "funds": {
            "planned": pln(planned),
            "awarded_offers": awarded_offers,
            "awarded_small_grants": awarded_small,
            "awarded": awarded_offers + awarded_small,
            "paid": pln(paid),
            "returned": pln(returned),
        },
        "spheres": sphere_rows,
        "tasks": task_rows,
        "organisations": {"applicants": len(applicants), "awarded": len(grantees)},
        "small_grants": {
            "received": small_totals["received"],
            "published": small_totals["published"],
            "contracted": small_totals["contracted"],
            "rejected": small_totals["rejected"],
            "amount": awarded_small,
        },
    }


def _natural(number):
    digits = "".join(ch for ch in number if "0" <= ch <= "9")
    return (int(digits) if digits else 0, number)


def _sphere_row(sphere):
    return {
        "code": sphere.code,
        "name_pl": sphere.name_pl,
        "name_en": sphere.name_en,
        "position": sphere.position,
        "planned": ZERO,
        "awarded_offers": ZERO,
        "awarded_small_grants": ZERO,
        "offers_received": 0,
        "offers_awarded": 0,
        "small_grants": 0,
    }


# --- frozen figures ---------------------------------------------------------------------------------


def figures_freeze(figures):
    """``figures`` as JSON-ready data: amounts become strings with two places ("1234.56")."""
    if isinstance(figures, dict):
        return {key: figures_freeze(value) for key, value in figures.items()}
    if isinstance(figures, list):
        return [figures_freeze(value) for value in figures]
    if isinstance(figures, Decimal):
        return f"{pln(figures):.2f}"
    return figures


def figures_thaw(data):
    """The inverse of :func:`figures_freeze`: the amounts back as ``Decimal``."""

    def thaw(value, key=None):
        if isinstance(value, dict):
            return {k: thaw(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [thaw(v) for v in value]
        if key in MONEY_KEYS and isinstance(value, str):
            return Decimal(value)
        return value

    return thaw(data)


def figures_for_display(figures):
    """Labels for codes (call statuses, sphere names in the current language), for templates."""
    labels = dict(CallStatus.choices)
    english = (translation.get_language() or "pl").startswith("en")
    shown = {**figures}
    shown["calls"] = {
        **figures["calls"],
        "by_status": [
            {**row, "label": labels.get(row["status"], row["status"])} for row in figures["calls"]["by_status"]
        ],
    }
    shown["spheres"] = [{**row, "name": row["name_en"] if english else row["name_pl"]} for row in figures["spheres"]]
    names = {row["code"]: row["name"] for row in shown["spheres"]}
    shown["tasks"] = [{**row, "sphere_name": names.get(row["sphere"], row["sphere"])} for row in figures["tasks"]]
    return shown


# --- reading ----------------------------------------------------------------------------------------


def programme_for_year(year):
    return AnnualProgramme.objects.filter(year=year).first()


def published_report(programme):
    """The programme's published report, or ``None``."""
    return (
        ProgrammeReport.objects.filter(programme=programme, published_at__isnull=False)
        .select_related("document", "published_by")
        .first()
    )


def report_figures(programme):
    """``(figures, report)``: the published figures and report, or the live figures and ``None``."""
    report = published_report(programme)
    if report is not None and report.data:
        return figures_thaw(report.data), report
    return programme_report_figures(programme=programme), None


def report_history(report):
    """The audit rows of ``report`` (publications), oldest first, labelled like ``core.transitions.history``."""
    if report is None:
        return []
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(ProgrammeReport), object_id=report.pk
        ).select_related("actor")
    )
    labels = {"": "", "unpublished": _("not published"), "published": _("published")}
    for change in changes:
        change.from_label = labels.get(change.from_state, change.from_state)
        change.to_label = labels.get(change.to_state, change.to_state)
    return changes


def due_date(programme):
    """When the report on ``programme`` is due (art. 5a ust. 3: by 31 May of the next year)."""
    year = programme.year + 1
    on = datetime.date(year, 1, 1)
    month = int(legal_parameter(LegalParameterKey.PROGRAMME_REPORT_DUE_MONTH, on=on))
    day = int(legal_parameter(LegalParameterKey.PROGRAMME_REPORT_DUE_DAY, on=on))
    return datetime.date(year, month, day)


# --- publishing -------------------------------------------------------------------------------------


def can_publish_programme_report(user, programme):
    """Officials publish the report once the programme's year has ended."""
    if not is_official(user):
        return deny(_("Only officials of the NGO Centre publish the programme report."))
    if timezone.localdate().year <= programme.year:
        return deny(
            _("The report on %(year)s can be published once the year has ended (from 1 January %(next)s).")
            % {"year": programme.year, "next": programme.year + 1}
        )
    return ALLOW


def report_context(programme, figures, *, report=None, charts=None):
    from .charts import programme_report_charts

    return {
        "programme": programme,
        "year": programme.year,
        "figures": figures_for_display(figures),
        "report": report,
        "provisional": report is None,
        "charts": charts if charts is not None else programme_report_charts(figures),
        "authority": settings.AUTHORITY_NAME,
        "office": settings.AUTHORITY_OFFICE,
        "due": due_date(programme),
    }


def programme_report_pdf(programme, figures, *, report=None):
    """The report as PDF bytes, in Polish (the official record whatever language the site is read in)."""
    with translation.override("pl"):
        return render_pdf("reporting/annual_report_pdf.html", report_context(programme, figures, report=report))


def programme_report_publish(*, programme, actor):
    """Publish the report on ``programme``: freeze the figures computed now, store the PDF, tell media.

    One transaction: the ``ProgrammeReport`` row (created, or refreshed when published again) with
    ``data``, ``document``, ``published_at`` and ``published_by``; a ``StatusChange`` row ("publish" or
    "republish"); one outbox row per media outlet that wants results (with its unsubscribe link, the PDF
    attached; once per programme: publishing again does not write to the media again); the public pages'
    cache refreshed on commit. Raises ``NotAllowed`` with the reason. Returns the report.
    """
    require(can_publish_programme_report(actor, programme))
    now = timezone.now()
    with transaction.atomic():
        # one publication at a time; the figures are those of the moment the lock is held
        AnnualProgramme.objects.select_for_update().get(pk=programme.pk)
        figures = programme_report_figures(programme=programme)
        report, _created = ProgrammeReport.objects.select_for_update().get_or_create(programme=programme)
        was_published = report.published_at is not None
        report.data = figures_freeze(figures)
        report.published_at = now
        report.published_by = actor
        report.document = StoredDocument.store(
            kind=PDF_KIND, content=programme_report_pdf(programme, figures, report=report)
        )
        report.save()
        record_change(
            report,
            transition="republish" if was_published else "publish",
            from_state="published" if was_published else "unpublished",
            to_state="published",
            actor=actor,
            data={"document": report.document.sha256, "awarded": f"{figures['funds']['awarded']:.2f}"},
        )
        filename = f"sprawozdanie-program-{programme.year}.pdf"
        for outlet in outlets_for(RESULTS).order_by("pk"):
            media_notice_write(
                outlet=outlet,
                kind=RESULTS,
                event="programme_report_published",
                template="programme_report_media",
                context={"programme": programme, "report": report, "figures": figures},
                dedupe_key=f"programme_report_media:{programme.pk}:{outlet.pk}",
                attachments=[(filename, report.document)],
            )
        bump_version()
    return report


# --- reminder ---------------------------------------------------------------------------------------


def programme_report_reminders_write(*, today=None):
    """Remind officials to publish last year's programme report, from PROGRAMME_REPORT_REMINDER_DAYS days
    before it is due (PROGRAMME_REPORT_DUE_MONTH / _DAY of the year after the programme's).

    Each active official with an e-mail gets one notice per programme (the outbox's dedupe key), however
    often beat runs, also when the due date has already passed; nothing once the report is published,
    before the window opens, or when there is no programme for last year. Returns how many were written.
    Effects: outbox rows, one transaction.
    """
    today = today or timezone.localdate()
    programme = programme_for_year(today.year - 1)
    if programme is None or published_report(programme) is not None:
        return 0
    due = due_date(programme)
    days = int(legal_parameter(LegalParameterKey.PROGRAMME_REPORT_REMINDER_DAYS, on=today))
    if today < due - datetime.timedelta(days=days):
        return 0
    officials = officials_with_email()
    written = 0
    with transaction.atomic():
        for person in officials:
            message = outbox_write(
                event="programme_report_reminder",
                recipient=person.email,
                template="programme_report_reminder",
                context={
                    "person": person,
                    "programme": programme,
                    "due": due,
                    "days_left": (due - today).days,
                    "overdue": today > due,
                },
                dedupe_key=f"programme_report_reminder:{programme.pk}:{person.pk}",
            )
            written += message is not None
    return written
