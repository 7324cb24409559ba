from django import forms
from django.utils.translation import gettext_lazy as _

from organisations.models import Sphere


class SphereChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class SpheresForm(forms.Form):
    """Which calls to hear of: all spheres, or the ones ticked."""

    all_spheres = forms.BooleanField(
        label=_("New calls in every sphere"),
        required=False,
        help_text=_("Tick this, or choose the spheres below."),
    )
    spheres = SphereChoiceField(
        label=_("Spheres of public benefit"),
        queryset=Sphere.objects.order_by("position"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("all_spheres") and not data.get("spheres") and "spheres" not in self.errors:
            self.add_error("spheres", _("Choose at least one sphere, or all of them."))
        return data


class SubscribeForm(SpheresForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a confirmation link there; nothing else is sent until you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    field_order = ["email", "all_spheres", "spheres"]
