"""Pages after the committee's scoring: the ranking and its protocol, the approver's decisions and their
publication, the public results, the update of a partially awarded offer and requests for reasons.

Panel pages send anonymous visitors to the login page. The ranking and the protocol are for
officials, the approver and the call's committee members who signed the declaration, once scoring
has closed (:func:`evaluation.rules.can_see_scores`); everyone else gets the panel's reasoned 403.
The other panel pages are for officials and the approver (:func:`core.views.staff_required`), each
action checked by its service. The public results page is cached like the other public pages; the
form asking for reasons is on its own page (a cached page cannot carry a CSRF token).
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from applications.completeness import offer_blockers, offer_budget
from applications.enums import ApplicationStatus
from applications.models import Application
from applications.rules import APPLICATION_TRANSITION_CHECKS, is_member
from calls.models import Call
from core.errors import DomainError
from core.forms import apply_domain_error
from core.models import StatusChange
from core.public_cache import public_page
from core.roles import is_approver, is_official
from core.views import forbidden, staff_required

from . import decisions as services
from . import result_forms as forms
from .documents import protocol_store
from .enums import EvaluationStatus
from .models import Decision, Evaluation, ReasonRequest
from .ranking import evaluation_ranking, requested_when_scored
from .rules import EVALUATION_TRANSITION_CHECKS, can_answer_reason_request, can_decide, can_see_scores, member_of

UPDATE_STATES = (ApplicationStatus.UPDATE_REQUIRED, ApplicationStatus.UPDATE_SUBMITTED)


def _evaluation(pk):
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=pk)
    evaluation = Evaluation.objects.select_related("call__task__programme", "protocol_document").filter(call=call)
    evaluation = evaluation.first()
    if evaluation is None:
        raise Http404(_("This call has no evaluation yet."))
    return evaluation


def _panel_denial(request):
    return forbidden(request, _("This panel is for officials of the NGO Centre and the approver."))


def scores_required(view):
    """Officials, the approver and the call's committee members; the rest of the rule is can_see_scores."""

    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        evaluation = _evaluation(pk)
        staff = is_official(request.user) or is_approver(request.user)
        if not staff and member_of(request.user, evaluation) is None:
            return _panel_denial(request)
        allowed = can_see_scores(request.user, evaluation)
        if not allowed:
            return forbidden(request, allowed.reason)
        return view(request, evaluation, *args, **kwargs)

    return wrapper


# --- Ranking and protocol ------------------------------------------------------------------------


@scores_required
@require_GET
def ranking_page(request, evaluation):
    return render(
        request,
        "results/ranking.html",
        {
            "evaluation": evaluation,
            "call": evaluation.call,
            "ranking": evaluation_ranking(evaluation),
            "is_staff": is_official(request.user) or is_approver(request.user),
        },
    )


@scores_required
@require_GET
def protocol_pdf(request, evaluation):
    """The committee's protocol, stored the first time it is asked for (and the same file after)."""
    document = protocol_store(evaluation)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="protokol-komisji-{evaluation.call_id}.pdf"'
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-store"
    return response


# --- Decisions and publication -------------------------------------------------------------------


def _decision_rows(evaluation, ranking, bound=None):
    """One row per ranked offer: the ranking row, its decision and (when it can be decided) its form."""
    existing = {d.application_id: d for d in Decision.objects.filter(application__call_id=evaluation.call_id)}
    rows = []
    for row in ranking.rows:
        application = row.subject
        decision = existing.get(application.pk)
        form = None
        if application.status == ApplicationStatus.SCORED:
            prefix = f"offer-{application.pk}"
            if bound is not None and bound[0] == application.pk:
                form = bound[1]
            else:
                if decision is not None:
                    initial = {
                        "awarded": forms.AWARD if decision.awarded else forms.REFUSE,
                        "amount": _typed(decision.amount) if decision.awarded else "",
                        "reason": decision.reason,
                    }
                else:
                    proposed = row.proposed or None
                    initial = {
                        "awarded": forms.AWARD if proposed else (forms.REFUSE if row.proposed is not None else None),
                        "amount": _typed(proposed) if proposed else "",
                    }
                form = forms.DecisionForm(prefix=prefix, initial=initial)
        rows.append({"row": row, "application": application, "decision": decision, "form": form})
    return rows


def _typed(amount):
    """An amount as people type it here: ``12500,00``."""
    return f"{amount:.2f}".replace(".", ",") if amount is not None else ""


def _decisions_context(request, evaluation, bound=None):
    ranking = evaluation_ranking(evaluation)
    call = evaluation.call
    awarded = services.awards_total(call)
    rows = _decision_rows(evaluation, ranking, bound)
    return {
        "evaluation": evaluation,
        "call": call,
        "ranking": ranking,
        "rows": rows,
        "awarded_total": awarded,
        "remaining": None if call.funds is None else call.funds - awarded,
        "can_decide": can_decide(request.user, evaluation),
        "missing": [r for r in rows if r["form"] is not None and r["decision"] is None],
        "published": evaluation.status == EvaluationStatus.PUBLISHED,
        "updates": [r for r in rows if r["application"].status in (*UPDATE_STATES, ApplicationStatus.DECLINED)],
    }


