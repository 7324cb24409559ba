"""The officials' panel of agreements: the list (with the awarded offers still to prepare), an
agreement's page, editing a draft, the tranches, ready for signing, signing, annexes, payments and
termination. Officials act; the approver reads. Views parse, call one service, render."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from applications.completeness import parse_amount
from applications.models import Application
from calls.models import Call
from core.errors import DomainError
from core.transitions import available_transitions, history
from core.views import forbidden, form_page, staff_required
from smallgrants.models import SmallGrant

from . import services
from .enums import AgreementStatus, AnnexStatus
from .forms import (
    AgreementForm,
    AnnexForm,
    OptionalReasonForm,
    PaymentForm,
    ReasonForm,
    SignForm,
    TrancheFormSet,
    UploadForm,
    amount_text,
)
from .rules import (
    AGREEMENT_TRANSITION_CHECKS,
    can_edit_draft,
    can_manage_annexes,
    can_prepare,
    can_record_payment,
    can_upload_signed,
)
from .selectors import agreement_for, agreement_list, offers_to_prepare, small_grants_to_prepare
from .views import agreement_page_context


def _detail(agreement):
    return ("panel_agreements:detail", agreement.pk)


@staff_required
def agreement_panel_list(request):
    status = request.GET.get("status") or ""
    if status not in AgreementStatus.values:
        status = ""
    call = request.GET.get("call") or ""
    call = int(call) if call.isascii() and call.isdigit() else None
    return render(
        request,
        "agreements/panel_list.html",
        {
            "agreements": agreement_list(user=request.user, status=status, call=call),
            "offers": offers_to_prepare(call=call),
            "small_grants": small_grants_to_prepare() if call is None else [],
            "statuses": AgreementStatus.choices,
            "status": status,
            "calls": Call.objects.filter(applications__status__in=_with_agreement_states()).distinct().order_by("-pk"),
            "call": call,
            "can_prepare": can_prepare(request.user).allowed,
        },
    )


def _with_agreement_states():
    from applications.enums import ApplicationStatus

    return [
        ApplicationStatus.AWARDED,
        ApplicationStatus.CONTRACTED,
        ApplicationStatus.IN_REALISATION,
        ApplicationStatus.REPORTED,
        ApplicationStatus.SETTLED,
        ApplicationStatus.TERMINATED,
    ]


def _prepare(request, **source):
    try:
        agreement = services.agreement_prepare(actor=request.user, **source)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return redirect("panel_agreements:list")
    messages.success(request, _("The draft agreement %(number)s has been prepared.") % {"number": agreement.number})
    return redirect(*_detail(agreement))


@staff_required
@require_POST
def agreement_prepare(request, application_pk):
    return _prepare(request, application=get_object_or_404(Application, pk=application_pk))


@staff_required
@require_POST
def agreement_prepare_small_grant(request, small_grant_pk):
    return _prepare(request, small_grant=get_object_or_404(SmallGrant, pk=small_grant_pk))


@staff_required
def agreement_panel_detail(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    user = request.user
    return render(
        request,
        "agreements/panel_detail.html",
        {
            **agreement_page_context(request, agreement),
            "transitions": available_transitions(agreement, user, AGREEMENT_TRANSITION_CHECKS),
            "can_edit": can_edit_draft(user, agreement).allowed,
            "can_annex": can_manage_annexes(user, agreement).allowed,
            "can_pay": can_record_payment(user, agreement).allowed,
            "can_upload": can_upload_signed(user, agreement).allowed,
            "blockers": services.ready_blockers(agreement) if agreement.status == AgreementStatus.DRAFT else [],
            "reopen_form": OptionalReasonForm(),
            "upload_form": UploadForm(),
            "history": history(agreement),
        },
    )


def _editable(request, pk, check):
    agreement = agreement_for(user=request.user, pk=pk)
    decision = check(request.user, agreement)
    return agreement, decision


@staff_required
def agreement_edit(request, pk):
    agreement, decision = _editable(request, pk, can_edit_draft)
    if not decision:
        return forbidden(request, decision.reason)
    initial = {field: getattr(agreement, field) for field in services.EDITABLE_FIELDS}
    form = AgreementForm(request.POST or None, initial=initial, limit=services.awarded_limit(agreement))
    return form_page(
        request,
        form=form,
        save=lambda data: services.agreement_update(agreement=agreement, actor=request.user, **data),
        template="agreements/panel_edit.html",
        context={"agreement": agreement, "limit": services.awarded_limit(agreement)},
        success_message=_("The agreement has been saved."),
        redirect_to=_detail,
    )


def _tranche_rows(formset):
    """The filled rows of the tranche formset, with their forms (blank rows are skipped)."""
    filled = []
    for form in formset.forms:
        data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
        if data.get("amount") is None and data.get("due_on") is None:
            continue
        filled.append((form, {"amount": data.get("amount"), "due_on": data.get("due_on")}))
    return filled


@staff_required
def agreement_tranches(request, pk):
    agreement, decision = _editable(request, pk, can_edit_draft)
    if not decision:
        return forbidden(request, decision.reason)
    initial = [{"amount": t.amount, "due_on": t.due_on} for t in agreement.tranches.all()]
    formset = TrancheFormSet(request.POST or None, initial=initial, prefix="tranches")
    if request.method == "POST" and formset.is_valid():
        rows = _tranche_rows(formset)
        try:
            services.agreement_tranches_save(agreement=agreement, actor=request.user, tranches=[r for _f, r in rows])
        except DomainError as error:
            for field, problems in error.errors.items():
                if field == "__all__":
                    formset._non_form_errors = formset.error_class(problems)  # shown above the table
                    continue
                name, _sep, index = field.rpartition("_")
                if index.isascii() and index.isdigit() and int(index) <= len(rows):
                    for problem in problems:
                        rows[int(index) - 1][0].add_error(name, problem)
            if not error.errors:
                formset._non_form_errors = formset.error_class([error.message])
        else:
            messages.success(request, _("The tranches have been saved."))
            return redirect(*_detail(agreement))
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "agreements/panel_tranches.html",
        {"agreement": agreement, "formset": formset, "has_errors": request.method == "POST"},
        status=status,
    )


@staff_required
def tranche_payment(request, pk, number):
    agreement, decision = _editable(request, pk, can_record_payment)
    if not decision:
        return forbidden(request, decision.reason)
    tranche = get_object_or_404(agreement.tranches, number=number)
    form = PaymentForm(request.POST or None, initial={"paid_amount": tranche.amount})
    return form_page(
        request,
        form=form,
        save=lambda data: services.tranche_record_payment(tranche=tranche, actor=request.user, **data),
        template="agreements/panel_payment.html",
        context={"agreement": agreement, "tranche": tranche},
        success_message=_("The payment has been recorded."),
        redirect_to=lambda _saved: _detail(agreement),
    )


@staff_required
@require_POST
def agreement_mark_ready(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    try:
        services.agreement_mark_ready(agreement=agreement, actor=request.user)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        for problem in error.errors.get("__all__", []):
            messages.error(request, problem)
    else:
        messages.success(request, _("The agreement is ready for signing; the organisation has been notified."))
    return redirect(*_detail(agreement))


@staff_required
@require_POST
def agreement_reopen(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.agreement_reopen(agreement=agreement, actor=request.user, reason=reason)
    messages.success(request, _("The agreement is being prepared again; correct it and mark it ready."))
    return redirect(*_detail(agreement))


def _check(request, agreement, name):
    return AGREEMENT_TRANSITION_CHECKS[name](request.user, agreement)


@staff_required
def agreement_sign(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    decision = _check(request, agreement, "sign")
    if not decision:
        return forbidden(request, decision.reason)
    if agreement.status != AgreementStatus.READY:
        return forbidden(request, _("Only an agreement ready for signing can be signed."), status=409)
    form = SignForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.agreement_sign(
            agreement=agreement, actor=request.user, method=data["method"], signed_on=data.get("signed_on")
        ),
        template="agreements/panel_sign.html",
        context={"agreement": agreement, "signed_files": services.signed_files(agreement), "annex": None},
        success_message=_("The agreement has been signed: the realisation of the task has started."),
        redirect_to=_detail,
    )


@staff_required
def agreement_terminate(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    decision = _check(request, agreement, "terminate")
    if not decision:
        return forbidden(request, decision.reason)
    if agreement.status != AgreementStatus.SIGNED:
        return forbidden(request, _("Only a signed agreement can be terminated."), status=409)
    form = ReasonForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.agreement_terminate(agreement=agreement, actor=request.user, reason=data["reason"]),
        template="agreements/panel_terminate.html",
        context={"agreement": agreement},
        success_message=_("The agreement has been terminated."),
        redirect_to=_detail,
    )


@staff_required
def annex_new(request, pk):
    agreement, decision = _editable(request, pk, can_manage_annexes)
    if not decision:
        return forbidden(request, decision.reason)
    lines = services.cost_lines(agreement.offer_content)
    initial = {}
    for index, line in enumerate(lines, start=1):
        for key in ("unit_cost", "quantity", "grant"):
            initial[f"line_{index}_{key}"] = line.get(key, "")
    form = AnnexForm(request.POST or None, initial=initial, lines=lines)

    def save(data):
        content = None
        if lines:
            new_lines = []
            for index, line in enumerate(lines, start=1):
                new_line = dict(line)
                for key in ("unit_cost", "quantity", "grant"):
                    value = data.get(f"line_{index}_{key}")
                    if value is not None and parse_amount(line.get(key)) != value:
                        new_line[key] = amount_text(value)
                new_lines.append(new_line)
            if new_lines != lines:
                content = dict(agreement.offer_content)
                content["budget"] = {**content.get("budget", {}), "lines": new_lines}
        return services.annex_prepare(
            agreement=agreement,
            actor=request.user,
            subject=data["subject"],
            realisation_end=data.get("realisation_end"),
            grant_amount=data.get("grant_amount"),
            offer_content=content,
        )

    return form_page(
        request,
        form=form,
        save=save,
        template="agreements/panel_annex_form.html",
        context={"agreement": agreement},
        success_message=_("The annex has been prepared; download its PDF for signing."),
        redirect_to=lambda annex: _detail(agreement),
    )


@staff_required
def annex_sign(request, pk, number):
    agreement, decision = _editable(request, pk, can_manage_annexes)
    if not decision:
        return forbidden(request, decision.reason)
    annex = get_object_or_404(agreement.annexes, number=number)
    if annex.status != AnnexStatus.DRAFT:
        return forbidden(request, _("This annex has already been signed."), status=409)
    form = SignForm(request.POST or None)
    return form_page(
        request,
        form=form,
        save=lambda data: services.annex_sign(
            annex=annex, actor=request.user, method=data["method"], signed_on=data.get("signed_on")
        ),
        template="agreements/panel_sign.html",
        context={"agreement": agreement, "annex": annex, "signed_files": services.signed_files(agreement, annex)},
        success_message=_("The annex has been signed and its changes applied to the agreement."),
        redirect_to=lambda _annex: _detail(agreement),
    )
