"""The officials' panel for reports (``/panel/reports/``): reports to review, overdue reports, returns
of funds due and overdue; the report page with the settlement and the review forms; partial report
requests and the recording of returns. Officials and the approver see it (``staff_required``); only
officials act (the services check it and say why)."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agreements.models import Agreement
from core.errors import DomainError, NotAllowed
from core.forms import apply_domain_error
from core.models import StatusChange
from core.views import forbidden, form_page, staff_required

from .forms import PartialReportRequestForm, RecordReturnForm
from .models import FundsReturn, Report
from .selectors import due_reports, open_returns, reports_to_review
from .services import funds_return_record, partial_report_request, report_accept, report_return_for_correction
from .views import detail_context, review_forms

REMINDER_DAYS = 7


@staff_required
@require_GET
def panel_reports(request):
    today = timezone.localdate()
    returns = list(open_returns())
    context = {
        "to_review": list(reports_to_review()),
        "overdue": due_reports(on=today),
        "due_soon": due_reports(on=today, within_days=REMINDER_DAYS),
        "returns_overdue": [r for r in returns if r.due_on < today],
        "returns_due": [r for r in returns if r.due_on >= today],
        "today": today,
    }
    return render(request, "reporting/panel_reports.html", context)


def _report(pk):
    return get_object_or_404(Report.objects.select_related("agreement__organisation", "agreement__application"), pk=pk)


def _render_detail(request, report, forms, status=200):
    context = {**detail_context(request, report), **forms, "panel": True}
    return render(request, "reporting/panel_report.html", context, status=status)


@staff_required
@require_GET
def panel_report(request, pk):
    report = _report(pk)
    return _render_detail(request, report, review_forms(report))


def _review(request, pk, which, run, done):
    """One review form of a report posted: ``run(report, data)`` on valid input, then back to the
    report with ``done``; a refusal re-renders the page with what was typed (400)."""
    report = _report(pk)
    forms = review_forms(report, request.POST, which)
    form = forms[f"{which}_form"]
    if form.is_valid():
        try:
            run(report, form.cleaned_data)
        except NotAllowed as refused:
            return forbidden(request, refused.message)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, done)
            return redirect("panel_reporting:report", report.pk)
    return _render_detail(request, report, forms, status=400)


@staff_required
@require_POST
def panel_return(request, pk):
    return _review(
        request,
        pk,
        "return",
        lambda report, data: report_return_for_correction(
            report=report, actor=request.user, comments=data["comments"], correction_due=data["correction_due"]
        ),
        _("The report has been returned for correction; the organisation has been told."),
    )


@staff_required
@require_POST
def panel_accept(request, pk):
    return _review(
        request,
        pk,
        "accept",
        lambda report, data: report_accept(
            report=report, actor=request.user, settle_excess=data["settle_excess"], comments=data["comments"]
        ),
        _("The report has been accepted; the organisation has been told."),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def panel_request_partial(request, agreement_pk):
    agreement = get_object_or_404(Agreement.objects.select_related("organisation"), pk=agreement_pk)
    posted = request.method == "POST"
    form = PartialReportRequestForm(
        request.POST if posted else None,
        initial={"period_start": agreement.realisation_start, "period_end": timezone.localdate()},
    )
    if posted and form.is_valid():
        data = form.cleaned_data
        if data["period_end"] < data["period_start"]:
            form.add_error("period_end", _("The period cannot end before it starts."))
    return form_page(
        request,
        form=form,
        save=lambda data: partial_report_request(
            agreement=agreement,
            actor=request.user,
            period_start=data["period_start"],
            period_end=data["period_end"],
            due_on=data["due_on"],
            note=data.get("note", ""),
        ),
        template="reporting/panel_request_partial.html",
        context={"agreement": agreement, "reports": list(agreement.reports.all())},
        success_message=_("The partial report has been requested; the organisation has been told."),
        redirect_to=lambda saved: ("panel_reporting:report", saved.pk),
    )


@staff_required
@require_http_methods(["GET", "POST"])
def panel_record_return(request, pk):
    funds_return = get_object_or_404(FundsReturn.objects.select_related("agreement__organisation", "report"), pk=pk)
    posted = request.method == "POST"
    changes = StatusChange.objects.filter(
        content_type=ContentType.objects.get_for_model(FundsReturn), object_id=funds_return.pk
    ).select_related("actor")
    return form_page(
        request,
        form=RecordReturnForm(request.POST if posted else None, initial={"returned_on": timezone.localdate()}),
        save=lambda data: funds_return_record(
            funds_return=funds_return, actor=request.user, returned_on=data["returned_on"], amount=data["amount"]
        ),
        template="reporting/panel_record_return.html",
        context={"funds_return": funds_return, "changes": changes},
        success_message=_("The return has been recorded."),
        redirect_to=lambda saved: ("panel_reporting:record_return", saved.pk),
    )
