"""Public pages of the register of organisations: the searchable list and an organisation's page."""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from core.public_cache import public_page

from . import selectors
from .forms import OrganisationSearchForm
from .models import Organisation
from .rules import can_view_organisation

PAGE_SIZE = 50


@require_GET
def organisation_list(request):
    """The register, searchable. Free-text searches are not cached (any text would be a new cache
    entry); the whole list and its sphere filters are, page by page."""
    if request.GET.get("q", "").strip():
        return _organisation_list(request)
    return _organisation_list_cached(request)


def _organisation_list(request):
    form = OrganisationSearchForm(request.GET)
    query, sphere = "", None
    if form.is_valid():
        query, sphere = form.cleaned_data["q"], form.cleaned_data["sphere"]
    organisations = selectors.organisation_list(user=request.user, query=query, sphere=sphere)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/organisation_list.html",
        {"form": form, "page": page, "searching": bool(query or sphere)},
        status=400 if form.errors else 200,
    )


_organisation_list_cached = public_page(query_params=["sphere", "page"])(_organisation_list)


@require_GET
@public_page
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation.objects.prefetch_related("spheres"), pk=pk)
    decision = can_view_organisation(request.user, organisation)
    if not decision:
        # Not yet verified: the same answer as an organisation that does not exist.
        raise Http404(decision.reason)
    return render(request, "organisations/organisation_detail.html", {"organisation": organisation})
