from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .enums import MembershipRole
from .models import Organisation, Sphere


class OrganisationSearchForm(forms.Form):
    """The register's search: a name or an identifier, and a sphere of public benefit."""

    q = forms.CharField(
        label=_("Name, KRS, NIP or REGON"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sphere = forms.ModelChoiceField(
        label=_("Sphere of public benefit"),
        queryset=Sphere.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("all spheres"),
    )


class PanelSearchForm(OrganisationSearchForm):
    verified = forms.TypedChoiceField(
        label=_("Verification"),
        required=False,
        choices=[("", _("all")), ("no", _("awaiting verification")), ("yes", _("verified"))],
        coerce=lambda value: value == "yes",
        empty_value=None,
    )


class OrganisationForm(forms.ModelForm):
    """The register data an official keeps; verification is a separate action."""

    website = forms.URLField(
        label=capfirst(Organisation._meta.get_field("website").verbose_name), required=False, assume_scheme="https"
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "legal_form",
            "register_type",
            "krs",
            "register_number",
            "nip",
            "regon",
            "address",
            "city",
            "email",
            "phone",
            "website",
            "spheres",
            "description",
            "wants_call_notices",
        ]
        widgets = {
            "spheres": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }


class UnverifyForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (kept in the organisation's history)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


def organisation_profile_form(fields):
    """The organisation form limited to ``fields`` (see rules.editable_profile_fields)."""
    return forms.modelform_factory(Organisation, form=OrganisationForm, fields=fields)


class JoinSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, KRS, NIP or REGON of the organisation"),
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MembershipRole.choices)


class RefuseRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the person)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
