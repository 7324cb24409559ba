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
    DECLARATION_LABELS,
    LINE_FIELD_LABELS,
    PAYMENT_CHOICES,
    SOURCE_FIELD_LABELS,
    call_years,
    offeror_choices,
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


class PartnerForm(RawForm):
    """Another offeror of a joint offer (art. 14 ust. 2), as the template's section II.1 asks."""

    name = text_field(_("Name of the organisation"))
    legal_form = text_field(_("Legal form"), max_length=120)
    register_number = text_field(
        _("Number in the National Court Register (KRS) or another register"),
        max_length=60,
        help_text=_("KRS: 10 digits; otherwise the register's name and number."),
    )
    address = text_field(_("Registered address"))
    email = text_field(_("E-mail"), max_length=254)
    phone = text_field(_("Phone"), max_length=40)

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
    offeror = forms.CharField(
        label=_("Offeror carrying it out"), required=False, widget=forms.Select(), help_text=_("Joint offers only.")
    )

    def __init__(self, *args, offerors=(), **kwargs):
        super().__init__(*args, **kwargs)
        if offerors:
            self.fields["offeror"].widget.choices = [("", "—"), *offerors]
        else:
            del self.fields["offeror"]  # a single offeror carries out everything

    def clean(self):
        cleaned = super().clean()
        start, end = parse_date(cleaned.get("start")), parse_date(cleaned.get("end"))
        if start and end and end < start:
            self.add_error("end", _("The activity cannot end before it starts."))
        return cleaned


class IndicatorForm(RawForm):
    """A row of III.6 (*dodatkowe informacje dotyczące rezultatów*), when the call asks for it."""

    name = text_field(_("Result"))
    planned_level = text_field(_("Planned level of achievement (target value)"))
    monitoring = text_field(_("How it will be monitored (source of information)"))


class OfferorForm(RawForm):
    experience = text_field(
        _("Previous activity of the offeror"),
        long=True,
        help_text=_("In particular in the field the task concerns."),
    )
    resources = text_field(_("Resources for the task"), long=True, help_text=_("Staff, equipment and funds."))


class CostLineForm(RawForm):
    activity = forms.CharField(label=_("Activity"), required=False, widget=forms.Select())
    year = forms.CharField(label=_("Year of the task"), required=False, widget=forms.Select())
    offeror = forms.CharField(label=_("Offeror bearing the cost"), required=False, widget=forms.Select())
    name = text_field(_("Kind of cost"))
    unit = text_field(_("Unit of measure"), max_length=40, help_text=_("E.g. hour, piece, month."))
    unit_cost = AmountField(label=LINE_FIELD_LABELS["unit_cost"])
    quantity = AmountField(label=LINE_FIELD_LABELS["quantity"])
    grant = AmountField(label=LINE_FIELD_LABELS["grant"])
    own_financial = AmountField(label=LINE_FIELD_LABELS["own_financial"])
    own_non_financial = AmountField(label=LINE_FIELD_LABELS["own_non_financial"])
    beneficiary_fees = AmountField(label=LINE_FIELD_LABELS["beneficiary_fees"])

    def __init__(self, *args, activity_choices=(), year_choices=(), offerors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["activity"].widget.choices = activity_choices
        if len(year_choices) > 1:
            self.fields["year"].widget.choices = year_choices
        else:
            del self.fields["year"]  # a single-year task: every cost falls in year 1
        if offerors:
            self.fields["offeror"].widget.choices = [("", "—"), *offerors]
        else:
            del self.fields["offeror"]


class SourcesForm(RawForm):
    grant = AmountField(label=SOURCE_FIELD_LABELS["grant"])
    own_financial = AmountField(label=SOURCE_FIELD_LABELS["own_financial"])
    own_personal = AmountField(label=SOURCE_FIELD_LABELS["own_personal"])
    own_in_kind = AmountField(label=SOURCE_FIELD_LABELS["own_in_kind"])
    beneficiary_fees = AmountField(label=SOURCE_FIELD_LABELS["beneficiary_fees"])


class OtherForm(RawForm):
    payment = forms.ChoiceField(
        label=_("The task will be carried out"),
        required=False,
        choices=[("", "—"), *PAYMENT_CHOICES],
        help_text=_("Section VI.1: a declaration whether the task is carried out for payment or free of charge."),
    )
    representation = text_field(
        _("Joint offers: the activities of each offeror and how the offerors are represented before the city"),
        long=True,
        help_text=_("Section VI.2; leave empty for an offer of one offeror."),
    )
    information = text_field(
        _("Other information that may matter in the assessment of the offer"),
        long=True,
        help_text=_("E.g. partners, earlier co-operation with the city, other sources of funding."),
    )


class DeclarationsForm(RawForm):
    """Section VII: one checkbox per declaration of the 2018 template (all must be ticked)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in DECLARATION_LABELS.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)


ActivityFormSet = formset_factory(ActivityForm, extra=2)
CostLineFormSet = formset_factory(CostLineForm, extra=3)
PartnerFormSet = formset_factory(PartnerForm, extra=1)
IndicatorFormSet = formset_factory(IndicatorForm, extra=2)


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
        self.kept = {}  # rows not in the POST: stored as they were
        offerors = offeror_choices(application)
        if name == "contact":
            self.form = ContactForm(data, initial=stored, prefix="contact")
            self._formset(PartnerFormSet, data, stored, "partners")
        elif name == "task":
            self.form = TaskForm(data, initial={**stored, "title": application.title}, prefix="task")
            self._formset(ActivityFormSet, data, stored, "activities", form_kwargs={"offerors": offerors})
            self._formset(IndicatorFormSet, data, stored, "indicators")
        elif name == "offeror":
            self.form = OfferorForm(data, initial=stored, prefix="offeror")
        elif name == "budget":
            sources = stored.get("sources") if isinstance(stored.get("sources"), dict) else {}
            self.form = SourcesForm(data, initial=sources, prefix="sources")
            self._formset(
                CostLineFormSet,
                data,
                stored,
                "lines",
                form_kwargs={
                    "activity_choices": activity_choices(application),
                    "year_choices": year_choices(application),
                    "offerors": offerors,
                },
            )
        elif name == "other":
            self.form = OtherForm(data, initial=stored, prefix="other")
        elif name == "declarations":
            self.form = DeclarationsForm(data, initial=stored, prefix="declarations")
        else:
            raise KeyError(name)

    def _formset(self, formset_class, data, stored, name, **kwargs):
        """Bind the rows ``name`` to the POST, or show the stored rows.

        Bound to a POST, rows carry no initial values: a row whose typed text equals the stored
        text must still be validated (Django skips unchanged extra forms). A POST without this
        formset's management form did not send these rows at all: the stored rows are kept.
        """
        posted = data is not None and f"{name}-TOTAL_FORMS" in data
        if posted:
            formset = formset_class(data, prefix=name, **kwargs)
        else:
            formset = formset_class(initial=rows(stored, name), prefix=name, **kwargs)
            if data is not None:
                self.kept[name] = rows(stored, name)
        self.formsets[name] = formset

    def is_valid(self):
        valid = self.form.is_valid()
        for name, formset in self.formsets.items():
            if name not in self.kept:
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
            if key in self.kept:
                data[key] = self.kept[key]
            else:
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


def year_choices(application):
    """``[("1", "Year 1 (2027)"), ...]`` for the years of the call's realisation window."""
    first = application.call.realisation_start.year if application.call.realisation_start else None
    return [
        (str(n), _("Year %(n)s (%(year)s)") % {"n": n, "year": first + n - 1} if first else str(n))
        for n in range(1, call_years(application.call) + 1)
    ]
