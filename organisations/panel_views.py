"""The officials' panel for the register: adding and correcting organisations, verifying them."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import forbidden, form_page, staff_required

from . import selectors, services
from .forms import OrganisationForm, PanelSearchForm, UnverifyForm
from .models import Organisation
from .rules import ORGANISATION_ACTION_CHECKS, can_edit_organisation
from .views import PAGE_SIZE


@staff_required
def organisation_list(request):
    form = PanelSearchForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    organisations = selectors.organisation_list(
        user=request.user, query=data.get("q", ""), sphere=data.get("sphere"), verified=data.get("verified")
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/panel/organisation_list.html",
        {"form": form, "page": page, "can_edit": can_edit_organisation(request.user)},
        status=400 if form.errors else 200,
    )


@staff_required
def organisation_edit(request, pk=None):
    """Add an organisation (no ``pk``) or correct its register data; what was typed is kept on refusal."""
    organisation = get_object_or_404(Organisation, pk=pk) if pk else None
    decision = can_edit_organisation(request.user, organisation)
    if not decision:
        return forbidden(request, decision.reason)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_save(actor=request.user, data=form.cleaned_data, organisation=organisation)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The organisation has been saved."))
            return redirect("panel_organisations:edit", saved.pk)
    context = {"form": form, "organisation": organisation}
    if organisation is not None:
        context |= {
            "history": selectors.organisation_history(organisation),
            "actions": [
                name for name, check in ORGANISATION_ACTION_CHECKS.items() if check(request.user, organisation)
            ],
            "verify_denial": ORGANISATION_ACTION_CHECKS["verify"](request.user, organisation),
        }
    return render(request, "organisations/panel/organisation_form.html", context, status=400 if form.errors else 200)


@staff_required
@require_POST
def organisation_verify(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    # A refusal (DomainError) is rendered by core.middleware with its reason and status.
    services.organisation_verify(organisation=organisation, actor=request.user)
    messages.success(request, _("The organisation has been verified and is now in the public register."))
    return redirect("panel_organisations:edit", organisation.pk)


@staff_required
def organisation_unverify(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    decision = ORGANISATION_ACTION_CHECKS["unverify"](request.user, organisation)
    if not decision:
        return forbidden(request, decision.reason)
    return form_page(
        request,
        form=UnverifyForm(request.POST or None),
        save=lambda data: services.organisation_unverify(organisation=organisation, actor=request.user, **data),
        template="organisations/panel/organisation_unverify.html",
        context={"organisation": organisation},
        success_message=_("The verification has been withdrawn; the organisation is no longer public."),
        redirect_to=lambda saved: ("panel_organisations:edit", organisation.pk),
    )
