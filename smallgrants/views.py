"""Public and organisation pages of the small grants (art. 19a).

Anyone reads the offers published for comments and comments on them while the period lasts;
an organisation's members start, edit and submit their offer. Drafts and offers not yet published
are seen only by the organisation's members and the staff: anyone else gets 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from applications.document_views import stored_document_response
from applications.rules import is_member
from core.errors import DomainError, InvalidState
from core.forms import apply_domain_error
from core.transitions import available_transitions

from . import services
from .caps import cap_refusals, caps_summary
from .content import offer_view
from .enums import CommentStatus
from .forms import CommentForm, NewSmallGrantForm, SmallGrantEditForm, WithdrawForm
from .rules import SMALL_GRANT_TRANSITION_CHECKS, can_edit_small_grant, comments_open, is_staff
from .selectors import (
    history_of,
    member_organisations,
    small_grant_list_public,
    small_grant_visible,
    small_grants_visible,
)


@require_GET
def small_grant_list(request):
    current, past = small_grant_list_public()
    return render(
        request,
        "smallgrants/list.html",
        {"current": current, "past": past, "is_member": member_organisations(request.user).exists()},
    )


@login_required
@require_GET
def my_small_grants(request):
    organisations = member_organisations(request.user)
    grants = small_grants_visible(user=request.user).filter(organisation__in=organisations)
    return render(request, "smallgrants/mine.html", {"grants": grants, "organisations": organisations})


@login_required
def small_grant_new(request):
    organisations = member_organisations(request.user)
    form = NewSmallGrantForm(request.POST or None, organisations=organisations)
    if not organisations.exists():
        return render(
            request,
            "core/forbidden.html",
            {"reason": _("Only confirmed members of an organisation may submit a small grant offer.")},
            status=403,
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            small_grant = services.small_grant_create(actor=request.user, **data)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The draft has been created. Fill in the offer and submit it."))
            return redirect("smallgrants:edit", small_grant.pk)
    return render(request, "smallgrants/new.html", {"form": form}, status=400 if form.errors else 200)


def _detail_context(request, small_grant, **extra):
    user = request.user
    member = is_member(user, small_grant.organisation_id)
    return {
        "small_grant": small_grant,
        "offer": offer_view(small_grant),
        # the public page shows the published comments to everyone; officials moderate in the panel
        "comments": small_grant.comments.filter(status=CommentStatus.APPROVED).order_by("created_at", "pk"),
        "comments_open": comments_open(small_grant),
        "comment_form": CommentForm(),
        "is_member": member,
        "is_staff": is_staff(user),
        "can_edit": can_edit_small_grant(user, small_grant).allowed,
        "transitions": available_transitions(small_grant, user, SMALL_GRANT_TRANSITION_CHECKS),
        "withdraw_form": WithdrawForm(),
        "history": history_of(small_grant),
        # who did what is shown to the organisation and the staff; the public sees what happened and when
        "show_actors": member or is_staff(user),
        **extra,
    }


@require_GET
def small_grant_detail(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    return render(request, "smallgrants/detail.html", _detail_context(request, small_grant))


@require_GET
def small_grant_pdf(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    if small_grant.offer_document is None:
        return render(
            request,
            "core/forbidden.html",
            {"reason": _("This offer has not been submitted yet: its PDF is made when it is submitted.")},
            status=404,
        )
    return stored_document_response(small_grant.offer_document, f"oferta-uproszczona-{small_grant.pk}.pdf")


def _client(request):
    return request.META.get("REMOTE_ADDR", "")


@require_POST
def small_grant_comment(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    form = CommentForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if data["website"]:  # the honeypot: a robot filled in the field people cannot see
            messages.success(request, _("Thank you. Your comment has been received and awaits moderation."))
            return redirect(reverse("smallgrants:detail", args=[pk]) + "#comments-heading")
        try:
            services.comment_add(
                small_grant=small_grant,
                author_name=data["author_name"],
                author_email=data["author_email"],
                text=data["text"],
                client=_client(request),
            )
        except InvalidState as error:
            messages.error(request, error.message)
            return render(request, "smallgrants/detail.html", _detail_context(request, small_grant), status=409)
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "Thank you. Your comment has been received and awaits moderation: it will appear here once "
                    "the NGO Centre publishes it."
                ),
            )
            return redirect(reverse("smallgrants:detail", args=[pk]) + "#comments-heading")
    context = _detail_context(request, small_grant, comment_form=form)
    return render(request, "smallgrants/detail.html", context, status=400)


def _editable(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    return small_grant, can_edit_small_grant(request.user, small_grant)


def _wants_json(request):
    """The editor's autosave (static/js/offer-autosave.js) posts in the background and reads JSON."""
    return request.headers.get("X-Requested-With") == "fetch"


