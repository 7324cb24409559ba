"""Forms of the agreement pages. They parse what was typed; the services in
:mod:`agreements.services` decide (their refusals land on the fields)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from applications.completeness import parse_amount
from core.forms import DateInput
from core.money import format_pln
from core.validators import validate_plausible_date

from .enums import SigningMethod
from .validators import clean_polish_iban, format_iban


def amount_text(value):
    """``Decimal("1234.5")`` → ``"1234,50"`` (what the amount inputs show)."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.2f}".replace(".", ",")


class AmountField(forms.CharField):
    """An amount in złoty as people type it (``1 234,50``); a Decimal to the grosz."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return amount_text(value) if isinstance(value, Decimal) else value

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return None
        amount = parse_amount(value)
        if amount is None or abs(amount) >= 10**12:
            raise ValidationError(_("Enter an amount in złoty, e.g. 1 234,50."), code="invalid")
        if amount != amount.quantize(Decimal("0.01")):
            raise ValidationError(_("An amount has at most two decimal places (grosze)."), code="invalid")
        return amount


class PercentField(AmountField):
    def clean(self, value):
        amount = super().clean(value)
        if amount is not None and not (0 <= amount <= 100):
            raise ValidationError(_("Give a percentage between 0 and 100."), code="invalid")
        return amount


class DateField(forms.DateField):
    widget = DateInput
    default_validators = [validate_plausible_date]


class IbanField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        kwargs.setdefault(
            "help_text",
            _("A Polish account: “PL” and 26 digits; spaces are allowed. The grant is paid to this account."),
        )
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, str) and value.startswith("PL") and " " not in value and len(value) == 28:
            return format_iban(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return ""
        return clean_polish_iban(value)


class AgreementForm(forms.Form):
    """An official's form of a draft agreement."""

    number = forms.CharField(label=_("Agreement number"), max_length=60)
    place = forms.CharField(label=_("Place of signing"), max_length=120, required=False)
    authority_representatives = forms.CharField(
        label=_("Representatives of the city"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Name and position of each person signing for the city."),
    )
    organisation_representatives = forms.CharField(
        label=_("Representatives of the organisation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("As in the register (KRS or other): who signs for the organisation."),
    )
    realisation_start = DateField(label=_("Realisation from"))
    realisation_end = DateField(label=_("Realisation until"))
    grant_amount = AmountField(label=_("Grant (PLN)"))
    allowed_shift_percent = PercentField(
        label=_("Allowed increase of a cost line (%)"),
        help_text=_("In the report, a cost line financed from the grant may exceed its planned value by this much."),
    )
    iban = IbanField(label=_("Bank account (IBAN)"), required=False)
    account_holder_declared = forms.BooleanField(
        label=_("The organisation declared it is the sole holder of the account"), required=False
    )

    def __init__(self, *args, limit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("realisation_start"), cleaned.get("realisation_end")
        if start and end and end < start:
            self.add_error("realisation_end", _("The realisation cannot end before it starts."))
        grant = cleaned.get("grant_amount")
        if grant is not None and self.limit is not None and grant > self.limit:
            self.add_error(
                "grant_amount",
                _("The grant cannot exceed the amount awarded, %(limit)s.") % {"limit": format_pln(self.limit)},
            )
        return cleaned


class BankAccountForm(forms.Form):
    """The organisation's bank account and its declaration."""

    iban = IbanField(label=_("Bank account (IBAN)"))
    account_holder_declared = forms.BooleanField(
        label=_("We declare that the organisation is the sole holder of this account."),
        error_messages={"required": _("The organisation must declare that it is the sole holder of this account.")},
    )


class TrancheRowForm(forms.Form):
    amount = AmountField(label=_("Amount (PLN)"), required=False)
    due_on = DateField(label=_("To be paid by"), required=False)


TrancheFormSet = forms.formset_factory(TrancheRowForm, extra=2, max_num=12, absolute_max=12)


class PaymentForm(forms.Form):
    paid_on = DateField(label=_("Paid on"))
    paid_amount = AmountField(label=_("Amount paid (PLN)"))


class SignForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How was it signed?"),
        widget=forms.RadioSelect,
        choices=SigningMethod.choices,
        error_messages={"required": _("Choose how it was signed.")},
    )
    signed_on = DateField(
        label=_("Date of signing"),
        required=False,
        help_text=_("When it was signed in the office. For an uploaded file, the time of recording is kept."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("method") == SigningMethod.IN_OFFICE and not cleaned.get("signed_on"):
            if "signed_on" not in self.errors:
                self.add_error("signed_on", _("Give the date the agreement was signed in the office."))
        return cleaned


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give the reason.")},
    )


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        help_text=_(
            "The agreement signed by the persons representing the organisation (scan or electronic signature)."
        ),
        error_messages={"required": _("Choose a file.")},
    )


class AnnexForm(forms.Form):
    """An annex: what it changes (subject), and the new values; blank keeps the current one."""

    subject = forms.CharField(
        label=_("What the annex changes"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what the annex changes.")},
    )
    realisation_end = DateField(label=_("New end of realisation"), required=False)
    grant_amount = AmountField(label=_("New grant (PLN)"), required=False)

    def __init__(self, *args, lines=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = list(lines)
        for index, line in enumerate(self.lines, start=1):
            name = line.get("name") or "—"
            self.fields[f"line_{index}_unit_cost"] = AmountField(
                label=_("Cost line %(n)d “%(name)s”: unit cost (PLN)") % {"n": index, "name": name}, required=False
            )
            self.fields[f"line_{index}_quantity"] = AmountField(
                label=_("Cost line %(n)d “%(name)s”: quantity") % {"n": index, "name": name}, required=False
            )
            self.fields[f"line_{index}_grant"] = AmountField(
                label=_("Cost line %(n)d “%(name)s”: from the grant (PLN)") % {"n": index, "name": name},
                required=False,
            )

    def line_rows(self):
        return [
            (index, line, [self[f"line_{index}_{key}"] for key in ("unit_cost", "quantity", "grant")])
            for index, line in enumerate(self.lines, start=1)
        ]
