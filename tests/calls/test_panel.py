"""The officials' panel: creating a programme, a task and a call; refusals that keep what was typed;
announcing (with the stored PDF) and cancelling.
"""

import datetime
import hashlib
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from calls.announcement import announcement_problems
from calls.enums import StatutoryCriterion
from calls.models import AnnualProgramme, Call, PublicTask
from calls.rules import NOT_STAFF
from tests.calls.helpers import call_in_state, pdf_text, status_changes, stored_status
from tests.factories import CallFactory, ProgrammeFactory, TaskFactory

pytestmark = pytest.mark.django_db

HEADING = "Ogłoszenie otwartego konkursu ofert"
PANGRAM = "Zażółć gęślą jaźń"


@pytest.fixture
def panel(official):
    client = Client(raise_request_exception=False)  # a server error is an answer (500) the test can report
    client.force_login(official)
    return client


def polish(msgid):
    """Django's own Polish for a message id, checked to be a translation (not the English text)."""
    with translation.override("pl"):
        text = gettext(msgid)
    assert text != msgid, f"no Polish translation of {msgid!r}"
    return escape(text)


def dt(value):
    return value.strftime("%Y-%m-%dT%H:%M")


def d(value):
    return value.strftime("%Y-%m-%d")


# --- creating ----------------------------------------------------------------------------------------------


def test_an_official_creates_a_programme(panel):
    response = panel.post(
        "/panel/programmes/new/",
        {
            "year": "2031",
            "title": "Program współpracy Miasta na rok 2031",
            "resolution": "Uchwała nr XII/34/2030",
            "adopted_on": "2030-11-20",
            "objectives": "Wzmacnianie organizacji pozarządowych.",
        },
    )
    programme = AnnualProgramme.objects.get(year=2031)
    assert response.status_code == 302
    assert response["Location"] == f"/panel/programmes/{programme.pk}/"
    assert programme.title == "Program współpracy Miasta na rok 2031"
    assert programme.adopted_on == datetime.date(2030, 11, 20)
    assert "Program współpracy Miasta na rok 2031" in panel.get(response["Location"]).content.decode()


def test_an_official_adds_a_task_to_a_programme(panel):
    programme = ProgrammeFactory(year=2031)
    sphere = TaskFactory().sphere
    response = panel.post(
        "/panel/tasks/new/",
        {
            "programme": programme.pk,
            "number": "4.2",
            "title": "Organizacja zajęć sportowych dla dzieci",
            "description": "",
            "sphere": sphere.pk,
            "form": "supporting",
            "mode": "open_competition",
            "planned_funds": "150000.00",
            "planned_quarter": "2",
        },
    )
    assert response.status_code == 302
    task = PublicTask.objects.get(programme=programme)
    assert (task.number, task.title, task.planned_funds) == ("4.2", "Organizacja zajęć sportowych dla dzieci", 150000)
    assert "Organizacja zajęć sportowych dla dzieci" in panel.get(response["Location"]).content.decode()


def call_form_data(planned_task, **overrides):
    published = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    deadline = published + datetime.timedelta(days=25)
    return {
        "task": planned_task.pk,
        "reference": "COP.524.1.2026",
        "title": f"Konkurs: {PANGRAM}",
        "task_type": "Szkolenie sportowe dzieci",
        "funds": "80000.00",
        "award_rules": "Dotacje przyznaje Prezydent Miasta.",
        "realisation_start": d(deadline + datetime.timedelta(days=30)),
        "realisation_end": d(deadline + datetime.timedelta(days=120)),
        "realisation_conditions": "Na terenie miasta.",
        "offer_deadline": dt(deadline),
        "procedure": "Ocena formalna i merytoryczna.",
        "decision_by": d(deadline + datetime.timedelta(days=14)),
        "max_grant_share_percent": "90",
        "max_admin_cost_percent": "10",
        "allowed_cost_shift_percent": "15",
        "min_score": "30",
        "published_bip_at": dt(published),
        "published_board_at": dt(published),
        "published_website_at": dt(published),
        **overrides,
    }


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("supporting", set(StatutoryCriterion)),
        ("entrusting", set(StatutoryCriterion) - {StatutoryCriterion.OWN_FUNDS}),
    ],
)
def test_an_official_creates_a_call_which_gets_the_statutory_criteria(form, expected, panel):
    # given a planned task of form `form`
    task = TaskFactory(form=form)
    data = call_form_data(task)
    # when the official saves a new call for it
    response = panel.post("/panel/calls/new/", data)
    # then the call exists as a draft with what was typed (times read on the Warsaw clock)
    assert response.status_code == 302, response.content[:300]
    call = Call.objects.get(task=task)
    assert response["Location"] == f"/panel/calls/{call.pk}/"
    assert call.status == "draft"
    assert call.title == data["title"]
    assert call.funds == Decimal("80000.00")
    assert timezone.localtime(call.offer_deadline).strftime("%Y-%m-%dT%H:%M") == data["offer_deadline"]
    # and the statutory criteria of art. 15 ust. 1 (own funds only in supporting)
    assert {c.statutory for c in call.criteria.all()} == expected
    assert call.criteria.count() == len(expected)


