"""The offer page (mounted at /offers/<pk>/): what was submitted and what happened to it since.

Seen by the offering organisation's members, officials and the approver
(:func:`applications.rules.can_view_application`); anyone else gets 404, so nobody learns that an
offer exists; anonymous visitors go to the login page. Members withdraw the offer here.
"""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from agreements.models import Agreement
from core.roles import is_approver, is_official
from core.transitions import available_transitions, history
from core.views import forbidden, form_page

from .documents import offer_content
from .enums import SUBMITTED_STATES, ApplicationStatus, AttachmentKind
from .models import Application, FormalOutcome
from .rules import APPLICATION_TRANSITION_CHECKS, EDITABLE_STATES, NOT_MEMBER, can_view_application, is_member
from .services import application_withdraw

TEMPLATE = "applications/detail.html"


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the withdrawal (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("I confirm that our organisation withdraws this offer. This cannot be undone."),
        error_messages={"required": gettext_lazy("Tick the box to confirm the withdrawal.")},
    )


def visible_offer(request, pk):
    """The offer with what its page shows, if the person may see it; otherwise 404."""
    application = get_object_or_404(
        Application.objects.select_related(
            "call", "organisation", "offer_document", "confirmation_document", "created_by"
        ),
        pk=pk,
    )
    if not can_view_application(request.user, application):
        raise Http404
    return application


def detail_context(request, application):
    user = request.user
    member = is_member(user, application.organisation_id)
    transitions = available_transitions(application, user, APPLICATION_TRANSITION_CHECKS)
    versions = list(
        application.versions.select_related("submitted_by", "offer_document", "confirmation_document").order_by(
            "number"
        )
    )
    checks = list(application.formal_checks.select_related("checked_by", "version"))
    returned = application.status == ApplicationStatus.RETURNED_FOR_CORRECTION
    last_return = next((check for check in reversed(checks) if check.outcome == FormalOutcome.RETURNED), None)
    agreement = Agreement.objects.filter(application=application).only("pk", "status", "number").first()
    return {
        "agreement": agreement,
        "can_prepare_agreement": is_official(user)
        and agreement is None
        and application.status == ApplicationStatus.AWARDED,
        "application": application,
        "offer": offer_content(application),
        "versions": versions,
        "checks": checks,
        "history": history(application),
        "returned": returned,
        "last_return": last_return if returned else None,
        "is_member": member,
        "can_edit": member and application.status in EDITABLE_STATES,
        "can_withdraw": "withdraw" in transitions,
        "can_check": is_official(user) and application.status == ApplicationStatus.SUBMITTED,
        "is_staff": is_official(user) or is_approver(user),
        "needs_signed_confirmation": member
        and application.status in SUBMITTED_STATES
        and not application.attachments.filter(kind=AttachmentKind.SIGNED_CONFIRMATION).exists(),
    }


@login_required
@require_GET
def offer_detail(request, pk):
    application = visible_offer(request, pk)
    return render(request, TEMPLATE, {**detail_context(request, application), "form": WithdrawForm()})


@login_required
@require_POST
def offer_withdraw(request, pk):
    """Withdraw the offer (members); a refusal answers 400 on the offer page, keeping the reason typed."""
    application = visible_offer(request, pk)
    if not is_member(request.user, application.organisation_id):
        return forbidden(request, NOT_MEMBER)
    return form_page(
        request,
        form=WithdrawForm(request.POST),
        save=lambda data: application_withdraw(application=application, actor=request.user, reason=data["reason"]),
        template=TEMPLATE,
        context=detail_context(request, application),
        success_message=_("The offer has been withdrawn. The NGO Centre has been notified."),
        redirect_to=lambda withdrawn: ("offer_detail", withdrawn.pk),
    )
