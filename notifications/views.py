"""Officials' pages (media register, press notes, delivery dashboard), the outlets' unsubscribe page
and a person's notice preferences."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.transitions import history
from core.views import form_page, staff_required

from . import dashboard, media, press
from .forms import MediaOutletForm, NoticeFilterForm, PreferencesForm, PressNoteForm
from .models import MediaOutlet, OutboxMessage, PressNote, PressNoteStatus
from .preferences import preferences_of, preferences_save

PAGE_SIZE = 50

# --- Media register ---------------------------------------------------------------------------------


@staff_required
def media_list(request):
    outlets = MediaOutlet.objects.all()
    return render(request, "panel/media_list.html", {"outlets": outlets})


@staff_required
def media_edit(request, pk=None):
    outlet = get_object_or_404(MediaOutlet, pk=pk) if pk else None
    form = MediaOutletForm(request.POST or None, instance=outlet)
    return form_page(
        request,
        form=form,
        save=lambda data: media.outlet_save(actor=request.user, data=data, outlet=outlet),
        template="panel/media_form.html",
        context={"outlet": outlet, "history": history(outlet, field="active") if outlet else []},
        success_message=_("The media outlet has been saved."),
        redirect_to=lambda obj: ("panel_notices:media_list",),
    )


@staff_required
@require_POST
def media_deactivate(request, pk):
    outlet = get_object_or_404(MediaOutlet, pk=pk)
    active = request.POST.get("active") == "1"
    media.outlet_set_active(actor=request.user, outlet=outlet, active=active)
    if active:
        messages.success(request, _("%(name)s will receive news again.") % {"name": outlet.name})
    else:
        messages.success(request, _("%(name)s has been deactivated and receives nothing.") % {"name": outlet.name})
    return redirect("panel_notices:media_list")


@csrf_exempt  # the one-click POST of RFC 8058 comes from the outlet's mail client, without a token
def media_unsubscribe(request, token):
    """No login: the signed token names the outlet and the kind of news. GET asks to confirm (mail
    scanners follow links); POST — the button, or the mail client's one-click — unsubscribes."""
    outlet, kind = media.outlet_from_token(token)
    done = False
    if request.method == "POST":
        outlet, kind = media.outlet_unsubscribe(token=token)
        done = True
    return render(
        request,
        "notifications/unsubscribe.html",
        {"outlet": outlet, "kind": kind, "kind_label": media.KINDS[kind], "done": done},
    )


# --- Press notes ---------------------------------------------------------------------------------------


@staff_required
def press_list(request):
    notes = PressNote.objects.select_related("call", "approved_by")
    return render(
        request,
        "panel/press_list.html",
        {
            "drafts": [n for n in notes if n.status == PressNoteStatus.DRAFT],
            "sent": [n for n in notes if n.status != PressNoteStatus.DRAFT],
        },
    )


@staff_required
def press_detail(request, pk):
    note = get_object_or_404(PressNote.objects.select_related("call", "approved_by"), pk=pk)
    outlets = list(media.outlets_for(media.RESULTS))
    if note.status != PressNoteStatus.DRAFT:
        form = None
    else:
        form = PressNoteForm(request.POST or None, instance=note)
    if request.method == "POST" and form is not None and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        note.refresh_from_db()
        if request.POST.get("action") == "approve":
            count = press.press_note_approve(actor=request.user, note=note, subject=subject, body=body)
            messages.success(
                request, _("The press note has been approved: %(count)s messages to media outlets.") % {"count": count}
            )
        else:
            press.press_note_edit(actor=request.user, note=note, subject=subject, body=body)
            messages.success(request, _("The press note has been saved; it has not been sent yet."))
        return redirect("panel_notices:press_detail", note.pk)
    sent = OutboxMessage.objects.filter(dedupe_key__startswith=f"results_published:call:{note.call_id}:media:")
    return render(
        request,
        "panel/press_detail.html",
        {"note": note, "form": form, "outlets": outlets, "sent": sent, "history": history(note)},
        status=400 if form is not None and form.errors else 200,
    )


# --- Delivery dashboard -------------------------------------------------------------------------------


@staff_required
def notice_list(request):
    form = NoticeFilterForm(request.GET or None, events=dashboard.notice_events())
    filters = form.cleaned_data if form.is_valid() else {}
    notices = dashboard.notice_list(
        status=filters.get("status", ""), event=filters.get("event", ""), recipient=filters.get("recipient", "")
    )
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "panel/notices_list.html",
        {"form": form, "page": page, "counts": dashboard.notice_counts(), "query": query.urlencode()},
    )


@staff_required
def notice_detail(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    return render(request, "panel/notices_detail.html", {"message": message, "history": history(message)})


@staff_required
@require_POST
def notice_retry(request, pk):
    message = get_object_or_404(OutboxMessage, pk=pk)
    dashboard.notice_retry(actor=request.user, message=message)
    messages.success(request, _("The notice will be sent again."))
    return redirect("panel_notices:notice_detail", message.pk)


# --- Preferences -------------------------------------------------------------------------------------


@login_required
def preferences(request):
    form = PreferencesForm(request.POST or None, preferences=preferences_of(request.user))
    return form_page(
        request,
        form=form,
        save=lambda data: preferences_save(user=request.user, choices=form.choices()),
        template="notifications/preferences.html",
        context={},
        success_message=_("Your notice preferences have been saved."),
        redirect_to=lambda _saved: ("notice_preferences",),
    )
