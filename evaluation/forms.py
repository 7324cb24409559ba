"""Forms of the committee pages: they parse what was typed; the services decide (and refuse with reasons)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from organisations.models import Organisation

from .enums import MemberRole
from .services import justification_field, points_display, points_field


class AppointForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail of the person"),
        help_text=_("The person must have an active account in the application."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, widget=forms.RadioSelect)
    is_chair = forms.BooleanField(label=_("Chair of the committee"), required=False)
    nominated_by = forms.ModelChoiceField(
        label=_("Nominating organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_("Only for a person nominated by organisations."),
    )

    def clean_email(self):
        email = self.cleaned_data["email"]
        users = list(get_user_model().objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise forms.ValidationError(_("No active account has this e-mail address."))
        if len(users) > 1:
            raise forms.ValidationError(_("Several accounts have this e-mail address: ask the administrator."))
        self.cleaned_data["user"] = users[0]
        return email

    def service_arguments(self):
        data = self.cleaned_data
        return {
            "user": data["user"],
            "role": data["role"],
            "is_chair": data["is_chair"],
            "nominated_by": data["nominated_by"],
        }


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, max_length=2000)


class DeclarationForm(forms.Form):
    linked_organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations I am linked with"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose every organisation you are linked with (membership, employment, family or other ties). "
            "You will be excluded from their offers. Organisations you are a confirmed member of in this "
            "application are excluded anyway."
        ),
    )
    confirm = forms.BooleanField(
        label=_("I have read the declaration above and sign it."),
        error_messages={"required": _("Tick the box to sign the declaration.")},
    )


class ExclusionForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member"), queryset=None, empty_label=None)
    application = forms.ModelChoiceField(label=_("Offer"), queryset=None)
    ground = forms.CharField(
        label=_("Ground for the exclusion"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("E.g. a circumstance under KPA art. 24 § 1, or one that makes impartiality doubtful (§ 3)."),
        error_messages={"required": _("Give the ground for the exclusion (KPA art. 24).")},
    )

    def __init__(self, *args, members, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.fields["member"].label_from_instance = lambda m: f"{m} ({m.get_role_display()})"
        self.fields["application"].queryset = offers
        self.fields["application"].label_from_instance = lambda a: f"{a.title} — {a.organisation.name}"


class ScoreCardForm(forms.Form):
    """Points and a justification per criterion, typed as text: the service parses the points (a comma
    or a dot) and refuses what is not a number within the criterion's range, keeping what was typed."""

    remarks = forms.CharField(
        label=_("General remarks (optional)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, criteria, card=None, read_only=False, **kwargs):
        scores = {score.criterion_id: score for score in card.scores.all()} if card is not None else {}
        initial = {"remarks": card.remarks if card is not None else ""}
        self.criteria = list(criteria)
        super().__init__(*args, initial=initial, **kwargs)
        fields = {}
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            maximum = points_display(criterion.max_points)
            points = forms.CharField(
                label=_("Points (0 to %(max)s)") % {"max": maximum},
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "autocomplete": "off"}),
            )
            justification = forms.CharField(
                label=_("Justification"),
                required=False,
                max_length=20000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
            if score is not None:
                points.initial = "" if score.points is None else points_display(score.points)
                justification.initial = score.justification
            fields[points_field(criterion)] = points
            fields[justification_field(criterion)] = justification
        self.fields = {**fields, **self.fields}
        if read_only:
            for field in self.fields.values():
                field.disabled = True

    def rows(self):
        return [
            {
                "criterion": criterion,
                "points": self[points_field(criterion)],
                "justification": self[justification_field(criterion)],
            }
            for criterion in self.criteria
        ]

    def scores(self):
        """What was typed, as the service takes it: {criterion pk: (points text, justification)}."""
        data = self.cleaned_data
        return {
            criterion.pk: (data.get(points_field(criterion), ""), data.get(justification_field(criterion), ""))
            for criterion in self.criteria
        }

    def error_summary(self):
        """(anchor, message) for each error, in the page's order; a criterion's errors name it."""
        names = {}
        for criterion in self.criteria:
            names[points_field(criterion)] = names[justification_field(criterion)] = criterion.name
        summary = [("", error) for error in self.non_field_errors()]
        for name in self.fields:
            for error in self[name].errors:
                prefix = names.get(name)
                message = error if not prefix or str(error).startswith(prefix) else f"{prefix}: {error}"
                summary.append((self[name].auto_id, message))
        return summary
