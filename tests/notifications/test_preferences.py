"""A person chooses which optional notices they get; legally significant ones cannot be turned off, and
the writers of optional notices ask one function (notifications.preferences.wants)."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from calls.models import Call
from calls.services import call_announce
from evaluation.enums import EvaluationStatus
from evaluation.services import scoring_reminders_write
from notifications.models import NoticePreference, OutboxMessage
from notifications.preferences import MANDATORY_EVENTS, OPTIONAL_EVENTS, STAFF_EVENTS, preferences_of, wants
from tests.evaluation.results_world import Scored, seat
from tests.factories import CallFactory, OrganisationFactory, UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_page_shows_optional_notices_on_and_mandatory_ones_always_on_and_disabled(ngo_member):
    page = logged_in(ngo_member).get("/accounts/preferences/")
    assert page.status_code == 200
    html = page.content.decode()
    for event in set(OPTIONAL_EVENTS) - STAFF_EVENTS:
        assert f'name="{event}"' in html
    for event in MANDATORY_EVENTS:
        field = html[html.index(f'name="mandatory_{event}"') - 200 :][:400]
        assert "disabled" in field and "checked" in field


def test_a_member_turns_off_new_call_notices_and_keeps_reminders(ngo_member):
    response = logged_in(ngo_member).post(
        "/accounts/preferences/", {"scoring_reminder": "on", "deadline_reminder": "on"}
    )
    assert response.status_code == 302
    assert preferences_of(ngo_member) == {"call_announced": False, "deadline_reminder": True, "scoring_reminder": True}
    assert not wants(ngo_member, "call_announced")
    assert not wants(ngo_member.email.upper(), "call_announced")  # by address too, in any letter case
    assert wants(ngo_member, "scoring_reminder")


def test_mandatory_notices_cannot_be_turned_off(ngo_member):
    # posting every box unchecked (and the disabled ones explicitly "off") changes nothing for them
    logged_in(ngo_member).post("/accounts/preferences/", {f"mandatory_{e}": "" for e in MANDATORY_EVENTS})
    assert not NoticePreference.objects.filter(user=ngo_member, event__in=list(MANDATORY_EVENTS)).exists()
    # even a stored refusal of a mandatory event is not consulted
    NoticePreference.objects.create(user=ngo_member, event="results_outcome", enabled=False)
    for event in [*MANDATORY_EVENTS, "results_outcome", "application_formally_rejected"]:
        assert wants(ngo_member, event)


def test_an_address_without_an_account_gets_optional_notices():
    assert wants("nikt@example.org", "call_announced")


def test_the_page_needs_a_login():
    response = Client().get("/accounts/preferences/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_announcement_reaches_members_who_want_it_and_not_those_who_turned_it_off(official):
    organisation = OrganisationFactory(verified_at=timezone.now(), sphere_codes=["17"])
    wanting, refusing = make_ngo_member(organisation), make_ngo_member(organisation)
    NoticePreference.objects.create(user=refusing, event="call_announced", enabled=False)
    outsider = make_ngo_member(OrganisationFactory(verified_at=timezone.now(), sphere_codes=["1"]))
    call = CallFactory()
    assert call.task.sphere.code == "17"

    call_announce(call=call, actor=official)

    recipients = set(OutboxMessage.objects.filter(event="call_announced").values_list("recipient", flat=True))
    assert organisation.email in recipients  # the organisation's own address (its own setting)
    assert wanting.email in recipients
    assert refusing.email not in recipients and outsider.email not in recipients
    assert Call.objects.get(pk=call.pk).status == "announced"


def test_scoring_reminders_respect_the_members_choice():
    world = Scored(status=EvaluationStatus.SCORING)
    Call.objects.filter(pk=world.call.pk).update(decision_by=timezone.localdate() + datetime.timedelta(days=1))
    keen, tired = UserFactory(), UserFactory()
    seat(world.evaluation, user=keen, signed=False)
    seat(world.evaluation, user=tired, signed=False)
    NoticePreference.objects.create(user=tired, event="scoring_reminder", enabled=False)

    scoring_reminders_write()

    recipients = set(OutboxMessage.objects.filter(event="scoring_reminder").values_list("recipient", flat=True))
    assert keen.email in recipients and tired.email not in recipients


def test_officials_also_choose_the_staff_notices_that_members_never_see(ngo_member, official):
    assert not STAFF_EVENTS & set(preferences_of(ngo_member))
    assert STAFF_EVENTS <= set(preferences_of(official))
    page = logged_in(official).get("/accounts/preferences/").content.decode()
    assert 'name="small_grant_comment"' in page
    assert 'name="small_grant_comment"' not in logged_in(ngo_member).get("/accounts/preferences/").content.decode()
    logged_in(official).post("/accounts/preferences/", {"report_received": "on", "call_announced": "on"})
    assert not wants(official, "small_grant_comment")
    assert wants(official, "report_received")
