"""Art. 18a: a competition is cancelled only after its deadline, and only on a ground that holds."""

import pytest

from applications.enums import ApplicationStatus
from applications.models import Application
from calls import services
from calls.models import Call
from core.errors import DomainError
from tests.calls.helpers import call_in_state
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def offer(call, status):
    return Application.objects.create(call=call, organisation=OrganisationFactory(), title="Oferta", status=status)


@pytest.mark.parametrize(
    ("offers", "ground", "allowed"),
    [
        ([], "no_offers", True),
        ([ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN], "no_offers", True),
        ([ApplicationStatus.SUBMITTED], "no_offers", False),
        ([ApplicationStatus.FORMALLY_REJECTED], "no_offers", False),
        ([ApplicationStatus.FORMALLY_REJECTED], "no_valid_offers", True),
        ([ApplicationStatus.FORMALLY_REJECTED, ApplicationStatus.RETURNED_FOR_CORRECTION], "no_valid_offers", True),
        ([ApplicationStatus.FORMALLY_ACCEPTED], "no_valid_offers", False),
        ([ApplicationStatus.SCORED, ApplicationStatus.FORMALLY_REJECTED], "no_valid_offers", False),
    ],
)
def test_the_ground_must_hold(official, offers, ground, allowed):
    # given a closed call with these offers
    call = call_in_state("closed")
    for status in offers:
        offer(call, status)
    # when an official cancels it on the ground
    if allowed:
        services.call_cancel(call=call, actor=official, ground=ground, reason="Uzasadnienie.")
        assert Call.objects.get(pk=call.pk).status == "cancelled"
    else:
        with pytest.raises(DomainError) as refused:
            services.call_cancel(call=call, actor=official, ground=ground, reason="Uzasadnienie.")
        # then the refusal names the ground and the call is unchanged
        assert "ground" in refused.value.errors
        assert Call.objects.get(pk=call.pk).status == "closed"


def test_a_refused_ground_keeps_the_typed_reason_in_the_panel(client, official):
    call = call_in_state("closed")
    offer(call, ApplicationStatus.SUBMITTED)
    client.force_login(official)
    response = client.post(
        f"/panel/calls/{call.pk}/cancel/", {"ground": "no_offers", "reason": "Mój wpisany powód unieważnienia"}
    )
    assert response.status_code == 400
    assert "Mój wpisany powód unieważnienia" in response.content.decode()
    assert Call.objects.get(pk=call.pk).status == "closed"
