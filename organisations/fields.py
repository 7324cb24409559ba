"""Model fields for register identifiers: stored as bare digits, typed with any formatting."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from .validators import normalise_krs, normalise_nip, normalise_regon, validate_krs, validate_nip, validate_regon

# Room for what people type around the digits: spaces, hyphens, a "PL" prefix.
TYPED_MAX_LENGTH = 32


class IdentifierFormField(forms.CharField):
    """A text input that accepts formatting and hands the model the normalised digits."""

    def __init__(self, *, normalise, **kwargs):
        kwargs["max_length"] = TYPED_MAX_LENGTH
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)
        self.normalise = normalise

    def to_python(self, value):
        return self.normalise(super().to_python(value))


class IdentifierField(models.CharField):
    """A register identifier, normalised when validated and again when saved.

    The identifier's validator checks the exact length with a clearer message than the generic
    max-length one, which is therefore not added twice.
    """

    normalise = staticmethod(lambda value: value)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators[:] = [v for v in self.validators if not isinstance(v, MaxLengthValidator)]

    def to_python(self, value):
        value = super().to_python(value)
        return self.normalise(value) if value else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value:
            value = self.normalise(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": IdentifierFormField, "normalise": self.normalise, **kwargs})


class KrsField(IdentifierField):
    normalise = staticmethod(normalise_krs)
    default_validators = [validate_krs]


class NipField(IdentifierField):
    normalise = staticmethod(normalise_nip)
    default_validators = [validate_nip]


class RegonField(IdentifierField):
    normalise = staticmethod(normalise_regon)
    default_validators = [validate_regon]
