"""The committee's pages.

Member area (``/evaluation/``): the person's committees; per call the impartiality declaration
(until it is signed nothing about the offers is shown, not even a title), then the offers they may
read with their card status (excluded ones with the ground), the offer itself, the scoring card,
recording an exclusion, and the chair's progress (who scored what, never the points while scoring
is open). Officials' panel (``/panel/calls/<pk>/committee/``): members, appointments, the chair,
exclusions, opening and closing the scoring, progress.

Every refusal says why (:mod:`evaluation.rules`); forms refused by a service answer 400 keeping
everything typed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from applications.documents import offer_content
from applications.models import Application
from calls.models import Call
from core.errors import DomainError
from core.forms import apply_domain_error
from core.roles import is_official
from core.transitions import available_transitions, history
from core.views import forbidden, form_page, staff_required

from . import services
from .enums import EvaluationStatus
from .forms import AppointForm, DeclarationForm, ExclusionForm, RemoveForm, ScoreCardForm
from .models import CommitteeMember, Evaluation, Exclusion, ScoreCard
from .rules import (
    EVALUATION_TRANSITION_CHECKS,
    EXPERT,
    NOT_MEMBER,
    NOT_SIGNED,
    can_manage_committee,
    can_read_offer,
    can_record_exclusion,
    can_score,
    can_see_progress,
    can_sign_declaration,
    has_signed,
    member_of,
)
from .selectors import evaluated_offers, scoring_progress

# Cell values of the progress table (member × offer).


# --- Member area ------------------------------------------------------------------------------------


@login_required
@require_GET
def my_committees(request):
    seats = (
        CommitteeMember.objects.filter(user=request.user)
        .select_related("evaluation__call__task__programme", "declaration")
        .order_by("-evaluation__call__offer_deadline", "-pk")
    )
    return render(request, "evaluation/my_committees.html", {"seats": seats})


def _seat(request, call_pk):
    """(call, evaluation or None, the person's seat or None)."""
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=call_pk)
    evaluation = Evaluation.objects.filter(call=call).first()
    member = member_of(request.user, evaluation) if evaluation is not None else None
    return call, evaluation, member