@staff_required
@require_http_methods(["GET", "POST"])
def decisions_page(request, pk):
    evaluation = _evaluation(pk)
    visible = can_see_scores(request.user, evaluation)  # the page shows results and proposals
    if not visible:
        return forbidden(request, visible.reason)
    if request.method == "POST":
        allowed = can_decide(request.user, evaluation)
        if not allowed:
            return forbidden(request, allowed.reason)
        application = get_object_or_404(Application, pk=request.POST.get("application") or 0, call=evaluation.call)
        form = forms.DecisionForm(request.POST, prefix=f"offer-{application.pk}")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.decision_prepare(
                    actor=request.user,
                    application=application,
                    awarded=data["awarded"] == forms.AWARD,
                    amount=data["amount"],
                    reason=data["reason"],
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("The decision on “%(title)s” has been saved.") % {"title": application.title}
                )
                return redirect(f"{request.path}#offer-{application.pk}")
        context = _decisions_context(request, evaluation, bound=(application.pk, form))
        return render(request, "results/decisions.html", {**context, "error_offer": application}, status=400)
    return render(request, "results/decisions.html", _decisions_context(request, evaluation))


@staff_required
@require_http_methods(["GET", "POST"])
def publish_page(request, pk):
    evaluation = _evaluation(pk)
    allowed = EVALUATION_TRANSITION_CHECKS["publish"](request.user, evaluation)
    if allowed:
        allowed = can_see_scores(request.user, evaluation)
    if not allowed:
        return forbidden(request, allowed.reason)
    form = forms.PublishForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        try:
            services.results_publish(actor=request.user, evaluation=evaluation)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The results have been published. Notices are on their way."))
            return redirect("call_results", evaluation.call_id)
    context = _decisions_context(request, evaluation)
    status = error.status if error else (400 if form.errors else 200)
    return render(request, "results/publish.html", {**context, "form": form, "error": error}, status=status)


# --- Public results --------------------------------------------------------------------------------


def _is_number(text):
    return text.isascii() and text.isdigit()


def _published(pk):
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=pk)
    evaluation = Evaluation.objects.select_related("results_document").filter(call=call).first()
    if evaluation is None or evaluation.status != EvaluationStatus.PUBLISHED:
        raise Http404(_("The results of this call have not been published."))
    return call, evaluation


def _published_decisions(call):
    return list(
        Decision.objects.filter(application__call=call, published_at__isnull=False)
        .select_related("application__organisation")
        .order_by("-awarded", "-amount", "application__organisation__name", "application_id")
    )


@require_GET
@public_page
def call_results(request, pk):
    call, evaluation = _published(pk)
    decided = _published_decisions(call)
    awarded = [d for d in decided if d.awarded]
    return render(
        request,
        "results/results.html",
        {
            "call": call,
            "evaluation": evaluation,
            "awarded": awarded,
            "not_chosen": [d for d in decided if not d.awarded],
            "awarded_total": sum(d.amount for d in awarded),
        },
    )


@require_GET
def call_results_pdf(request, pk):
    call, evaluation = _published(pk)
    document = evaluation.results_document
    if document is None:
        raise Http404
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="wyniki-konkursu-{call.pk}.pdf"'
    response["X-Content-SHA256"] = document.sha256
    return response


