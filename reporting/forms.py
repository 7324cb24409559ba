"""Forms of the report pages (the editor itself is a plain form: see ``views.report_edit``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.budget import has_at_most_two_places
from applications.completeness import parse_amount
from core.forms import DateInput

from .models import ReportAttachment


class PartialReportRequestForm(forms.Form):
    period_start = forms.DateField(label=_("Period from"), widget=DateInput())
    period_end = forms.DateField(label=_("Period until"), widget=DateInput())
    due_on = forms.DateField(
        label=_("Due by"),
        widget=DateInput(),
        help_text=_("No earlier than the number of days after the request that the law requires (art. 18 ust. 3)."),
    )
    note = forms.CharField(
        label=_("Note to the organisation"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ReturnForCorrectionForm(forms.Form):
    comments = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    correction_due = forms.DateField(label=_("Corrections due by"), widget=DateInput())


class AcceptForm(forms.Form):
    settle_excess = forms.BooleanField(
        label=_("Settle the excess over the allowed increase as a return of funds"),
        required=False,
        help_text=_("Needed when a cost grew by more than the agreement allows."),
    )
    comments = forms.CharField(
        label=_("Comments (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )


class AmountField(forms.CharField):
    """An amount in złoty as people type it ("1 234,50"): not negative, at most 2 places."""

    def clean(self, value):
        value = super().clean(value)
        amount = parse_amount(value)
        if amount is None or amount < 0 or not has_at_most_two_places(amount):
            raise forms.ValidationError(_("Give an amount in złoty, not negative, with at most 2 decimal places."))
        return amount


class RecordReturnForm(forms.Form):
    returned_on = forms.DateField(label=_("Returned on"), widget=DateInput())
    amount = AmountField(label=_("Amount returned (PLN)"), max_length=20)


class AttachmentForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=ReportAttachment._meta.get_field("description").max_length,
        help_text=_("E.g. list of participants, photos, publications. Invoices stay at the organisation."),
    )
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/png,image/jpeg"}),
    )
