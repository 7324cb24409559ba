"""An organisation's offers: the list for its members (and officials), and starting a new offer."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from calls.enums import CallStatus
from calls.models import Call
from core.roles import is_approver, is_official
from core.views import form_page
from organisations.models import Organisation

from . import services
from .models import Application
from .rules import EDITABLE_STATES, is_member


class StartOfferForm(forms.Form):
    call = forms.ModelChoiceField(label=gettext_lazy("Call"), queryset=Call.objects.none())
    title = forms.CharField(label=gettext_lazy("Title of the task"), max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = Call.objects.filter(
            Q(status=CallStatus.ANNOUNCED) & Q(offer_deadline__gt=timezone.now())
        ).order_by("offer_deadline")


@login_required
def organisation_offers(request, organisation_pk):
    """Members see their organisation's offers and start new ones; officials see the list."""
    organisation = get_object_or_404(Organisation, pk=organisation_pk)
    member = is_member(request.user, organisation.pk)
    if not (member or is_official(request.user) or is_approver(request.user)):
        raise Http404  # nobody learns which organisations have offers
    offers = Application.objects.filter(organisation=organisation).select_related("call").order_by("-pk")
    return form_page(
        request,
        form=StartOfferForm(request.POST or None) if member else StartOfferForm(),
        save=lambda data: services.application_create(
            actor=request.user, organisation=organisation, call=data["call"], title=data["title"]
        ),
        template="applications/organisation_offers.html",
        context={
            "organisation": organisation,
            "offers": offers,
            "can_start": member,
            "editable_states": EDITABLE_STATES,
        },
        success_message=_("The offer has been started. Fill in its sections; everything is saved as you go."),
        redirect_to=lambda offer: ("offer_editor_summary", offer.pk),
    )
