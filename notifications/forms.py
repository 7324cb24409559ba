from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .enums import DeliveryStatus
from .models import MediaOutlet, PressNote
from .preferences import MANDATORY_EVENTS, OPTIONAL_EVENTS


class MediaOutletForm(forms.ModelForm):
    consent_at = forms.DateField(
        label=_("Consent given on"),
        required=False,
        widget=DateInput(),
        help_text=_("Without the date of the outlet's consent it receives nothing."),
    )

    class Meta:
        model = MediaOutlet
        # consent_at is the form's own date field (the model keeps a moment); media.outlet_save converts it
        fields = ["name", "email", "wants_calls", "wants_results", "active"]

    field_order = ["name", "email", "wants_calls", "wants_results", "consent_at", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.consent_at:
            self.initial["consent_at"] = timezone.localdate(self.instance.consent_at)


class PressNoteForm(forms.ModelForm):
    class Meta:
        model = PressNote
        fields = ["subject", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 16})}


class NoticeFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("any"))] + list(DeliveryStatus.choices)
    )
    event = forms.ChoiceField(label=_("Event"), required=False)
    recipient = forms.CharField(label=_("Recipient (e-mail, or part of it)"), required=False, max_length=254)

    def __init__(self, *args, events=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].choices = [("", _("any"))] + [(e, e) for e in events]


class PreferencesForm(forms.Form):
    """One checkbox per optional notice; the mandatory ones are shown checked and disabled (a
    disabled field ignores what is posted, so they cannot be turned off)."""

    def __init__(self, *args, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        for event, label in OPTIONAL_EVENTS.items():
            if event in preferences:  # the events this person can receive
                self.fields[event] = forms.BooleanField(label=label, required=False, initial=preferences[event])
        for event, label in MANDATORY_EVENTS.items():
            self.fields[f"mandatory_{event}"] = forms.BooleanField(
                label=label,
                required=False,
                initial=True,
                disabled=True,
                help_text=_("Always sent: required by the law or the procedure."),
            )

    def choices(self):
        return {event: self.cleaned_data.get(event, False) for event in OPTIONAL_EVENTS if event in self.fields}