@require_http_methods(["GET", "POST"])
def call_reason_request(request, pk):
    """Anyone asks for the reasons for choosing or rejecting one of the call's offers."""
    call, evaluation = _published(pk)
    deadline = services.reason_request_deadline(evaluation)
    last_day = timezone.localdate(deadline) - datetime.timedelta(days=1)
    offers = [d.application for d in _published_decisions(call)]
    initial = {"offer": request.GET.get("offer")} if _is_number(request.GET.get("offer", "")) else None
    form = forms.ReasonRequestForm(offers, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        application = next(o for o in offers if o.pk == data["offer"])
        try:
            services.reason_request_create(
                application=application, name=data["name"], email=data["email"], question=data["question"]
            )
        except DomainError as error:
            apply_domain_error(form, error)
        else:
            messages.success(
                request,
                _("Your request has been received. The answer will be sent to %(email)s.") % {"email": data["email"]},
            )
            return redirect("call_results", call.pk)
    return render(
        request,
        "results/reason_request.html",
        {"call": call, "form": form, "last_day": last_day, "closed": timezone.now() >= deadline},
        status=400 if form.errors else 200,
    )


# --- Reasons: the officials' side ------------------------------------------------------------------


@staff_required
@require_GET
def reason_requests_page(request):
    allowed = can_answer_reason_request(request.user)
    if not allowed:
        return forbidden(request, allowed.reason)
    requests = ReasonRequest.objects.select_related(
        "application__call", "application__organisation", "answered_by"
    ).order_by("answered_at", "-submitted_at", "pk")
    return render(request, "results/reason_requests.html", {"requests": requests})


@staff_required
@require_http_methods(["GET", "POST"])
def reason_request_page(request, pk):
    reason_request = get_object_or_404(
        ReasonRequest.objects.select_related("application__call", "application__organisation", "answered_by"), pk=pk
    )
    allowed = can_answer_reason_request(request.user)
    if not allowed:
        return forbidden(request, allowed.reason)
    form = None
    if reason_request.answered_at is None:
        initial = {"answer": services.reason_answer_draft(reason_request)} if request.method == "GET" else None
        form = forms.ReasonAnswerForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.reason_request_answer(
                    actor=request.user, reason_request=reason_request, answer=form.cleaned_data["answer"]
                )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                messages.success(
                    request, _("The answer has been sent to %(email)s.") % {"email": reason_request.requester_email}
                )
                return redirect("results:reason_requests")
    elif request.method == "POST":
        return forbidden(request, _("This request has already been answered."), status=409)
    return render(
        request,
        "results/reason_request_answer.html",
        {"request_": reason_request, "application": reason_request.application, "form": form},
        status=400 if form is not None and form.errors else 200,
    )


# --- The update after a partial award ----------------------------------------------------------------


def _update_context(application):
    evaluation = Evaluation.objects.filter(call_id=application.call_id).first()
    _lines, sources, _problems = offer_budget(application)
    returns = StatusChange.objects.filter(
        content_type__app_label="applications",
        content_type__model="application",
        object_id=application.pk,
        transition="return_update",
    ).order_by("-created_at", "-pk")
    versions = list(application.versions.select_related("offer_document", "confirmation_document").order_by("number"))
    return {
        "application": application,
        "call": application.call,
        "decision": Decision.objects.filter(application=application).first(),
        "requested": requested_when_scored(application, evaluation) if evaluation else application.requested_amount,
        "grant": sources.grant,
        "grant_problem": services.update_grant_problem(application),
        "blockers": offer_blockers(application) if application.status == ApplicationStatus.UPDATE_REQUIRED else [],
        "last_return": returns.first(),
        "latest_version": versions[-1] if versions else None,
        "versions": versions,
    }


@login_required
@require_http_methods(["GET", "POST"])
def offer_update(request, pk):
    """The organisation's page for a partially awarded offer: update (in the editor) and send, or decline."""
    application = get_object_or_404(
        Application.objects.select_related("call__task", "organisation").prefetch_related("versions"), pk=pk
    )
    if not is_member(request.user, application.organisation_id):
        raise Http404
    decline_form = forms.DeclineForm(request.POST if request.POST.get("action") == "decline" else None)
    error = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "submit":
                services.update_submit(actor=request.user, application=application)
                messages.success(
                    request,
                    _("The updated offer has been sent. The NGO Centre will confirm it or ask for corrections."),
                )
                return redirect("offer_update", application.pk)
            if action == "decline" and decline_form.is_valid():
                services.update_decline(
                    actor=request.user, application=application, reason=decline_form.cleaned_data["reason"]
                )
                messages.success(request, _("You have declined the grant. The NGO Centre has been notified."))
                return redirect("offer_detail", application.pk)
        except DomainError as exc:
            error = exc
    context = _update_context(application)
    status = error.status if error else (400 if decline_form.errors else 200)
    return render(
        request,
        "results/offer_update.html",
        {**context, "decline_form": decline_form, "error": error, "update_states": UPDATE_STATES},
        status=status,
    )


@staff_required
@require_http_methods(["GET", "POST"])
def update_review(request, pk):
    """Officials confirm the updated offer or return it for correction (with what to correct)."""
    application = get_object_or_404(
        Application.objects.select_related("call__task", "organisation").prefetch_related("versions"), pk=pk
    )
    can_review = application.status == ApplicationStatus.UPDATE_SUBMITTED and is_official(request.user)
    form = forms.UpdateReviewForm(request.POST or None)
    if request.method == "POST":
        allowed = APPLICATION_TRANSITION_CHECKS["confirm_update"](request.user, application)
        if not allowed:
            return forbidden(request, allowed.reason)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["decision"] == forms.CONFIRM:
                    services.update_confirm(actor=request.user, application=application, reason=data["reason"])
                    messages.success(request, _("The update has been confirmed. The organisation has been notified."))
                else:
                    services.update_return(actor=request.user, application=application, reason=data["reason"])
                    messages.success(
                        request, _("The update has been returned for correction. The organisation has been notified.")
                    )
            except DomainError as error:
                apply_domain_error(form, error)
            else:
                return redirect("results:update_review", application.pk)
    return render(
        request,
        "results/update_review.html",
        {**_update_context(application), "form": form, "can_review": can_review},
        status=400 if form.errors else 200,
    )
