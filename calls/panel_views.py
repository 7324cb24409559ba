"""The officials' panel: programmes, tasks, calls, criteria, announcing and cancelling."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from core.transitions import available_transitions, history
from core.views import forbidden, form_page, staff_required

from . import services
from .announcement import announcement_problems, minimum_deadline_for_display
from .enums import CallStatus
from .forms import CallForm, CancelForm, CriterionFormSet, ProgrammeForm, PublicTaskForm
from .models import AnnualProgramme, Call, PublicTask
from .rules import CALL_TRANSITION_CHECKS, can_edit_call, can_manage_programme


@staff_required
def dashboard(request):
    programmes = AnnualProgramme.objects.all()
    calls = Call.objects.select_related("task__programme").order_by("-updated_at")[:20]
    return render(request, "panel/dashboard.html", {"programmes": programmes, "calls": calls})


@staff_required
def programme_edit(request, pk=None):
    programme = get_object_or_404(AnnualProgramme, pk=pk) if pk else None
    decision = can_manage_programme(request.user, programme)
    if not decision:
        return forbidden(request, decision.reason)
    form = ProgrammeForm(request.POST or None, instance=programme)
    return form_page(
        request,
        form=form,
        save=lambda data: services.programme_save(actor=request.user, data=data, programme=programme),
        template="panel/programme_form.html",
        context={"programme": programme},
        success_message=_("The programme has been saved."),
        redirect_to=lambda obj: ("panel:programme", obj.pk),
    )


@staff_required
def programme_detail(request, pk):
    programme = get_object_or_404(AnnualProgramme, pk=pk)
    tasks = PublicTask.objects.filter(programme=programme).select_related("sphere").prefetch_related("calls")
    return render(request, "panel/programme_detail.html", {"programme": programme, "tasks": tasks})


@staff_required
def task_edit(request, pk=None):
    task = get_object_or_404(PublicTask, pk=pk) if pk else None
    decision = can_manage_programme(request.user, task)
    if not decision:
        return forbidden(request, decision.reason)
    initial = {"programme": request.GET.get("programme")} if task is None else None
    form = PublicTaskForm(request.POST or None, instance=task, initial=initial)
    return form_page(
        request,
        form=form,
        save=lambda data: services.task_save(actor=request.user, data=data, task=task),
        template="panel/task_form.html",
        context={"task": task},
        success_message=_("The task has been saved."),
        redirect_to=lambda obj: ("panel:programme", obj.programme_id),
    )


@staff_required
def call_edit(request, pk=None):
    call = get_object_or_404(Call, pk=pk) if pk else None
    decision = can_edit_call(request.user, call)
    if not decision:
        return forbidden(request, decision.reason)
    initial = {"task": request.GET.get("task")} if call is None else None
    form = CallForm(request.POST or None, instance=call, initial=initial)
    return form_page(
        request,
        form=form,
        save=lambda data: services.call_save(actor=request.user, data=data, call=call),
        template="panel/call_form.html",
        context={"call": call},
        success_message=_("The call has been saved."),
        redirect_to=lambda obj: ("panel:call", obj.pk),
    )


@staff_required
def call_detail(request, pk):
    call = get_object_or_404(Call.objects.select_related("task__programme", "task__sphere"), pk=pk)
    return render(
        request,
        "panel/call_detail.html",
        {
            "call": call,
            "criteria": call.criteria.all(),
            "history": history(call),
            "transitions": available_transitions(call, request.user, CALL_TRANSITION_CHECKS),
            "problems": announcement_problems(call) if call.status == CallStatus.DRAFT else {},
            "minimum_deadline": minimum_deadline_for_display(call),
            "can_edit": can_edit_call(request.user, call),
        },
    )


@staff_required
def call_criteria(request, pk):
    call = get_object_or_404(Call, pk=pk)
    decision = can_edit_call(request.user, call)
    if not decision:
        return forbidden(request, decision.reason)
    formset = CriterionFormSet(request.POST or None, instance=call)
    if request.method == "POST" and formset.is_valid():
        try:
            services.criteria_save(actor=request.user, call=call, formset=formset)
        except DomainError as error:
            formset._non_form_errors = formset.error_class([str(error.message)])
        else:
            messages.success(request, _("The criteria have been saved."))
            return redirect("panel:call", call.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "panel/call_criteria.html", {"call": call, "formset": formset}, status=status)


@staff_required
def call_announce(request, pk):
    call = get_object_or_404(Call.objects.select_related("task__programme", "task__sphere"), pk=pk)
    decision = CALL_TRANSITION_CHECKS["announce"](request.user, call)
    if not decision:
        return forbidden(request, decision.reason)
    error = None
    if request.method == "POST":
        try:
            services.call_announce(call=call, actor=request.user)
        except DomainError as exc:
            error = exc
        else:
            messages.success(request, _("The call has been announced. Notices are on their way."))
            return redirect("panel:call", call.pk)
    problems = error.errors if error else announcement_problems(call)
    return render(
        request,
        "panel/call_announce.html",
        {"call": call, "problems": problems, "error": error, "minimum_deadline": minimum_deadline_for_display(call)},
        status=error.status if error else 200,
    )


@staff_required
def call_cancel(request, pk):
    call = get_object_or_404(Call, pk=pk)
    decision = CALL_TRANSITION_CHECKS["cancel"](request.user, call)
    if not decision:
        return forbidden(request, decision.reason)
    return form_page(
        request,
        form=CancelForm(request.POST or None),
        save=lambda data: services.call_cancel(call=call, actor=request.user, **data),
        template="panel/call_cancel.html",
        context={"call": call},
        success_message=_("The competition has been cancelled."),
        redirect_to=lambda saved: ("panel:call", saved.pk),
    )


@staff_required
@require_POST
def call_transition(request, pk, name):
    call = get_object_or_404(Call, pk=pk)
    # A refusal (DomainError) is rendered by core.middleware with its reason and status.
    services.call_transition(call=call, name=name, actor=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, _("Done."))
    return redirect("panel:call", call.pk)