@login_required
@require_GET
def committee(request, call_pk):
    """The member's page of one call: the offers they may read, with their cards (after signing)."""
    call, evaluation, member = _seat(request, call_pk)
    if member is None:
        return forbidden(request, NOT_MEMBER)
    if not has_signed(member):
        return redirect("evaluation:declaration", call.pk)
    exclusions = {exclusion.application_id: exclusion for exclusion in member.exclusions.all()}
    cards = {card.application_id: card for card in member.cards.all()}
    rows = [
        {"offer": offer, "exclusion": exclusions.get(offer.pk), "card": cards.get(offer.pk)}
        for offer in evaluated_offers(call.pk)
    ]
    return render(
        request,
        "evaluation/committee.html",
        {
            "call": call,
            "evaluation": evaluation,
            "member": member,
            "rows": rows,
            "can_see_progress": can_see_progress(request.user, evaluation),
            "can_close": "close_scoring"
            in available_transitions(evaluation, request.user, EVALUATION_TRANSITION_CHECKS),
            "can_record_exclusion": can_record_exclusion(request.user, evaluation, member),
            "scoring_open": evaluation.status == EvaluationStatus.SCORING,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def declaration(request, call_pk):
    """The impartiality declaration: the text as it will be stored, declared links, the signature."""
    call, evaluation, member = _seat(request, call_pk)
    if member is None:
        return forbidden(request, NOT_MEMBER)
    context = {"call": call, "evaluation": evaluation, "member": member}
    if has_signed(member):
        signed = member.declaration
        return render(
            request,
            "evaluation/declaration_signed.html",
            {**context, "declaration": signed, "linked": signed.linked_organisations.order_by("name")},
        )
    allowed = can_sign_declaration(request.user, evaluation)
    if not allowed:
        return forbidden(request, allowed.reason)
    return form_page(
        request,
        form=DeclarationForm(request.POST or None),
        save=lambda data: services.declaration_sign(
            actor=request.user, evaluation=evaluation, linked_organisations=data["linked_organisations"]
        ),
        template="evaluation/declaration.html",
        context=context,
        success_message=_(
            "You have signed the impartiality declaration. The offers you may evaluate are listed below."
        ),
        redirect_to=lambda signed: ("evaluation:committee", call.pk),
    )


def _offer_for_member(request, pk):
    """(application, evaluation, member) for a committee member reading offer ``pk``: 404 for anyone not
    on the call's committee (as for any offer they may not see); the member's denial comes after."""
    application = get_object_or_404(Application.objects.select_related("call", "organisation", "offer_document"), pk=pk)
    evaluation = Evaluation.objects.filter(call_id=application.call_id).first()
    member = member_of(request.user, evaluation) if evaluation is not None else None
    if member is None:
        raise Http404
    return application, evaluation, member


@login_required
@require_GET
def offer(request, pk):
    """An offer as the committee reads it; 403 with the reason for the unsigned and the excluded."""
    application, evaluation, member = _offer_for_member(request, pk)
    allowed = can_read_offer(request.user, evaluation, application)
    if not allowed:
        return forbidden(request, allowed.reason)
    return render(
        request,
        "evaluation/offer.html",
        {
            "application": application,
            "call": application.call,
            "evaluation": evaluation,
            "member": member,
            "offer": offer_content(application),
            "card": ScoreCard.objects.filter(member=member, application=application).first(),
            "attachments": application.attachments.all(),
        },
    )


def _card_action(request, application, form):
    """Save the card (and submit it if asked). Returns a redirect, or None with the refusal on ``form``."""
    submit = request.POST.get("action") == "submit"
    try:
        services.card_save(
            actor=request.user, application=application, scores=form.scores(), remarks=form.cleaned_data["remarks"]
        )
    except DomainError as error:
        apply_domain_error(form, error)
        return None
    if not submit:
        messages.success(request, _("Your card has been saved as a draft. You can change it until you submit it."))
        return redirect("evaluation:card", application.pk)
    try:
        services.card_submit(actor=request.user, application=application)
    except DomainError as error:
        form.add_error(None, _("Your draft has been saved, but the card was not submitted."))
        apply_domain_error(form, error)
        return None
    messages.success(request, _("Your card has been submitted."))
    return redirect("evaluation:committee", application.call_id)


@login_required
@require_http_methods(["GET", "POST"])
def card(request, pk):
    """The member's scoring card for one offer: save a draft or submit; read-only once submitted or closed."""
    application, evaluation, member = _offer_for_member(request, pk)
    allowed = can_read_offer(request.user, evaluation, application)
    if not allowed:
        return forbidden(request, allowed.reason)
    if not member.votes:
        return forbidden(request, EXPERT)
    card = ScoreCard.objects.filter(member=member, application=application).prefetch_related("scores").first()
    editable = can_score(request.user, evaluation, application, card)
    if request.method == "POST" and not editable:
        return forbidden(request, editable.reason)
    form = ScoreCardForm(
        request.POST or None, criteria=application.call.criteria.all(), card=card, read_only=not editable
    )
    if request.method == "POST" and form.is_valid():
        response = _card_action(request, application, form)
        if response is not None:
            return response
    return render(
        request,
        "evaluation/card.html",
        {
            "application": application,
            "call": application.call,
            "evaluation": evaluation,
            "member": member,
            "card": card,
            "form": form,
            "rows": form.rows(),
            "editable": editable,
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def exclusion_new(request, call_pk):
    """Record an exclusion: a member their own, the chair and officials anyone's."""
    call, evaluation, own = _seat(request, call_pk)
    official = is_official(request.user)
    if evaluation is None:
        raise Http404
    if not official:
        if own is None:
            return forbidden(request, NOT_MEMBER)
        if not has_signed(own):
            return forbidden(request, NOT_SIGNED)
    # (an official need not sit on the committee: the rule allows officials before looking at the seat)
    allowed = can_record_exclusion(request.user, evaluation, own)
    if not allowed:
        return forbidden(request, allowed.reason)
    members = evaluation.members.select_related("user")
    if not (official or own.is_chair):
        members = members.filter(pk=own.pk)
    form = ExclusionForm(
        request.POST or None,
        members=members,
        offers=evaluated_offers(call.pk),
        initial={"member": own.pk if own else None},
    )
    back = ("committee_panel:committee", call.pk) if official and own is None else ("evaluation:committee", call.pk)
    return form_page(
        request,
        form=form,
        save=lambda data: services.exclusion_record(
            actor=request.user, member=data["member"], application=data["application"], ground=data["ground"]
        ),
        template="evaluation/exclusion_form.html",
        context={"call": call, "evaluation": evaluation, "back": back},
        success_message=_("The exclusion has been recorded."),
        redirect_to=lambda exclusion: back,
    )


@login_required
@require_GET
def progress(request, call_pk):
    """Who scored what (the chair; officials and the approver): card statuses, never points."""
    call, evaluation, _member = _seat(request, call_pk)
    if evaluation is None:
        raise Http404
    allowed = can_see_progress(request.user, evaluation)
    if not allowed:
        return forbidden(request, allowed.reason)
    return render(
        request,
        "evaluation/progress.html",
        {
            "call": call,
            "evaluation": evaluation,
            "progress": scoring_progress(evaluation),
            "can_close": "close_scoring"
            in available_transitions(evaluation, request.user, EVALUATION_TRANSITION_CHECKS),
        },
    )


# --- Officials' panel -------------------------------------------------------------------------------


def _panel_evaluation(pk):
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=pk)
    # Shown unsaved until the first appointment: opening the page writes nothing.
    evaluation = Evaluation.objects.filter(call=call).first() or Evaluation(call=call)
    return call, evaluation


def _committee_context(request, call, evaluation, **extra):
    saved = evaluation.pk is not None
    members = list(evaluation.members.select_related("user", "nominated_by", "declaration")) if saved else []
    exclusions = (
        list(
            Exclusion.objects.filter(member__evaluation=evaluation)
            .select_related("member__user", "application__organisation", "recorded_by")
            .order_by("application_id", "member_id")
        )
        if saved
        else []
    )
    transitions = available_transitions(evaluation, request.user, EVALUATION_TRANSITION_CHECKS) if saved else []
    manage = can_manage_committee(request.user, evaluation)
    return {
        "call": call,
        "evaluation": evaluation,
        "members": members,
        "exclusions": exclusions,
        "can_manage": manage,
        "can_open": manage and evaluation.status == EvaluationStatus.PREPARING,
        "open_problems": services.scoring_open_problems(evaluation),
        "can_close": "close_scoring" in transitions,
        "progress": scoring_progress(evaluation),
        "history": history(evaluation) if saved else [],
        "can_record_exclusion": saved
        and is_official(request.user)
        and bool(can_record_exclusion(request.user, evaluation, None)),
        "appoint_form": AppointForm(),
        **extra,
    }


@staff_required
@require_GET
def committee_panel(request, pk):
    call, evaluation = _panel_evaluation(pk)
    return render(request, "evaluation/panel_committee.html", _committee_context(request, call, evaluation))


@staff_required
@require_POST
def committee_appoint(request, pk):
    call, evaluation = _panel_evaluation(pk)
    allowed = can_manage_committee(request.user, evaluation)
    if not allowed:
        return forbidden(request, allowed.reason)
    form = AppointForm(request.POST)
    if form.is_valid():
        try:
            with transaction.atomic():  # a refused first appointment leaves no empty evaluation behind
                member = services.member_appoint(
                    actor=request.user, evaluation=services.evaluation_for(call), **form.service_arguments()
                )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(request, _("%(person)s has been appointed. A notice is on its way.") % {"person": member})
            return redirect("committee_panel:committee", call.pk)
    context = _committee_context(request, call, evaluation, appoint_form=form)
    return render(request, "evaluation/panel_committee.html", context, status=400)


def _panel_member(pk):
    return get_object_or_404(CommitteeMember.objects.select_related("evaluation__call", "user"), pk=pk)


@staff_required
@require_POST
def committee_member_remove(request, pk):
    member = _panel_member(pk)
    form = RemoveForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.member_remove(actor=request.user, member=member, reason=reason)  # a refusal: core.middleware
    messages.success(request, _("%(person)s has been removed from the committee.") % {"person": member})
    return redirect("committee_panel:committee", member.evaluation.call_id)


@staff_required
@require_POST
def committee_member_chair(request, pk):
    member = _panel_member(pk)
    services.member_make_chair(actor=request.user, member=member)
    messages.success(request, _("%(person)s now chairs the committee.") % {"person": member})
    return redirect("committee_panel:committee", member.evaluation.call_id)


@staff_required
@require_POST
def scoring_open(request, pk):
    call, evaluation = _panel_evaluation(pk)
    if evaluation.pk is None:
        allowed = EVALUATION_TRANSITION_CHECKS["open_scoring"](request.user, evaluation)
        if not allowed:
            return forbidden(request, allowed.reason)
        context = _committee_context(request, call, evaluation, open_refused=True)
        return render(request, "evaluation/panel_committee.html", context, status=400)
    try:
        services.scoring_open(actor=request.user, evaluation=evaluation)
    except DomainError as error:
        if error.code != "not_ready":
            raise
        context = _committee_context(request, call, evaluation, open_refused=True)
        return render(request, "evaluation/panel_committee.html", context, status=400)
    messages.success(request, _("The scoring is open. Members who signed the declaration can score the offers."))
    return redirect("committee_panel:committee", call.pk)


def _scoring_close(request, pk, *, panel):
    """Close the scoring after a warning that lists the cards not submitted (they will not count)."""
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=pk)
    evaluation = Evaluation.objects.filter(call=call).first()
    if evaluation is None:
        raise Http404
    allowed = EVALUATION_TRANSITION_CHECKS["close_scoring"](request.user, evaluation)
    if not allowed:
        return forbidden(request, allowed.reason)
    back = ("committee_panel:committee", call.pk) if panel else ("evaluation:committee", call.pk)
    if request.method == "POST":
        services.scoring_close(actor=request.user, evaluation=evaluation)  # a refusal: core.middleware
        messages.success(request, _("The scoring is closed. The offers have been marked as scored."))
        return redirect(*back)
    return render(
        request,
        "evaluation/close_scoring.html",
        {
            "call": call,
            "evaluation": evaluation,
            "missing": services.missing_cards(evaluation),
            "panel": panel,
            "base_template": "panel/base_panel.html" if panel else "evaluation/base_member.html",
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def scoring_close(request, pk):
    return _scoring_close(request, pk, panel=True)


@login_required
@require_http_methods(["GET", "POST"])
def chair_scoring_close(request, call_pk):
    """The chair closes the scoring from the member area (officials may use either page)."""
    return _scoring_close(request, call_pk, panel=False)
