"""Public pages: the programme of the year, open calls, a call and its announcement."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from core.public_cache import public_page
from core.transitions import history

from . import selectors
from .announcement import same_type_grants
from .enums import CallStatus
from .forms import YearForm
from .models import Call
from .rules import can_view_call
from .services import call_announcement_pdf


@require_GET
def home(request):
    return programme(request, year=None)


@require_GET
@public_page(query_params=["year"])
def programme(request, year=None):
    years = selectors.programme_years()
    if "year" in request.GET:
        form = YearForm(request.GET, years=years)
        if form.is_valid():
            return redirect("programme", year=form.cleaned_data["year"])
    if year is None:
        current = timezone.localdate().year
        year = current if current in years else (years[0] if years else current)
    programme_obj = selectors.programme_for_year(year)
    if programme_obj is None and years:
        raise Http404
    tasks = selectors.programme_tasks(programme=programme_obj, user=request.user) if programme_obj else []
    rows = [{"task": t, "progress": t.progress(t.visible_calls), "calls": t.visible_calls} for t in tasks]
    open_calls = selectors.open_calls()
    response = render(
        request,
        "calls/programme.html",
        {
            "programme": programme_obj,
            "year": year,
            "rows": rows,
            "totals": selectors.programme_totals(tasks),
            "open_calls": open_calls,
            "year_form": YearForm(initial={"year": year}, years=years),
        },
    )
    if open_calls:  # the list of open calls changes when the next deadline passes
        response.cache_seconds = int((open_calls[0].offer_deadline - timezone.now()).total_seconds())
    return response


def _visible_call(request, pk):
    call = get_object_or_404(Call.objects.select_related("task__programme", "task__sphere", "announcement"), pk=pk)
    decision = can_view_call(request.user, call)
    if not decision:
        # A draft is not public: the same answer as a call that does not exist.
        raise Http404(decision.reason)
    return call


@require_GET
@public_page
def call_detail(request, pk):
    call = _visible_call(request, pk)
    criteria = list(call.criteria.all())
    accepts_offers = call.accepts_offers()
    response = render(
        request,
        "calls/call_detail.html",
        {
            "call": call,
            "criteria": criteria,
            "max_total": sum(c.max_points for c in criteria),
            "same_type_grants": same_type_grants(call),
            "history": history(call),
            "accepts_offers": accepts_offers,
        },
    )
    if accepts_offers:  # "time left" and the open state end at the deadline
        response.cache_seconds = int((call.offer_deadline - timezone.now()).total_seconds())
    return response


@require_GET
def call_announcement(request, pk):
    """The announcement as PDF: the stored, frozen one once announced; a preview for staff before."""
    call = _visible_call(request, pk)
    if call.announcement_id:
        content = call.announcement.read()
    elif call.status == CallStatus.DRAFT:
        content = call_announcement_pdf(call)
    else:  # announced before documents were stored (imported history): nothing frozen to show
        raise Http404
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="ogloszenie-{call.pk}.pdf"'
    if call.announcement_id:
        response["X-Content-SHA256"] = call.announcement.sha256
    return response


@require_GET
@public_page
def call_list(request):
    calls = selectors.call_list(user=request.user).order_by("-offer_deadline")
    return render(request, "calls/call_list.html", {"calls": calls})