def test_an_official_edits_a_draft_call(panel):
    call = CallFactory()
    data = call_form_data(call.task, title="Poprawiony tytuł konkursu")
    response = panel.post(f"/panel/calls/{call.pk}/edit/", data)
    assert response.status_code == 302, response.content[:300]
    assert Call.objects.get(pk=call.pk).title == "Poprawiony tytuł konkursu"


def test_an_announced_call_cannot_be_edited(panel):
    call = call_in_state("announced")
    response = panel.post(f"/panel/calls/{call.pk}/edit/", call_form_data(call.task, title="Zmiana"))
    assert response.status_code == 403
    assert Call.objects.get(pk=call.pk).title == call.title


# --- refusals keep what was typed ----------------------------------------------------------------------


def test_a_programme_year_that_is_not_a_number_is_refused_keeping_the_input(panel):
    response = panel.post("/panel/programmes/new/", {"year": "abc", "title": "Program z literówką w roku"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "year" in response.context["form"].errors
    assert polish("Enter a whole number.") in page
    assert 'value="abc"' in page
    assert "Program z literówką w roku" in page
    assert not AnnualProgramme.objects.exists()


def test_a_programme_without_a_title_is_refused_keeping_the_input(panel):
    response = panel.post("/panel/programmes/new/", {"year": "2032", "title": "", "resolution": "Uchwała XV/1/2031"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert polish("This field is required.") in page
    assert 'value="2032"' in page
    assert "Uchwała XV/1/2031" in page
    assert not AnnualProgramme.objects.exists()


def test_negative_planned_funds_are_refused_keeping_the_input(panel):
    programme = ProgrammeFactory(year=2031)
    sphere = TaskFactory().sphere
    tasks = PublicTask.objects.count()
    response = panel.post(
        "/panel/tasks/new/",
        {
            "programme": programme.pk,
            "number": "7",
            "title": "Zadanie z ujemną kwotą",
            "sphere": sphere.pk,
            "form": "supporting",
            "mode": "open_competition",
            "planned_funds": "-5",
            "planned_quarter": "1",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "planned_funds" in response.context["form"].errors
    with translation.override("pl"):
        message = escape(str(response.context["form"].errors["planned_funds"][0]))
    assert message in page
    assert 'value="-5"' in page
    assert "Zadanie z ujemną kwotą" in page
    assert PublicTask.objects.count() == tasks


def test_a_call_without_a_title_is_refused_keeping_the_input(panel):
    task = TaskFactory()
    data = call_form_data(task, title="", award_rules="Zasady wpisane przez urzędnika")
    response = panel.post("/panel/calls/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "title" in response.context["form"].errors
    assert polish("This field is required.") in page
    assert "Zasady wpisane przez urzędnika" in page
    assert f'value="{data["offer_deadline"]}"' in page
    assert not Call.objects.exists()


@pytest.mark.parametrize(
    ("field", "junk"),
    [
        ("offer_deadline", "2027-02-30T25:61"),
        ("funds", "12,34,56"),
        ("funds", "1" * 40),
        ("realisation_start", "jutro"),
        ("max_grant_share_percent", "150"),
        ("task", "999999999999999999999"),
    ],
)
def test_junk_in_the_call_form_is_a_400_not_a_500(field, junk, panel):
    task = TaskFactory()
    response = panel.post("/panel/calls/new/", call_form_data(task, **{field: junk}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Call.objects.exists()


# --- announcing ------------------------------------------------------------------------------------------


def test_announcing_an_incomplete_call_shows_what_is_missing(panel):
    # given a draft with no notice-board date and no procedure
    call = CallFactory(published_board_at=None, procedure="")
    problems = announcement_problems(Call.objects.get(pk=call.pk))
    assert set(problems) >= {"published_board_at", "procedure"}
    # when the official opens the announce page, then every problem is listed
    page = panel.get(f"/panel/calls/{call.pk}/announce/").content.decode()
    for messages in problems.values():
        for message in messages:
            assert escape(str(message)) in page
    # and when they post it anyway, it is refused with the same list and nothing changes
    response = panel.post(f"/panel/calls/{call.pk}/announce/")
    assert response.status_code == 400
    page = response.content.decode()
    for messages in problems.values():
        for message in messages:
            assert escape(str(message)) in page
    assert stored_status(call) == "draft"
    assert not status_changes(call).exists()


def test_announcing_a_complete_call_stores_the_announcement_pdf(panel, official):
    # given a complete draft with Polish letters in its title
    call = CallFactory(title=PANGRAM)
    # when the official announces it
    response = panel.post(f"/panel/calls/{call.pk}/announce/")
    assert response.status_code == 302
    assert response["Location"] == f"/panel/calls/{call.pk}/"
    # then the call is announced, by that official
    call = Call.objects.select_related("announcement").get(pk=call.pk)
    assert call.status == "announced"
    assert status_changes(call).get().actor == official
    # and the public PDF is the stored one, byte for byte
    pdf = Client().get(f"/calls/{call.pk}/announcement.pdf")
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert hashlib.sha256(pdf.content).hexdigest() == call.announcement.sha256
    assert pdf["X-Content-SHA256"] == call.announcement.sha256
    # and its text keeps the Polish letters
    text = pdf_text(pdf.content)
    assert HEADING in text
    assert PANGRAM in text
    assert call.task_type in text


# --- cancelling ------------------------------------------------------------------------------------------


def test_cancelling_without_a_reason_is_refused(panel):
    call = call_in_state("closed")
    response = panel.post(f"/panel/calls/{call.pk}/cancel/", {"ground": "no_offers", "reason": ""})
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert polish("This field is required.") in response.content.decode()
    assert stored_status(call) == "closed"
    assert not status_changes(call).exists()


def test_cancelling_without_a_ground_is_refused_keeping_the_reason(panel):
    call = call_in_state("closed")
    reason = "Żadna oferta nie spełniła wymogów — uzasadnienie wpisane ręcznie"
    response = panel.post(f"/panel/calls/{call.pk}/cancel/", {"reason": reason})
    assert response.status_code == 400
    assert "ground" in response.context["form"].errors
    assert escape(reason) in response.content.decode()
    assert stored_status(call) == "closed"


def test_cancelling_with_ground_and_reason_cancels_and_records_both(panel, official):
    call = call_in_state("in_evaluation")
    reason = "Żadna oferta nie spełniła wymogów ogłoszenia."
    response = panel.post(f"/panel/calls/{call.pk}/cancel/", {"ground": "no_valid_offers", "reason": reason})
    assert response.status_code == 302
    assert stored_status(call) == "cancelled"
    change = status_changes(call).get()
    assert (change.actor, change.reason, change.data["ground"]) == (official, reason, "no_valid_offers")
    assert reason in Client().get(f"/calls/{call.pk}/").content.decode()


# --- the transition buttons ----------------------------------------------------------------------------------


def test_the_official_closes_a_call_past_its_deadline_from_the_panel(panel, official):
    call = call_in_state("announced")
    response = panel.post(f"/panel/calls/{call.pk}/close/")
    assert response.status_code == 302
    assert stored_status(call) == "closed"
    assert status_changes(call).get().actor == official


def test_the_approver_cannot_start_the_evaluation_and_is_told_why(approver):
    client = Client()
    client.force_login(approver)
    call = call_in_state("closed")
    response = client.post(f"/panel/calls/{call.pk}/start_evaluation/")
    assert response.status_code == 403
    with translation.override("pl"):
        assert escape(str(NOT_STAFF)) in response.content.decode()
    assert stored_status(call) == "closed"
