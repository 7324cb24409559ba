from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeField

from .enums import CancellationGround
from .models import AnnualProgramme, Call, Criterion, PublicTask


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = AnnualProgramme
        fields = ["year", "title", "resolution", "adopted_on", "objectives"]
        widgets = {"adopted_on": DateInput(), "objectives": forms.Textarea(attrs={"rows": 4})}


class PublicTaskForm(forms.ModelForm):
    class Meta:
        model = PublicTask
        fields = [
            "programme",
            "number",
            "title",
            "description",
            "sphere",
            "form",
            "mode",
            "planned_funds",
            "planned_quarter",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class CallForm(forms.ModelForm):
    offer_deadline = DateTimeField(label=_("Offer deadline"), required=False)
    published_bip_at = DateTimeField(label=_("Published in BIP"), required=False)
    published_board_at = DateTimeField(label=_("Posted on the notice board"), required=False)
    published_website_at = DateTimeField(label=_("Published on the website"), required=False)

    class Meta:
        model = Call
        fields = [
            "task",
            "reference",
            "title",
            "task_type",
            "funds",
            "award_rules",
            "realisation_start",
            "realisation_end",
            "realisation_conditions",
            "offer_deadline",
            "procedure",
            "decision_by",
            "max_grant_share_percent",
            "max_admin_cost_percent",
            "allowed_cost_shift_percent",
            "min_score",
            "max_grant_per_offer",
            "requires_results_table",
            "press_notes_automatic",
            "required_attachments",
            "formal_checklist",
            "published_bip_at",
            "published_board_at",
            "published_website_at",
        ]
        widgets = {
            "realisation_start": DateInput(),
            "realisation_end": DateInput(),
            "decision_by": DateInput(),
            "task_type": forms.Textarea(attrs={"rows": 2}),
            "award_rules": forms.Textarea(attrs={"rows": 4}),
            "realisation_conditions": forms.Textarea(attrs={"rows": 4}),
            "procedure": forms.Textarea(attrs={"rows": 4}),
            "formal_checklist": forms.Textarea(attrs={"rows": 7}),
            "required_attachments": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = PublicTask.objects.select_related("programme").order_by(
            "-programme__year", "number"
        )


class BaseCriterionFormSet(BaseInlineFormSet):
    """The statutory criteria (art. 15 ust. 1) can be weighted but not removed."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if form.instance.pk and form.instance.statutory:
            form.fields.pop(DELETION_FIELD_NAME, None)


CriterionFormSet = inlineformset_factory(
    Call,
    Criterion,
    formset=BaseCriterionFormSet,
    fields=["name", "description", "max_points", "position"],
    extra=1,
    can_delete=True,
    widgets={"description": forms.Textarea(attrs={"rows": 2})},
)


class CancelForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("Ground (art. 18a)"), choices=CancellationGround.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (published with the cancellation)"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Programme year"), coerce=int)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in years]
