"""The officials' panel for offers (mounted under /panel/): the offers of a call and the formal check
(*ocena formalna*) of one offer.

Like the rest of the panel, anonymous visitors go to the login page and everyone but officials and
the approver gets a reasoned 403 (:func:`core.views.staff_required`); the formal check itself is for
officials only (:data:`applications.rules.APPLICATION_TRANSITION_CHECKS`).
"""

from collections import Counter

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from calls.models import Call
from core.errors import DomainError
from core.forms import DateTimeField
from core.roles import is_official
from core.views import forbidden, staff_required

from . import services
from .enums import ApplicationStatus
from .models import Application
from .rules import APPLICATION_TRANSITION_CHECKS, can_view_application, visible_applications_q

ACCEPT, RETURN, REJECT = "accept", "return", "reject"
MET, NOT_MET = "met", "not_met"


@staff_required
def call_offers(request, call_pk):
    """The submitted offers of a call (drafts are only counted), with counts per status."""
    call = get_object_or_404(Call.objects.select_related("task__programme"), pk=call_pk)
    offers = list(
        Application.objects.filter(call=call)
        .filter(visible_applications_q(request.user))
        .distinct()
        .exclude(status=ApplicationStatus.DRAFT)
        .select_related("organisation")
        .annotate(version_count=Count("versions"))
        .order_by("submitted_at", "pk")
    )
    counted = Counter(offer.status for offer in offers)
    return render(
        request,
        "panel/call_offers.html",
        {
            "call": call,
            "offers": offers,
            "counts": [(value, label, counted[value]) for value, label in ApplicationStatus.choices if counted[value]],
            "drafts": Application.objects.filter(call=call, status=ApplicationStatus.DRAFT).count(),
            "can_check": is_official(request.user),
            "submitted": ApplicationStatus.SUBMITTED,
        },
    )


