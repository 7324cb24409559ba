"""The offer editor: a page per section of the 2018 template (II–VII) and a summary with the submission.

Only confirmed members of the offering organisation reach it (everyone else gets 404, so nobody
learns that an offer exists; anonymous visitors go to the login page), and only while the offer can
be changed (draft, returned for correction): otherwise members get a 403 page saying why.

Every POST stores the section as typed, valid or not (nothing typed is lost), then answers 400 with
the field errors when something is malformed. ``static/js/offer-autosave.js`` posts the same form in
the background (header ``X-Requested-With: fetch``) and gets JSON back; the pages work without it.
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.errors import DomainError
from core.views import forbidden

from .completeness import SECTIONS, offer_blockers, offer_period, offer_summary, offeror_choices
from .editor_forms import SectionForms
from .models import Application
from .rules import EDITABLE_STATES, is_member
from .services import application_submit, offer_section_save

ORDER = list(SECTIONS)


# What an editor page posted after its session had expired, kept in the (new, anonymous) session
# until the person logs in again and opens the section: then it is stored as if just typed.
STASH_KEY = "offer_editor_stash"
STASH_MAX_CHARS = 200_000
STASH_MAX_AGE = datetime.timedelta(hours=2)


def _stash_post(request, pk, section):
    data = {key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"}
    if section not in SECTIONS or sum(len(v) for values in data.values() for v in values) > STASH_MAX_CHARS:
        return False
    stash = request.session.get(STASH_KEY, {})
    stash[f"{pk}:{section}"] = {"at": timezone.now().isoformat(), "data": data}
    request.session[STASH_KEY] = stash
    return True


def _restore_stash(request, application, section):
    """Store what was typed before the session expired (if anything, recent, and still editable)."""
    stash = request.session.get(STASH_KEY) or {}
    entry = stash.pop(f"{application.pk}:{section}", None)
    if entry is None:
        return
    request.session[STASH_KEY] = stash
    at = datetime.datetime.fromisoformat(entry["at"])
    if timezone.now() - at > STASH_MAX_AGE:
        return
    data = QueryDict(mutable=True)
    for key, values in entry["data"].items():
        data.setlist(key, values)
    forms = SectionForms(section, application, data)
    forms.is_valid()
    content, title = forms.content()
    offer_section_save(application=application, actor=request.user, section=section, data=content, title=title)
    application.refresh_from_db()
    messages.success(request, _("What you typed before logging in again has been saved."))


def editor_view(view):
    """Members only (others 404, anonymous to the login page), and only while the offer is editable (else 403).

    A POST that arrives after the session expired is kept in the session and stored once the person
    logs in again and comes back to the section (nothing typed is lost).
    """

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            section = kwargs.get("section")
            if request.method == "POST" and section and _stash_post(request, pk, section):
                login_url = redirect_to_login(reverse("offer_editor_section", args=[pk, section]))
                if _wants_json(request):
                    return JsonResponse(
                        {"saved": False, "login": login_url["Location"], "errors": {}},
                        status=401,
                    )
                messages.info(
                    request,
                    _(
                        "Your session has expired. Log in again: what you typed has been kept and will be "
                        "saved when you come back to the section."
                    ),
                )
                return login_url
            return redirect_to_login(request.get_full_path())
        application = get_object_or_404(Application.objects.select_related("organisation", "call__task"), pk=pk)
        if not is_member(request.user, application.organisation_id):
            raise Http404
        if application.status not in EDITABLE_STATES:
            return forbidden(
                request,
                _("This offer can no longer be changed in the editor: its status is “%(status)s”.")
                % {"status": application.get_status_display()},
            )
        return view(request, application, *args, **kwargs)

    return wrapper


def _navigation(current):
    return [
        {"slug": slug, "roman": roman, "title": title, "current": slug == current}
        for slug, (roman, title) in SECTIONS.items()
    ]


def _wants_json(request):
    return request.headers.get("X-Requested-With") == "fetch"


@require_http_methods(["GET", "POST"])
@editor_view
def section_edit(request, application, section):
    if section not in SECTIONS:
        raise Http404
    if request.method == "POST":
        forms = SectionForms(section, application, request.POST)
        valid = forms.is_valid()
        data, title = forms.content()
        offer_section_save(application=application, actor=request.user, section=section, data=data, title=title)
        if _wants_json(request):
            return JsonResponse(
                {
                    "saved": True,
                    "saved_at": timezone.localtime().strftime("%H:%M"),
                    "errors": forms.error_fields(),
                },
                status=200 if valid else 400,
            )
        if valid:
            messages.success(request, _("The section has been saved."))
            position = ORDER.index(section)
            if "next" in request.POST:
                if position + 1 < len(ORDER):
                    return redirect("offer_editor_section", application.pk, ORDER[position + 1])
                return redirect("offer_editor_summary", application.pk)
            return redirect("offer_editor_section", application.pk, section)
        application.refresh_from_db()
    else:
        _restore_stash(request, application, section)
        forms = SectionForms(section, application)
        valid = True
    position = ORDER.index(section)
    roman, title = SECTIONS[section]
    context = {
        "application": application,
        "section": section,
        "roman": roman,
        "section_title": title,
        "forms": forms,
        "navigation": _navigation(section),
        "is_last": position + 1 == len(ORDER),
    }
    return render(request, f"applications/editor/{section}.html", context, status=200 if valid else 400)


@require_http_methods(["GET", "POST"])
@editor_view
def summary(request, application):
    """Totals of the cost calculation, what still blocks submission, and the Submit button."""
    error = None
    if request.method == "POST":
        try:
            submitted = application_submit(application=application, actor=request.user)
        except DomainError as refused:
            error = refused
            application.refresh_from_db()
        else:
            messages.success(
                request,
                _("The offer has been submitted. Confirmation number: %(number)s.")
                % {"number": submitted.confirmation_number},
            )
            return redirect("offer_detail", submitted.pk)
    budget, _problems = offer_summary(application)
    start, end = offer_period(application)
    names = dict(offeror_choices(application))
    context = {
        "year_totals": [budget.costs.in_year(year) for year in budget.years],
        "split": [{"name": names.get(key, key), "total": amounts.total} for key, amounts in budget.offerors.items()]
        if names
        else [],
        "application": application,
        "blockers": offer_blockers(application),
        "budget": budget,
        "start": start,
        "end": end,
        "navigation": _navigation("summary"),
        "error": error,
        "error_items": [str(m) for messages_ in (error.errors.values() if error else []) for m in messages_],
        "accepts": application.can_be_submitted_now(),
    }
    return render(request, "applications/editor/summary.html", context, status=400 if error else 200)
