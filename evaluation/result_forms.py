"""Forms of the decisions, results, update and reasons pages. They parse; the services in
:mod:`evaluation.decisions` decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.completeness import parse_amount

AWARD, REFUSE = "award", "refuse"
CONFIRM, RETURN = "confirm", "return"


class DecisionForm(forms.Form):
    """The approver's decision on one offer (one form per offer on the page, each with its prefix)."""

    awarded = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[(AWARD, _("Award a grant")), (REFUSE, _("Do not award"))],
        error_messages={"required": _("Choose whether to award a grant.")},
    )
    amount = forms.CharField(
        label=_("Amount awarded (PLN)"),
        required=False,
        max_length=30,
        help_text=_("At most the grant requested. Prefilled with the committee's proposal."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation receives it with the outcome."),
        error_messages={"required": _("Give the reason for the decision; the organisation receives it.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("awarded") == AWARD:
            raw = cleaned.get("amount", "")
            value = parse_amount(raw)
            if value is None:
                self.add_error("amount", _("Give the amount awarded, e.g. 12 500,00."))
            cleaned["amount"] = value
        else:
            cleaned["amount"] = None
        return cleaned


class PublishForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I confirm the decisions above. Publishing makes them public and final, notifies every applicant and "
            "sends a note to the media; it cannot be undone."
        ),
        error_messages={"required": _("Tick the box to confirm the publication.")},
    )


class ReasonRequestForm(forms.Form):
    offer = forms.TypedChoiceField(label=_("Offer"), coerce=int, error_messages={"required": _("Choose the offer.")})
    name = forms.CharField(label=_("Your name"), max_length=200)
    email = forms.EmailField(
        label=_("Your e-mail address"), help_text=_("The answer is sent to this address."), max_length=254
    )
    question = forms.CharField(
        label=_("Your request"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional: what you would like explained."),
    )

    def __init__(self, offers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].choices = [("", _("— choose —"))] + [
            (offer.pk, f"{offer.organisation.name}: {offer.title}") for offer in offers
        ]


class ReasonAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_(
            "Prefilled from the committee's scores and the decision's reason: check and edit it before sending."
        ),
        error_messages={"required": _("Write the answer.")},
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm = forms.BooleanField(
        label=_("I confirm that our organisation declines the grant awarded. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm that you decline the grant.")},
    )


class UpdateReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Outcome"),
        widget=forms.RadioSelect,
        choices=[
            (CONFIRM, _("Confirm the update: the offer goes on to the agreement")),
            (RETURN, _("Return the update for correction")),
        ],
        error_messages={"required": _("Choose whether to confirm or return the update.")},
    )
    reason = forms.CharField(
        label=_("What to correct (required when returning) or a note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation receives it."),
    )