class FormalCheckForm(forms.Form):
    """One fieldset per formal requirement of the call (met / not met, no default, and a note),
    then the decision with what it needs: the defects and a deadline, or the reason."""

    decision = forms.ChoiceField(
        label=gettext_lazy("Outcome of the formal check"),
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, gettext_lazy("Accept: the offer meets the formal requirements")),
            (RETURN, gettext_lazy("Return for correction")),
            (REJECT, gettext_lazy("Reject on formal grounds")),
        ],
        error_messages={"required": gettext_lazy("Choose the outcome of the formal check.")},
    )
    defects = forms.CharField(
        label=gettext_lazy("Defects to correct"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("One defect per line. The organisation receives this list."),
    )
    due = DateTimeField(
        label=gettext_lazy("Correction deadline"),
        required=False,
        help_text=gettext_lazy("Warsaw time. The corrected offer can be resubmitted until then."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for the rejection"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("The organisation receives this reason."),
    )

    def __init__(self, requirements, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = requirements
        fields = {}
        for index, text in enumerate(requirements):
            fields[f"met_{index}"] = forms.ChoiceField(
                label=f"{index + 1}. {text}",
                widget=forms.RadioSelect,
                choices=[
                    (MET, pgettext_lazy("formal requirement", "met")),
                    (NOT_MET, pgettext_lazy("formal requirement", "not met")),
                ],
                error_messages={"required": gettext_lazy("Answer this requirement: met or not met.")},
            )
            fields[f"note_{index}"] = forms.CharField(
                label=gettext_lazy("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )
        self.fields = {**fields, **self.fields}

    def clean(self):
        cleaned = super().clean()
        # The checklist as it was on the page: if the call's requirements changed since, the answers
        # given to the old texts must not be recorded against the new ones.
        for index, text in enumerate(self.requirements):
            shown = self.data.get(f"requirement_{index}")
            if shown is not None and shown.strip() != text and f"met_{index}" not in self.errors:
                self.add_error(
                    f"met_{index}",
                    _("This requirement was changed after the page was opened: check your answer again."),
                )
        return cleaned

    def requirement_rows(self):
        return [
            {"index": index, "text": text, "met": self[f"met_{index}"], "note": self[f"note_{index}"]}
            for index, text in enumerate(self.requirements)
        ]

    def checklist(self):
        data = self.cleaned_data
        return [
            {"requirement": text, "met": data[f"met_{index}"] == MET, "note": data.get(f"note_{index}", "")}
            for index, text in enumerate(self.requirements)
        ]

    def suggested_defects(self):
        """The unmet requirements as defects: the official's note, else the requirement itself."""
        suggestions = []
        for index, text in enumerate(self.requirements):
            if self.data.get(f"met_{index}") == NOT_MET:
                suggestions.append((self.data.get(f"note_{index}") or "").strip() or text)
        return suggestions

    def error_summary(self):
        """(anchor, label, message) for each error, in the page's order, for the summary's links."""
        summary = [("", "", error) for error in self.non_field_errors()]
        for name in self.fields:
            bound = self[name]
            if not bound.errors:
                continue
            radios = isinstance(bound.field.widget, forms.RadioSelect)
            anchor = f"{bound.auto_id}_0" if radios else bound.auto_id
            label = bound.label
            if name.startswith("note_"):
                label = f"{self[name.replace('note_', 'met_')].label} — {bound.label}"
            summary.extend((anchor, label, error) for error in bound.errors)
        return summary


def _decide(application, actor, form):
    data, checklist = form.cleaned_data, form.checklist()
    decision = data["decision"]
    if decision == ACCEPT:
        services.application_accept_formally(application=application, actor=actor, checklist=checklist)
        return _("The offer “%(title)s” has passed the formal check. The organisation has been notified.") % {
            "title": application.title
        }
    if decision == RETURN:
        returned = services.application_return_for_correction(
            application=application,
            actor=actor,
            defects=data["defects"].splitlines(),
            due=data["due"],
            checklist=checklist,
        )
        return _(
            "The offer “%(title)s” has been returned for correction until %(due)s. The organisation has been notified."
        ) % {
            "title": application.title,
            "due": date_format(timezone.localtime(returned.correction_due), "DATETIME_FORMAT"),
        }
    services.application_reject_formally(
        application=application, actor=actor, reason=data["reason"], checklist=checklist
    )
    return _("The offer “%(title)s” has been rejected on formal grounds. The organisation has been notified.") % {
        "title": application.title
    }


def _show_refusal(form, error):
    """The service's refusal on the form, field by field; a refused acceptance lands on the decision."""
    placed = False
    for field, messages_ in error.errors.items():
        if field == "checklist":
            target = "decision" if error.code == "requirement_not_met" else None
            form.add_error(target, messages_[0])
        else:
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
        placed = True
    if not placed:
        form.add_error(None, error.message)


@staff_required
def formal_check(request, pk):
    """The official answers each formal requirement and decides; a refusal answers 400 keeping everything typed."""
    application = get_object_or_404(
        Application.objects.select_related(
            "call__task__programme", "organisation", "offer_document", "confirmation_document"
        ),
        pk=pk,
    )
    allowed = APPLICATION_TRANSITION_CHECKS["accept_formally"](request.user, application)
    if allowed:
        allowed = can_view_application(request.user, application)  # a committee seat binds officials too
    if not allowed:
        return forbidden(request, allowed.reason)
    context = {
        "application": application,
        "call": application.call,
        "version": application.versions.order_by("-number").first(),
        "checks": list(application.formal_checks.select_related("checked_by", "version")),
        "attachment_count": application.attachments.count(),
    }
    if application.status != ApplicationStatus.SUBMITTED:
        return render(
            request, "panel/formal_check_closed.html", context, status=409 if request.method == "POST" else 200
        )
    form = FormalCheckForm(application.call.formal_requirements(), request.POST or None)
    suggested = False
    if request.method == "POST" and form.is_valid():
        try:
            message = _decide(application, request.user, form)
        except DomainError as error:
            _show_refusal(form, error)
            if "defects" in error.errors and not form.data.get("defects", "").strip() and form.suggested_defects():
                # The notes of the unmet requirements, offered as the list for the official to check.
                form.data = form.data.copy()
                form.data["defects"] = "\n".join(form.suggested_defects())
                suggested = True
        else:
            messages.success(request, message)
            return redirect("panel:call_offers", application.call_id)
    return render(
        request,
        "panel/formal_check.html",
        {**context, "form": form, "rows": form.requirement_rows(), "defects_suggested": suggested},
        status=400 if form.errors else 200,
    )
