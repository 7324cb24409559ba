"""The organisation's agreement pages: its list, an agreement's page (bank account while prepared,
the signed file when ready), and the downloads. Officials and the approver may open them too;
anyone else gets 404 for an agreement, its PDF and its files, as if they did not exist."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.document_views import stored_document_response
from core.errors import DomainError
from core.forms import apply_domain_error
from core.roles import is_approver, is_official
from core.transitions import history

from . import services
from .forms import BankAccountForm, UploadForm
from .rules import can_give_bank_account, can_upload_signed
from .selectors import agreement_for, agreement_list
from .validators import format_iban


def agreement_page_context(request, agreement):
    """What every agreement page shows: tranches planned and paid, annexes with their changes and
    files, the files, the history."""
    tranches = list(agreement.tranches.all())
    annexes = list(agreement.annexes.select_related("document").prefetch_related("files"))
    for annex in annexes:
        annex.change_rows = services.annex_change_rows(annex)
        annex.can_upload = can_upload_signed(request.user, agreement, annex).allowed
        annex.history = history(annex)
    return {
        "agreement": agreement,
        "tranches": tranches,
        "planned_total": sum((t.amount for t in tranches), 0),
        "paid_total": services.paid_total(agreement),
        "annexes": annexes,
        "files": list(agreement.files.filter(annex__isnull=True).select_related("uploaded_by")),
        "history": history(agreement),
        "iban_display": format_iban(agreement.iban) if agreement.iban else "",
    }


@login_required
def organisation_agreements(request):
    """The agreements of the organisations the person is a confirmed member of (all, for staff)."""
    return render(
        request,
        "agreements/list.html",
        {
            "agreements": agreement_list(user=request.user),
            "staff": is_official(request.user) or is_approver(request.user),
        },
    )


def _bank_form(agreement, data=None):
    initial = {"iban": agreement.iban, "account_holder_declared": agreement.account_holder_declared}
    return BankAccountForm(data, initial=initial)


def _detail_page(request, agreement, *, bank_form=None, upload_form=None, status=200):
    can_bank = can_give_bank_account(request.user, agreement).allowed
    can_upload = can_upload_signed(request.user, agreement).allowed
    return render(
        request,
        "agreements/detail.html",
        {
            **agreement_page_context(request, agreement),
            "can_bank": can_bank,
            "bank_form": bank_form or (_bank_form(agreement) if can_bank else None),
            "can_upload": can_upload,
            "upload_form": upload_form or (UploadForm() if can_upload else None),
            "staff": is_official(request.user) or is_approver(request.user),
        },
        status=status,
    )


@login_required
@require_GET
def agreement_detail(request, pk):
    return _detail_page(request, agreement_for(user=request.user, pk=pk))


@login_required
@require_POST
def agreement_bank_account(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    form = _bank_form(agreement, request.POST)
    if form.is_valid():
        try:
            services.agreement_bank_account(
                agreement=agreement,
                actor=request.user,
                iban=form.cleaned_data["iban"],
                declared=form.cleaned_data["account_holder_declared"],
            )
        except DomainError as error:
            if error.status == 403:
                raise
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The bank account has been saved."))
            return redirect("agreements:detail", agreement.pk)
    return _detail_page(request, agreement, bank_form=form, status=400)


def _upload(request, agreement, annex=None):
    back = "panel_agreements:detail" if request.POST.get("next") == "panel" else "agreements:detail"
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.agreement_file_add(
                agreement=agreement, actor=request.user, upload=form.cleaned_data["file"], annex=annex
            )
        except DomainError as error:
            if error.status == 403:
                raise
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The signed file has been uploaded. The NGO Centre confirms the signing."),
            )
            return redirect(back, agreement.pk)
    if annex is not None or back != "agreements:detail":
        # The form is on another page (the panel) or is one of several (an annex's): its page says why.
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
        return redirect(back, agreement.pk)
    return _detail_page(request, agreement, upload_form=form, status=400)


@login_required
@require_POST
def agreement_upload(request, pk):
    return _upload(request, agreement_for(user=request.user, pk=pk))


@login_required
@require_POST
def annex_upload(request, pk, number):
    agreement = agreement_for(user=request.user, pk=pk)
    return _upload(request, agreement, get_object_or_404(agreement.annexes, number=number))


@login_required
@require_GET
def agreement_pdf(request, pk):
    agreement = agreement_for(user=request.user, pk=pk)
    if agreement.document is None:
        raise Http404(_("The agreement's PDF is made when it is ready for signing."))
    return stored_document_response(agreement.document, f"umowa-{agreement.pk}.pdf")


@login_required
@require_GET
def annex_pdf(request, pk, number):
    agreement = agreement_for(user=request.user, pk=pk)
    annex = get_object_or_404(agreement.annexes.select_related("document"), number=number)
    if annex.document is None:
        raise Http404
    return stored_document_response(annex.document, f"aneks-{agreement.pk}-{annex.number}.pdf")


@login_required
@require_GET
def agreement_file(request, pk, file_pk):
    agreement = agreement_for(user=request.user, pk=pk)
    return agreement_file_response(get_object_or_404(agreement.files, pk=file_pk))


def agreement_file_response(file):
    """A signed file as a download, private and never cached, with its SHA-256 in a header."""
    try:
        stem = get_valid_filename(file.original_name.rsplit(".", 1)[0])[:100]
    except SuspiciousFileOperation:
        stem = "umowa-podpisana"
    response = FileResponse(file.file.open("rb"), content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.pdf"'
    response["Content-Length"] = str(file.size)
    response["X-Content-SHA256"] = file.sha256
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True, no_store=True)
    return response
