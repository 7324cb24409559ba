"""Forms of the offer editor, one :class:`SectionForms` per section of the 2018 template (II–VII).

Every field is optional and kept as typed: the forms only say what is malformed (a unit cost that
is not a number, an activity ending before it starts, an e-mail address that cannot be one);
whether the offer is complete is :func:`applications.completeness.offer_blockers`'s job. What is
stored (:meth:`SectionForms.content`) is always the raw typed text, valid or not, so nothing typed
is ever lost.
"""

from django import forms
from django.core.validators import validate_email
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput

from .budget import ADMIN
from .completeness import (
    LINE_FIELD_LABELS,
    SOURCE_FIELD_LABELS,
    parse_amount,
    parse_date,
    rows,
    section,
)

TEXTAREA = {"rows": 5}


class AmountField(forms.CharField):
    """An amount typed the Polish way (``1 234,50``), kept as typed; not a number is an error."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and parse_amount(value) is None:
            raise forms.ValidationError(_("Enter a number, e.g. 1 234,50."), code="not_a_number")
        if value and parse_amount(value) < 0:
            raise forms.ValidationError(_("The amount must not be negative."), code="negative")


class DateTextField(forms.CharField):
    """A date (the browser's date picker sends YYYY-MM-DD), kept as typed."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", DateInput())
        super().__init__(**kwargs)

    def validate(self, value):
        super().validate(value)
        if value and parse_date(value) is None:
            raise forms.ValidationError(_("Enter a date as YYYY-MM-DD."), code="not_a_date")


def text_field(label, *, long=False, max_length=None, help_text=""):
    widget = forms.Textarea(attrs=TEXTAREA) if long else forms.TextInput()
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length or (20000 if long else 300),
        widget=widget,
        help_text=help_text,
        strip=False,
    )


class RawForm(forms.Form):
    """A form whose :meth:`raw` gives what was typed in each field (checkboxes as booleans)."""

    def raw(self):
        data = {}
        for name, field in self.fields.items():
            value = self[name].value()
            if isinstance(field, forms.BooleanField):
                data[name] = bool(value)
            else:
                data[name] = "" if value is None else str(value).strip()
        return data

    def is_blank(self):
        return not any(value for value in self.raw().values())


class ContactForm(RawForm):
    name = text_field(_("Name and surname"))
    phone = text_field(_("Phone"), max_length=40)
    email = text_field(_("E-mail"), max_length=254)

    def clean_email(self):
        value = self.cleaned_data["email"].strip()
        if value:
            validate_email(value)
        return value


class TaskForm(RawForm):
    title = text_field(_("Title of the task"), help_text=_("Leave it as it is to keep the current title."))
    synopsis = text_field(_("Synopsis of the task"), long=True)
    place = text_field(_("Place of the task"))
    target_group = text_field(_("Target group"), long=True)
    results = text_field(
        _("Expected results"),
        long=True,
        help_text=_("What will change thanks to the task, and how the results will be kept after it ends."),
    )


class ActivityForm(RawForm):
    name = text_field(_("Name of the activity"))
    description = text_field(_("Description of the activity"), long=True)
    start = DateTextField(label=_("Start date"))
    end = DateTextField(label=_("End date"))

    def clean(self):
        cleaned = super().clean()
        start, end = parse_date(cleaned.get("start")), parse_date(cleaned.get("end"))
        if start and end and end < start:
            self.add_error("end", _("The activity cannot end before it starts."))
        return cleaned


class OfferorForm(RawForm):
    experience = text_field(
        _("Previous activity of the offeror"),
        long=True,
        help_text=_("In particular in the field the task concerns."),
    )
    resources = text_field(_("Resources for the task"), long=True, help_text=_("Staff, equipment and funds."))


class CostLineForm(RawForm):
    activity = forms.CharField(label=_("Activity"), required=False, widget=forms.Select())
    name = text_field(_("Kind of cost"))
    unit = text_field(_("Unit of measure"), max_length=40, help_text=_("E.g. hour, piece, month."))
    unit_cost = AmountField(label=LINE_FIELD_LABELS["unit_cost"])
    quantity = AmountField(label=LINE_FIELD_LABELS["quantity"])
    grant = AmountField(label=LINE_FIELD_LABELS["grant"])
    own_financial = AmountField(label=LINE_FIELD_LABELS["own_financial"])
    own_non_financial = AmountField(label=LINE_FIELD_LABELS["own_non_financial"])
    beneficiary_fees = AmountField(label=LINE_FIELD_LABELS["beneficiary_fees"])

    def __init__(self, *args, activity_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].widget.choices = activity_choices