@login_required
def small_grant_edit(request, pk):
    small_grant, allowed = _editable(request, pk)
    if not allowed:
        return render(request, "core/forbidden.html", {"reason": allowed.reason}, status=403)
    if request.method == "POST":
        form = SmallGrantEditForm(request.POST, small_grant=small_grant)
        if form.is_valid():
            try:
                small_grant = services.small_grant_save(
                    small_grant=small_grant,
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    sphere=form.cleaned_data["sphere"],
                    form=form.cleaned_data["form"],
                    content=form.to_content(),
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                if _wants_json(request):
                    return JsonResponse(
                        {"saved": True, "saved_at": timezone.localtime().strftime("%H:%M"), "errors": {}}
                    )
                if request.POST.get("add_row"):
                    return render(
                        request,
                        "smallgrants/edit.html",
                        {"small_grant": small_grant, "form": form, "saved": True},
                    )
                messages.success(request, _("The draft has been saved as typed."))
                if request.POST.get("next") == "summary":
                    return redirect("smallgrants:summary", small_grant.pk)
                return redirect("smallgrants:edit", small_grant.pk)
        if _wants_json(request):
            return JsonResponse({"saved": False, "errors": form.errors.get_json_data()}, status=400)
        status = 400
    else:
        form = SmallGrantEditForm(small_grant=small_grant)
        status = 200
    return render(request, "smallgrants/edit.html", {"small_grant": small_grant, "form": form}, status=status)


def _summary(request, small_grant, *, errors=None, status=200):
    blockers = services.submission_blockers(small_grant)
    try:
        caps = caps_summary(small_grant, on=timezone.localdate())
        refusals = [] if blockers else cap_refusals(small_grant, on=timezone.localdate())
    except DomainError as error:
        caps, refusals = None, [error.message]
    return render(
        request,
        "smallgrants/summary.html",
        {
            "small_grant": small_grant,
            "offer": offer_view(small_grant),
            "blockers": blockers,
            "refusals": refusals,
            "caps": caps,
            "errors": errors,
        },
        status=status,
    )


@login_required
def small_grant_summary(request, pk):
    small_grant, allowed = _editable(request, pk)
    if not allowed:
        return render(request, "core/forbidden.html", {"reason": allowed.reason}, status=403)
    return _summary(request, small_grant)


@login_required
@require_POST
def small_grant_submit(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    try:
        services.small_grant_submit(small_grant=small_grant, actor=request.user)
    except DomainError as error:
        if error.status == 403:
            raise
        small_grant.refresh_from_db()
        messages_ = [error.message, *error.errors.get("__all__", [])]
        return _summary(request, small_grant, errors=messages_, status=400)
    messages.success(request, _("The offer has been submitted. The confirmation of receipt has been sent by e-mail."))
    return redirect("smallgrants:detail", pk)


@login_required
@require_POST
def small_grant_withdraw(request, pk):
    small_grant = small_grant_visible(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.small_grant_withdraw(small_grant=small_grant, actor=request.user, reason=reason)
    messages.success(request, _("The offer has been withdrawn."))
    return redirect("smallgrants:detail", pk)
