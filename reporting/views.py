"""Report pages of the organisation: its list of reports, the editor (saved as typed, autosave), the
submission, attachments and the PDFs. The report page itself is shared with officials.

Only those who may see the report (:func:`reporting.rules.can_view_report`) reach any of it; anyone
else gets 404, so nobody learns that a report exists; anonymous visitors go to the login page.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Agreement
from applications.attachments import download_filename
from applications.document_views import stored_document_response
from applications.rules import is_member
from core.errors import DomainError
from core.roles import is_approver, is_official
from core.transitions import history
from core.views import forbidden, form_page

from .attachments import report_attachment_add, report_attachment_delete
from .content import LINE_LABELS, OTHER_AMOUNTS, editor_rows, field_errors, report_blockers, report_settlement, totals
from .enums import ReportKind, ReportStatus
from .forms import AcceptForm, AttachmentForm, ReturnForCorrectionForm
from .models import Report, ReportAttachment
from .rules import (
    can_edit_report,
    can_open_final_report,
    can_review_report,
    can_view_agreement_reports,
    can_view_report,
)
from .selectors import organisation_agreements
from .services import default_correction_due, final_report_due, final_report_open, report_content_save, report_submit


def login_required_404(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def visible_report(request, pk):
    report = get_object_or_404(
        Report.objects.select_related("agreement__organisation", "agreement__application"), pk=pk
    )
    if not can_view_report(request.user, report):
        raise Http404
    return report


@require_GET
@login_required_404
def organisation_reports(request):
    """The reports of the user's organisations' agreements, with their due dates and any return."""
    rows = []
    for agreement in organisation_agreements(request.user):
        reports = sorted(agreement.reports.all(), key=lambda r: (r.due_on, r.pk))
        has_final = any(r.kind == ReportKind.FINAL for r in reports)
        rows.append(
            {
                "agreement": agreement,
                "reports": reports,
                "final_due": None if has_final else final_report_due(agreement),
                "can_open_final": not has_final and bool(can_open_final_report(request.user, agreement)),
                "returns": list(agreement.returns.all()),
            }
        )
    return render(request, "reporting/organisation_reports.html", {"rows": rows})


@require_GET
@login_required_404
def final_report(request, agreement_pk):
    """Open the final report of an agreement: created on the first visit (members), then its page."""
    agreement = get_object_or_404(Agreement.objects.select_related("organisation"), pk=agreement_pk)
    if not can_view_agreement_reports(request.user, agreement):
        raise Http404
    existing = agreement.reports.filter(kind=ReportKind.FINAL).first()
    if existing is None:
        decision = can_open_final_report(request.user, agreement)
        if not decision:
            return forbidden(request, decision.reason)
        existing = final_report_open(agreement=agreement, actor=request.user)
    if can_edit_report(request.user, existing):
        return redirect("reporting:report_edit", existing.pk)
    return redirect("reporting:report_detail", existing.pk)


def detail_context(request, report):
    computed = report_settlement(report)
    reviews = list(report.reviews.select_related("reviewed_by"))
    last_return = next((r for r in reversed(reviews) if r.outcome == "returned"), None)
    return {
        "report": report,
        "agreement": report.agreement,
        "rows": editor_rows(report),
        "totals": totals(report),
        "line_labels": LINE_LABELS,
        "other_amounts": OTHER_AMOUNTS,
        "settlement": computed,
        "submissions": list(report.submissions.select_related("submitted_by")),
        "reviews": reviews,
        "last_return": last_return if report.status == ReportStatus.RETURNED else None,
        "attachments": list(report.attachments.all()),
        "returns": list(report.returns.all()),
        "history": history(report),
        "can_edit": bool(can_edit_report(request.user, report)),
        "can_review": bool(can_review_report(request.user, report)),
        "is_staff": is_official(request.user) or is_approver(request.user),
    }


@require_GET
@login_required_404
def report_detail(request, pk):
    report = visible_report(request, pk)
    return render(request, "reporting/report_detail.html", detail_context(request, report))


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "fetch"


def editor_context(report, *, blockers=None, error=None):
    return {
        "report": report,
        "agreement": report.agreement,
        "rows": editor_rows(report),
        "totals": totals(report),
        "line_labels": LINE_LABELS,
        "other_amounts": OTHER_AMOUNTS,
        "errors": field_errors(report.content),
        "blockers": report_blockers(report) if blockers is None else blockers,
        "error": error,
        "last_return": report.reviews.filter(outcome="returned").order_by("-reviewed_at", "-pk").first()
        if report.status == ReportStatus.RETURNED
        else None,
        "attachments": list(report.attachments.all()),
    }


# What the editor posted after the session had expired, kept in the (new, anonymous) session until the
# person logs in again and opens the report: then it is stored as if just typed (as the offer editor does).
STASH_KEY = "report_editor_stash"
STASH_MAX_CHARS = 200_000
STASH_MAX_AGE = datetime.timedelta(hours=2)


def _stash_post(request, pk):
    data = {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}
    if sum(len(value) for value in data.values()) > STASH_MAX_CHARS:
        return False
    stash = request.session.get(STASH_KEY, {})
    stash[str(pk)] = {"at": timezone.now().isoformat(), "data": data}
    request.session[STASH_KEY] = stash
    return True


def _restore_stash(request, report):
    stash = request.session.get(STASH_KEY) or {}
    entry = stash.pop(str(report.pk), None)
    if entry is None:
        return report
    request.session[STASH_KEY] = stash
    if timezone.now() - datetime.datetime.fromisoformat(entry["at"]) > STASH_MAX_AGE:
        return report
    saved = report_content_save(report=report, actor=request.user, data=entry["data"])
    messages.success(request, _("What you typed before logging in again has been saved."))
    return saved


@require_http_methods(["GET", "POST"])
def report_edit(request, pk):
    """The report editor: every POST stores what was typed (autosave posts the same form in the
    background and gets JSON back); malformed amounts are shown, never refused. What is posted after
    the session expired is kept and stored once the person logs in again and comes back."""
    if not request.user.is_authenticated:
        if request.method == "POST" and _stash_post(request, pk):
            login = redirect_to_login(reverse("reporting:report_edit", args=[pk]))
            if _wants_json(request):
                return JsonResponse({"saved": False, "login": login["Location"], "errors": {}}, status=401)
            messages.info(
                request,
                _(
                    "Your session has expired. Log in again: what you typed has been kept and will be saved "
                    "when you come back to the report."
                ),
            )
            return login
        return redirect_to_login(request.get_full_path())
    report = visible_report(request, pk)
    if not is_member(request.user, report.agreement.organisation_id):
        raise Http404
    decision = can_edit_report(request.user, report)
    if not decision:
        return forbidden(request, decision.reason)
    status = 200
    if request.method == "GET":
        report = _restore_stash(request, report)
    if request.method == "POST":
        report = report_content_save(report=report, actor=request.user, data=request.POST)
        errors = field_errors(report.content)
        if _wants_json(request):
            return JsonResponse(
                {"saved": True, "saved_at": timezone.localtime().strftime("%H:%M"), "errors": errors},
                status=400 if errors else 200,
            )
        if errors:
            status = 400
        else:
            messages.success(request, _("The report has been saved."))
            if "submit" in request.POST:
                return _submit(request, report)
            return redirect("reporting:report_edit", report.pk)
    return render(request, "reporting/report_edit.html", editor_context(report), status=status)


def _submit(request, report):
    try:
        submitted = report_submit(report=report, actor=request.user)
    except DomainError as refused:
        report.refresh_from_db()
        blockers = [str(m) for msgs in refused.errors.values() for m in msgs]
        context = editor_context(report, blockers=blockers or None, error=refused)
        return render(request, "reporting/report_edit.html", context, status=400)
    if submitted.late:
        messages.warning(
            request, _("The report has been submitted after its due date: it is accepted, but marked late.")
        )
    else:
        messages.success(request, _("The report has been submitted to the NGO Centre."))
    return redirect("reporting:report_detail", submitted.pk)


@require_POST
@login_required_404
def report_submit_view(request, pk):
    report = visible_report(request, pk)
    if not is_member(request.user, report.agreement.organisation_id):
        raise Http404
    decision = can_edit_report(request.user, report)
    if not decision:
        return forbidden(request, decision.reason)
    return _submit(request, report)


@require_GET
@login_required_404
def report_pdf(request, pk):
    report = visible_report(request, pk)
    if report.document is None:
        raise Http404
    return stored_document_response(report.document, f"sprawozdanie-{report.pk}.pdf")


@require_GET
@login_required_404
def submission_pdf(request, pk, number):
    report = visible_report(request, pk)
    submission = get_object_or_404(report.submissions.select_related("document"), number=number)
    if submission.document is None:
        raise Http404
    return stored_document_response(submission.document, f"sprawozdanie-{report.pk}-v{number}.pdf")


@require_http_methods(["GET", "POST"])
@login_required_404
def report_attachments(request, pk):
    report = visible_report(request, pk)
    can_upload = bool(can_edit_report(request.user, report))
    context = {
        "report": report,
        "agreement": report.agreement,
        "attachments": list(report.attachments.all()),
        "can_upload": can_upload,
    }
    if not can_upload:
        if request.method == "POST":
            return forbidden(request, can_edit_report(request.user, report).reason)
        return render(request, "reporting/attachments.html", context)
    posted = request.method == "POST"
    return form_page(
        request,
        form=AttachmentForm(request.POST if posted else None, request.FILES if posted else None),
        save=lambda data: report_attachment_add(
            report=report, actor=request.user, upload=data["file"], description=data.get("description", "")
        ),
        template="reporting/attachments.html",
        context=context,
        success_message=_("The attachment has been added."),
        redirect_to=lambda saved: ("reporting:report_attachments", report.pk),
    )


@require_GET
@login_required_404
def attachment_download(request, pk, attachment_pk):
    report = visible_report(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=download_filename(attachment),
        content_type=attachment.content_type,
    )
    response["X-Content-SHA256"] = attachment.sha256
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required_404
def attachment_remove(request, pk, attachment_pk):
    report = visible_report(request, pk)
    attachment = get_object_or_404(ReportAttachment, pk=attachment_pk, report=report)
    report_attachment_delete(attachment=attachment, actor=request.user)
    messages.success(request, _("The attachment has been removed."))
    return redirect("reporting:report_attachments", report.pk)


# Shared with the panel: the review forms on the report page.


def review_forms(report, data=None, which=None):
    return {
        "return_form": ReturnForCorrectionForm(
            data if which == "return" else None, initial={"correction_due": default_correction_due()}, prefix="return"
        ),
        "accept_form": AcceptForm(data if which == "accept" else None, prefix="accept"),
    }