class SourcesForm(RawForm):
    grant = AmountField(label=SOURCE_FIELD_LABELS["grant"])
    own_financial = AmountField(label=SOURCE_FIELD_LABELS["own_financial"])
    own_personal = AmountField(label=SOURCE_FIELD_LABELS["own_personal"])
    own_in_kind = AmountField(label=SOURCE_FIELD_LABELS["own_in_kind"])
    beneficiary_fees = AmountField(label=SOURCE_FIELD_LABELS["beneficiary_fees"])


class OtherForm(RawForm):
    information = text_field(
        _("Other information that may matter in the assessment of the offer"),
        long=True,
        help_text=_("E.g. partners, earlier co-operation with the city, other sources of funding."),
    )


class DeclarationsForm(RawForm):
    public_benefit = forms.BooleanField(
        label=_(
            "The task will be carried out only within the offeror's public benefit activity, and any fees from "
            "beneficiaries will be collected only within its paid public benefit activity."
        ),
        required=False,
    )
    no_arrears = forms.BooleanField(
        label=_("The offeror has no arrears in taxes or in social and health insurance contributions."),
        required=False,
    )
    true_data = forms.BooleanField(
        label=_(
            "The data in section II agree with the National Court Register or the other register, and all "
            "information in the offer and its attachments is true and up to date."
        ),
        required=False,
    )


ActivityFormSet = formset_factory(ActivityForm, extra=2)
CostLineFormSet = formset_factory(CostLineForm, extra=3)


class SectionForms:
    """The form and the row formsets of one editor section, bound to the POST data or to the stored content.

    ``content()`` is what to store: the raw typed values; rows left completely empty are dropped.
    """

    def __init__(self, name, application, data=None):
        self.name = name
        self.application = application
        stored = section(application, name)
        self.form = None
        self.formsets = {}
        if name == "contact":
            self.form = ContactForm(data, initial=stored, prefix="contact")
        elif name == "task":
            self.form = TaskForm(data, initial={**stored, "title": application.title}, prefix="task")
            self.formsets["activities"] = ActivityFormSet(
                data, initial=self.initial_rows(data, stored, "activities"), prefix="activities"
            )
        elif name == "offeror":
            self.form = OfferorForm(data, initial=stored, prefix="offeror")
        elif name == "budget":
            sources = stored.get("sources") if isinstance(stored.get("sources"), dict) else {}
            self.form = SourcesForm(data, initial=sources, prefix="sources")
            self.formsets["lines"] = CostLineFormSet(
                data,
                initial=self.initial_rows(data, stored, "lines"),
                prefix="lines",
                form_kwargs={"activity_choices": activity_choices(application)},
            )
        elif name == "other":
            self.form = OtherForm(data, initial=stored, prefix="other")
        elif name == "declarations":
            self.form = DeclarationsForm(data, initial=stored, prefix="declarations")
        else:
            raise KeyError(name)

    @staticmethod
    def initial_rows(data, stored, name):
        # Bound to a POST, rows carry no initial values: a row whose typed text equals the stored
        # text must still be validated (Django skips unchanged extra forms).
        return None if data is not None else rows(stored, name)

    def is_valid(self):
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    @property
    def errors(self):
        return bool(self.form.errors) or any(formset.total_error_count() for formset in self.formsets.values())

    def error_fields(self):
        """``{html name: [messages]}`` of every field error, for the autosave's answer."""
        found = {}
        for form in [self.form, *(f for fs in self.formsets.values() for f in fs.forms)]:
            for name, messages in form.errors.items():
                key = form.add_prefix(name) if name != "__all__" else f"{form.prefix}-__all__"
                found[key] = [str(m) for m in messages]
        return found

    def content(self):
        raw = self.form.raw()
        title = raw.pop("title", None)
        if self.name == "budget":
            data = {"sources": raw}
        else:
            data = raw
        for key, formset in self.formsets.items():
            data[key] = [form.raw() for form in formset.forms if not form.is_blank()]
        return data, title


def activity_choices(application):
    activities = [
        a for a in rows(section(application, "task"), "activities") if any(str(v).strip() for v in a.values())
    ]
    choices = [("", "—")]
    for number, activity in enumerate(activities, start=1):
        name = str(activity.get("name") or "").strip()
        choices.append((str(number), f"{number}. {name}" if name else str(number)))
    choices.append((ADMIN, _("Administrative costs")))
    return choices
