"""Pages for the people of an organisation: their organisations, registering one, asking to join one,
the members' page (profile, members and requests, history)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error
from core.views import forbidden, form_page

from . import selectors, services
from .forms import JoinSearchForm, MemberRoleForm, OrganisationForm, RefuseRequestForm, organisation_profile_form
from .models import Membership, Organisation
from .rules import (
    can_create_organisation,
    can_manage_members,
    can_request_membership,
    editable_profile_fields,
    my_organisations_q,
)

JOIN_RESULTS = 20


def _my_organisation(request, pk):
    """The organisation, if it is one of the person's (confirmed) or the person is an official; else 404."""
    queryset = Organisation.objects.filter(my_organisations_q(request.user)).distinct()
    return get_object_or_404(queryset, pk=pk)


@login_required
def my_organisations(request):
    return render(
        request,
        "organisations/mine/my_organisations.html",
        {"memberships": selectors.my_memberships(request.user)},
    )


@login_required
def organisation_create(request):
    """A person registers their organisation and becomes its admin; an official verifies it later."""
    decision = can_create_organisation(request.user)
    if not decision:
        return forbidden(request, decision.reason)
    return form_page(
        request,
        form=OrganisationForm(request.POST or None),
        save=lambda data: services.organisation_register(actor=request.user, data=data),
        template="organisations/mine/organisation_new.html",
        context={},
        success_message=_(
            "The organisation has been registered. It will appear in the public register once an official verifies it."
        ),
        redirect_to=lambda saved: ("my_organisation", saved.pk),
    )


@login_required
def organisation_join(request):
    """Find a verified organisation by name or identifier and ask to join it."""
    if request.method == "POST":
        pk = request.POST.get("organisation", "")
        if not (pk.isascii() and pk.isdigit()):
            raise Http404
        organisation = get_object_or_404(Organisation, pk=int(pk), verified_at__isnull=False)
        # A refusal (already a member, not verified) is rendered by core.middleware with its reason.
        services.membership_request(actor=request.user, organisation=organisation)
        messages.success(
            request,
            _("Your request to join %(organisation)s has been sent to its administrators.")
            % {"organisation": organisation.name},
        )
        return redirect("my_organisations")
    form = JoinSearchForm(request.GET or None)
    results = []
    if form.is_valid():
        queryset = Organisation.objects.filter(verified_at__isnull=False)
        results = list(
            selectors.organisation_search(queryset, query=form.cleaned_data["q"]).order_by("name_ascii", "pk")[
                :JOIN_RESULTS
            ]
        )
        for organisation in results:
            organisation.join_decision = can_request_membership(request.user, organisation)
    return render(
        request,
        "organisations/mine/join.html",
        {"form": form, "results": results, "searched": form.is_bound},
        status=400 if form.errors else 200,
    )


@login_required
def my_organisation(request, pk):
    """The members' page: the profile form (register data only until verified), and for admins and
    officials the members, pending requests and the history of memberships."""
    organisation = _my_organisation(request, pk)
    fields = editable_profile_fields(request.user, organisation)
    form = organisation_profile_form(fields)(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_profile_save(actor=request.user, organisation=organisation, data=form.cleaned_data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The organisation's profile has been saved."))
            return redirect("my_organisation", organisation.pk)
    context = {"organisation": organisation, "form": form}
    if can_manage_members(request.user, organisation):
        context |= {
            "can_manage": True,
            "members": selectors.organisation_members(organisation),
            "history": selectors.membership_history(organisation),
            "role_form": MemberRoleForm(),
            "refuse_form": RefuseRequestForm(),
        }
    return render(request, "organisations/mine/my_organisation.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def membership_action(request, pk, membership_pk, action):
    """Confirm or refuse a request, change a member's role or remove a member. A refusal (not an
    admin, the last admin) is rendered by core.middleware with its reason and status."""
    organisation = _my_organisation(request, pk)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=membership_pk, organisation=organisation
    )
    name = membership.user.get_full_name() or membership.user.email
    if action == "confirm":
        services.membership_confirm(membership=membership, actor=request.user)
        messages.success(request, _("%(name)s is now a member.") % {"name": name})
    elif action == "refuse":
        form = RefuseRequestForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        services.membership_refuse(membership=membership, actor=request.user, reason=reason)
        messages.success(request, _("The request of %(name)s has been refused.") % {"name": name})
    elif action == "role":
        form = MemberRoleForm(request.POST)
        role = form.cleaned_data["role"] if form.is_valid() else ""
        services.membership_change_role(membership=membership, actor=request.user, role=role)
        messages.success(request, _("The role of %(name)s has been changed.") % {"name": name})
    elif action == "remove":
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("%(name)s is no longer a member.") % {"name": name})
    else:
        return forbidden(request, _("Unknown action."), status=404)
    return redirect("my_organisation", organisation.pk)
