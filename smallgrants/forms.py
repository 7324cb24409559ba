"""HTML forms of the small grants: starting a draft, the simplified offer's editor (every field a
string, so a draft keeps exactly what was typed), the comment form and the officials' decisions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from calls.enums import TaskForm
from core.forms import DateInput
from core.validators import validate_plausible_date
from organisations.models import Organisation, Sphere

from .content import (
    ACTIVITY_FIELDS,
    CONTACT_FIELDS,
    DECLARATIONS,
    LINE_FIELDS,
    SOURCE_FIELDS,
    SOURCE_LABELS,
    TASK_FIELDS,
    is_blank,
    part,
    rows,
)

MAX_ROWS = 30
BLANK_ROWS = 2


class NewSmallGrantForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    title = forms.CharField(label=_("Title of the task"), max_length=300)
    sphere = forms.ModelChoiceField(label=_("Sphere of public benefit"), queryset=Sphere.objects.all())
    form = forms.ChoiceField(
        label=_("Form of the task"), choices=TaskForm.choices, widget=forms.RadioSelect, initial=TaskForm.SUPPORTING
    )
    realisation_start = forms.DateField(
        label=_("Realisation from"),
        widget=DateInput(),
        validators=[validate_plausible_date],
        help_text=_("The programme of this year applies; the caps count small grants starting in the same year."),
    )
    realisation_end = forms.DateField(
        label=_("Realisation until"), widget=DateInput(), required=False, validators=[validate_plausible_date]
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0].pk

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("realisation_start"), cleaned.get("realisation_end")
        if start and end and end < start:
            self.add_error("realisation_end", _("The realisation cannot end before it starts."))
        return cleaned


def _text(label, *, long=False, rows_=3, max_length=10000, **attrs):
    widget = forms.Textarea(attrs={"rows": rows_, **attrs}) if long else forms.TextInput(attrs=attrs)
    return forms.CharField(label=label, required=False, max_length=max_length, widget=widget, strip=False)


ACTIVITY_LABELS = {
    "name": _("Activity"),
    "description": _("Description"),
    "start": _("From"),
    "end": _("Until"),
}
LINE_LABELS = {
    "name": _("Kind of cost"),
    "unit": _("Unit"),
    "unit_cost": _("Unit cost (PLN)"),
    "quantity": _("Number of units"),
    "grant": _("From the grant (PLN)"),
    "other": _("From other sources (PLN)"),
}
CONTACT_LABELS = {"name": _("Name"), "phone": _("Phone"), "email": _("E-mail")}
TASK_LABELS = {
    "synopsis": _("Synopsis of the task"),
    "place": _("Place of realisation"),
    "target_group": _("Target group"),
    "results": _("Results expected"),
}


class SmallGrantEditForm(forms.Form):
    """The simplified offer; ``to_content()`` gives what is stored, as typed."""

    title = forms.CharField(label=_("Title of the task"), required=False, max_length=300, strip=False)
    sphere = forms.ModelChoiceField(label=_("Sphere of public benefit"), queryset=Sphere.objects.all())
    form = forms.ChoiceField(label=_("Form of the task"), choices=TaskForm.choices, widget=forms.RadioSelect)
    period_start = _text(_("Realisation from"), type="date")
    period_end = _text(_("Realisation until"), type="date")

    def __init__(self, *args, small_grant, **kwargs):
        data = args[0] if args else kwargs.get("data")
        if data is not None:
            activity_count = _posted_rows(data, "activity", ACTIVITY_FIELDS)
            line_count = _posted_rows(data, "line", LINE_FIELDS)
        else:
            kept_activities = [r for r in rows(small_grant, "activities") if not is_blank(r)]
            kept_lines = [r for r in rows(small_grant, "lines") if not is_blank(r)]
            activity_count = min(len(kept_activities) + BLANK_ROWS, MAX_ROWS)
            line_count = min(len(kept_lines) + BLANK_ROWS, MAX_ROWS)
            kwargs.setdefault("initial", _initial(small_grant, kept_activities, kept_lines))
        super().__init__(*args, **kwargs)
        for name in CONTACT_FIELDS:
            self.fields[f"contact_{name}"] = _text(CONTACT_LABELS[name], max_length=300)
        for name in TASK_FIELDS:
            self.fields[f"task_{name}"] = _text(TASK_LABELS[name], long=True, rows_=4)
        self.activity_count, self.line_count = activity_count, line_count
        for index in range(activity_count):
            for name in ACTIVITY_FIELDS:
                attrs = {"type": "date"} if name in ("start", "end") else {}
                self.fields[f"activity_{index}_{name}"] = _text(
                    ACTIVITY_LABELS[name], long=name == "description", rows_=2, **attrs
                )
        for index in range(line_count):
            for name in LINE_FIELDS:
                attrs = {"inputmode": "decimal"} if name not in ("name", "unit") else {}
                self.fields[f"line_{index}_{name}"] = _text(LINE_LABELS[name], max_length=300, **attrs)
        for name in SOURCE_FIELDS:
            self.fields[f"source_{name}"] = _text(SOURCE_LABELS[name], max_length=40, inputmode="decimal")
        self.fields["information"] = _text(_("Other information"), long=True, rows_=4)
        for name, label in DECLARATIONS.items():
            self.fields[f"declaration_{name}"] = forms.BooleanField(label=label, required=False)

    def activity_rows(self):
        return [
            {"number": i + 1, "fields": [self[f"activity_{i}_{name}"] for name in ACTIVITY_FIELDS]}
            for i in range(self.activity_count)
        ]

    def line_rows(self):
        return [
            {"number": i + 1, "fields": [self[f"line_{i}_{name}"] for name in LINE_FIELDS]}
            for i in range(self.line_count)
        ]

    def group(self, prefix, names):
        return [self[f"{prefix}_{name}"] for name in names]

    def contact_fields(self):
        return self.group("contact", CONTACT_FIELDS)

    def task_fields(self):
        return self.group("task", TASK_FIELDS)

    def source_fields(self):
        return self.group("source", SOURCE_FIELDS)

    def declaration_fields(self):
        return self.group("declaration", DECLARATIONS)

    def to_content(self):
        data = self.cleaned_data
        activities = [
            {name: data.get(f"activity_{i}_{name}", "") for name in ACTIVITY_FIELDS} for i in range(self.activity_count)
        ]
        lines = [{name: data.get(f"line_{i}_{name}", "") for name in LINE_FIELDS} for i in range(self.line_count)]
        return {
            "period": {"start": data.get("period_start", ""), "end": data.get("period_end", "")},
            "contact": {name: data.get(f"contact_{name}", "") for name in CONTACT_FIELDS},
            "task": {name: data.get(f"task_{name}", "") for name in TASK_FIELDS},
            "activities": [row for row in activities if not is_blank(row)],
            "lines": [row for row in lines if not is_blank(row)],
            "sources": {name: data.get(f"source_{name}", "") for name in SOURCE_FIELDS},
            "other": {"information": data.get("information", "")},
            "declarations": {name: bool(data.get(f"declaration_{name}")) for name in DECLARATIONS},
        }


def _posted_rows(data, prefix, names):
    """How many rows the page posted (the highest index sent + 1), plus a blank one to add more."""
    highest = -1
    for key in data:
        if key.startswith(f"{prefix}_"):
            index = key.split("_")[1]
            if index.isascii() and index.isdigit():
                highest = max(highest, int(index))
    count = highest + 1
    if data.get("add_row") == prefix:
        count += 1
    return max(1, min(count, MAX_ROWS))


def _initial(small_grant, activities, lines):
    initial = {
        "title": small_grant.title,
        "sphere": small_grant.sphere_id,
        "form": small_grant.form,
        "information": part(small_grant, "other").get("information", ""),
    }
    period = part(small_grant, "period")
    initial["period_start"] = period.get("start") or (
        small_grant.realisation_start.isoformat() if small_grant.realisation_start else ""
    )
    initial["period_end"] = period.get("end") or (
        small_grant.realisation_end.isoformat() if small_grant.realisation_end else ""
    )
    for prefix, name, names in (("contact", "contact", CONTACT_FIELDS), ("task", "task", TASK_FIELDS)):
        values = part(small_grant, name)
        initial |= {f"{prefix}_{field}": values.get(field, "") for field in names}
    values = part(small_grant, "sources")
    initial |= {f"source_{field}": values.get(field, "") for field in SOURCE_FIELDS}
    declared = part(small_grant, "declarations")
    initial |= {f"declaration_{name}": declared.get(name) is True for name in DECLARATIONS}
    for index, row in enumerate(activities):
        initial |= {f"activity_{index}_{field}": row.get(field, "") for field in ACTIVITY_FIELDS}
    for index, row in enumerate(lines):
        initial |= {f"line_{index}_{field}": row.get(field, "") for field in LINE_FIELDS}
    return initial


class CommentForm(forms.Form):
    author_name = forms.CharField(label=_("Your name"), max_length=200)
    author_email = forms.EmailField(
        label=_("E-mail (optional)"),
        required=False,
        help_text=_("Not published. Only for the NGO Centre, if it needs to ask you about your comment."),
    )
    text = forms.CharField(label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5}))
    # A field people do not see (hidden by CSS and from assistive technology); robots fill it in.
    website = forms.CharField(required=False, label=_("Leave this field empty"))


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the refusal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation receives this reason."),
        error_messages={"required": _("Give the reason for the refusal: the organisation receives it.")},
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Moderation"),
        choices=[("approve", _("Publish the comment")), ("hide", _("Do not publish it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("Required when the comment is not published: why (kept with the comment)."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)
