"""The officials' panel for small grants (mounted under /panel/): the offers received, one offer with
its caps, comments and history, and the decisions: publish for comments, refuse, close the comments,
moderate the comments, prepare the agreement.

Anonymous visitors go to the login page; everyone but officials and the approver gets a reasoned 403
(:func:`core.views.staff_required`).
"""

import datetime

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.forms import apply_domain_error
from core.transitions import available_transitions
from core.views import staff_required

from . import services
from .caps import caps_summary
from .content import offer_view
from .enums import SmallGrantStatus
from .forms import ModerateForm, RejectForm
from .models import SmallGrant, SmallGrantComment
from .rules import SMALL_GRANT_TRANSITION_CHECKS, can_prepare_agreement, comment_period_over
from .selectors import comments_for, history_of

# An offer still to be published is flagged this many days before its publish-by date.
NEAR_DAYS = 2


@staff_required
def panel_list(request):
    today = timezone.localdate()
    grants = list(
        SmallGrant.objects.exclude(status=SmallGrantStatus.DRAFT)
        .select_related("organisation")
        .order_by("-submitted_at", "-pk")
    )
    for grant in grants:
        pending = grant.status == SmallGrantStatus.SUBMITTED and grant.publish_by is not None
        grant.overdue = pending and grant.publish_by < today
        grant.due_soon = (
            pending and not grant.overdue and grant.publish_by <= today + datetime.timedelta(days=NEAR_DAYS)
        )
    return render(
        request,
        "smallgrants/panel_list.html",
        {"grants": grants, "drafts": SmallGrant.objects.filter(status=SmallGrantStatus.DRAFT).count()},
    )


def _agreement_of(small_grant):
    return getattr(small_grant, "agreement", None) if hasattr(small_grant, "agreement") else None


def _detail(request, small_grant, *, status=200, **forms):
    on = timezone.localdate(small_grant.submitted_at) if small_grant.submitted_at else timezone.localdate()
    try:
        caps = caps_summary(small_grant, on=on)
    except DomainError:
        caps = None
    transitions = available_transitions(small_grant, request.user, SMALL_GRANT_TRANSITION_CHECKS)
    comments = list(comments_for(user=request.user, small_grant=small_grant))
    for comment in comments:
        comment.form = forms.get(f"moderate_{comment.pk}") or ModerateForm(prefix=f"c{comment.pk}")
    return render(
        request,
        "smallgrants/panel_detail.html",
        {
            "small_grant": small_grant,
            "offer": offer_view(small_grant),
            "caps": caps,
            "caps_on": on,
            "transitions": transitions,
            "period_over": bool(comment_period_over(small_grant)),
            "can_prepare_agreement": can_prepare_agreement(request.user, small_grant).allowed,
            "agreement": _agreement_of(small_grant),
            "comments": comments,
            "reject_form": forms.get("reject") or RejectForm(),
            "history": history_of(small_grant),
            "show_actors": True,
        },
        status=status,
    )


def _grant(pk):
    return get_object_or_404(SmallGrant.objects.select_related("organisation", "sphere", "programme"), pk=pk)


@staff_required
def panel_detail(request, pk):
    return _detail(request, _grant(pk))


def _act(request, pk, action, success):
    small_grant = _grant(pk)
    try:
        action(small_grant)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _detail(request, _grant(pk), status=400)
    messages.success(request, success)
    return redirect("panel_smallgrants:detail", pk)


@staff_required
@require_POST
def panel_publish(request, pk):
    return _act(
        request,
        pk,
        lambda sg: services.small_grant_publish(small_grant=sg, actor=request.user),
        _("The offer has been published for comments."),
    )


@staff_required
@require_POST
def panel_close_comments(request, pk):
    return _act(
        request,
        pk,
        lambda sg: services.small_grant_close_comments(small_grant=sg, actor=request.user),
        _("The comments have been closed."),
    )


@staff_required
@require_POST
def panel_reject(request, pk):
    small_grant = _grant(pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.small_grant_reject(small_grant=small_grant, actor=request.user, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.status == 403:
                raise
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The offer has been refused; the organisation has been told the reason."))
            return redirect("panel_smallgrants:detail", pk)
    return _detail(request, _grant(pk), status=400, reject=form)


@staff_required
@require_POST
def panel_prepare_agreement(request, pk):
    small_grant = _grant(pk)
    try:
        agreement = services.small_grant_prepare_agreement(small_grant=small_grant, actor=request.user)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, error.message)
        return _detail(request, _grant(pk), status=400)
    messages.success(request, _("The agreement has been prepared."))
    return redirect(f"/panel/agreements/{agreement.pk}/")


@staff_required
@require_POST
def panel_moderate(request, pk):
    comment = get_object_or_404(SmallGrantComment.objects.select_related("small_grant"), pk=pk)
    form = ModerateForm(request.POST, prefix=f"c{comment.pk}")
    if form.is_valid():
        try:
            services.comment_moderate(
                comment=comment,
                actor=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            if error.status == 403:
                raise
            apply_domain_error(form, error)
        else:
            messages.success(request, _("The comment has been moderated."))
            return redirect("panel_smallgrants:detail", comment.small_grant_id)
    return _detail(request, _grant(comment.small_grant_id), status=400, **{f"moderate_{comment.pk}": form})
