"""The officials' pages for offers: the offers of a call and the formal check through the HTML form."""

import datetime

import pytest
from django.utils import timezone

from applications.models import FormalCheck
from notifications.models import OutboxMessage
from tests.applications.helpers import offer, open_call
from tests.clients import html_client
from tests.factories import UserFactory, make_ngo_member

pytestmark = pytest.mark.django_db


def official():
    return UserFactory(roles=["official"])


def check_url(application):
    return f"/panel/offers/{application.pk}/formal-check/"


def answers(call, *, unmet=(), notes=None, skip=()):
    """The checklist as the form posts it: every requirement met except ``unmet`` (indexes)."""
    data = {}
    for index, text in enumerate(call.formal_requirements()):
        data[f"requirement_{index}"] = text
        data[f"note_{index}"] = (notes or {}).get(index, "")
        if index not in skip:
            data[f"met_{index}"] = "not_met" if index in unmet else "met"
    return data


def warsaw(moment):
    """``moment`` as typed in the date-time input (Warsaw, to the minute), and the aware value it means."""
    local = timezone.localtime(moment).replace(second=0, microsecond=0)
    return local.strftime("%Y-%m-%dT%H:%M"), local


# The offers of a call.


def test_officials_see_the_offers_of_a_call_with_counts_and_links_to_the_check():
    call = open_call()
    first, _ = offer(call, status="submitted")
    second, _ = offer(call, status="formally_accepted")
    second.title = "Drugie podejście"
    second.save()
    draft, _ = offer(call)
    draft.title = "Szkic w toku"
    draft.save()
    client = html_client(official())

    assert f'href="/panel/calls/{call.pk}/offers/"' in client.get(f"/panel/calls/{call.pk}/").content.decode()
    response = client.get(f"/panel/calls/{call.pk}/offers/")
    assert response.status_code == 200
    page = response.content.decode()
    assert first.organisation.name in page and second.organisation.name in page
    assert "Drugie podejście" in page
    assert "Szkic w toku" not in page  # drafts are counted, not listed
    assert f'href="{check_url(first)}"' in page
    assert f'href="{check_url(second)}"' not in page  # already checked
    assert f'href="/offers/{first.pk}/"' in page and f'href="/offers/{second.pk}/"' in page


def test_the_approver_sees_the_offers_but_not_the_check():
    application, _ = offer(status="submitted")
    approver = html_client(UserFactory(roles=["approver"]))
    page = approver.get(f"/panel/calls/{application.call_id}/offers/")
    assert page.status_code == 200 and application.title in page.content.decode()
    assert f'href="{check_url(application)}"' not in page.content.decode()
    response = approver.get(check_url(application))
    assert response.status_code == 403


def test_ngo_members_are_refused_and_anonymous_visitors_asked_to_log_in():
    application, member = offer(status="submitted")
    urls = [f"/panel/calls/{application.call_id}/offers/", check_url(application)]
    for client in (html_client(member), html_client(make_ngo_member())):
        for url in urls:
            assert client.get(url).status_code == 403, url
        data = {**answers(application.call), "decision": "accept"}
        assert client.post(check_url(application), data).status_code == 403
    for url in urls:
        response = html_client().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    application.refresh_from_db()
    assert application.status == "submitted" and not FormalCheck.objects.exists()


# The formal check.


def test_the_form_asks_every_requirement_with_no_answer_preselected():
    application, _ = offer(status="submitted")
    page = html_client(official()).get(check_url(application)).content.decode()
    requirements = application.call.formal_requirements()
    assert requirements
    for index, text in enumerate(requirements):
        assert text in page
        assert f'name="met_{index}"' in page
    assert page.count("<legend>") >= len(requirements) + 1
    assert " checked" not in page
    assert f'href="/offers/documents/{application.pk}/offer.pdf"' not in page  # none stored for this fixture
    assert f'href="/offers/{application.pk}/attachments/"' in page
    assert f'href="/offers/{application.pk}/"' in page


def test_an_official_accepts_an_offer_through_the_form():
    application, member = offer(status="submitted")
    call = application.call
    response = html_client(official()).post(
        check_url(application), {**answers(call, notes={0: "W terminie."}), "decision": "accept"}, follow=True
    )
    assert response.redirect_chain == [(f"/panel/calls/{call.pk}/offers/", 302)]
    assert application.title in response.content.decode()  # the message and the list
    application.refresh_from_db()
    assert application.status == "formally_accepted"
    check = FormalCheck.objects.get(application=application)
    assert check.outcome == "accepted"
    assert [item["met"] for item in check.items] == [True] * len(call.formal_requirements())
    assert check.items[0] == {"requirement": call.formal_requirements()[0], "met": True, "note": "W terminie."}
    notice = OutboxMessage.objects.get(event="application_formally_accepted")
    assert notice.recipient == member.email


def test_an_official_returns_an_offer_for_correction_through_the_form():
    application, member = offer(status="submitted")
    typed, due = warsaw(timezone.now() + datetime.timedelta(days=7))
    data = {
        **answers(application.call, unmet=[3], notes={3: "Brak podpisu skarbnika."}),
        "decision": "return",
        "defects": "Brak podpisu skarbnika.\n\nBrak statutu.  \n",
        "due": typed,
    }
    response = html_client(official()).post(check_url(application), data)
    assert response.status_code == 302
    assert response["Location"] == f"/panel/calls/{application.call_id}/offers/"
    application.refresh_from_db()
    assert application.status == "returned_for_correction"
    assert application.correction_due == due
    check = FormalCheck.objects.get(application=application)
    assert check.outcome == "returned"
    assert check.defects == ["Brak podpisu skarbnika.", "Brak statutu."]
    assert check.correction_due == due
    assert check.items[3]["met"] is False and check.items[3]["note"] == "Brak podpisu skarbnika."
    notice = OutboxMessage.objects.get(event="application_returned_for_correction")
    assert notice.recipient == member.email and "Brak statutu." in notice.body_text
    # the organisation sees it on the offer page
    page = html_client(member).get(f"/offers/{application.pk}/").content.decode()
    assert "Brak statutu." in page and typed[-5:] in page


def test_an_official_rejects_an_offer_through_the_form():
    application, member = offer(status="submitted")
    data = {
        **answers(application.call, unmet=[2], notes={2: "Inna sfera pożytku."}),
        "decision": "reject",
        "reason": "Oferta nie dotyczy zadania ogłoszonego w konkursie.",
    }
    response = html_client(official()).post(check_url(application), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "formally_rejected"
    check = FormalCheck.objects.get(application=application)
    assert check.outcome == "rejected" and check.reason == "Oferta nie dotyczy zadania ogłoszonego w konkursie."
    notice = OutboxMessage.objects.get(event="application_formally_rejected")
    assert notice.recipient == member.email


def _refused(case, call):
    future, _ = warsaw(timezone.now() + datetime.timedelta(days=7))
    past, _ = warsaw(timezone.now() - datetime.timedelta(hours=2))
    notes = {0: "Notatka urzędnika 0", 1: "Notatka urzędnika 1"}
    return {
        "unanswered requirement": ({**answers(call, notes=notes, skip=[1]), "decision": "accept"}, "id_met_1_0"),
        "unmet requirement with accept": (
            {**answers(call, unmet=[1], notes=notes), "decision": "accept"},
            "id_decision_0",
        ),
        "return without defects": (
            {**answers(call, notes=notes), "decision": "return", "defects": "  ", "due": future},
            "id_defects",
        ),
        "deadline in the past": (
            {**answers(call, unmet=[1], notes=notes), "decision": "return", "defects": "Brak statutu.", "due": past},
            "id_due",
        ),
        "reject without a reason": ({**answers(call, notes=notes), "decision": "reject", "reason": ""}, "id_reason"),
        "no decision": (answers(call, notes=notes), "id_decision_0"),
    }[case]


@pytest.mark.parametrize(
    "case",
    [
        "unanswered requirement",
        "unmet requirement with accept",
        "return without defects",
        "deadline in the past",
        "reject without a reason",
        "no decision",
    ],
)
def test_a_refused_form_answers_400_and_keeps_everything_typed(case):
    application, _ = offer(status="submitted")
    data, anchor = _refused(case, application.call)
    response = html_client(official()).post(check_url(application), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="form-errors"' in page and f'href="#{anchor}"' in page
    assert f'id="{anchor}"' in page
    assert "Notatka urzędnika 0" in page and "Notatka urzędnika 1" in page
    # the answers given stay ticked
    answered = [key for key in data if key.startswith("met_")]
    assert page.count("checked") >= len(answered) + (1 if "decision" in data else 0)
    if data.get("due"):
        assert f'value="{data["due"]}"' in page
    if data.get("defects", "").strip():
        assert data["defects"] in page
    application.refresh_from_db()
    assert application.status == "submitted"
    assert not FormalCheck.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_a_return_without_defects_suggests_them_from_the_notes_of_unmet_requirements():
    application, _ = offer(status="submitted")
    typed, _due = warsaw(timezone.now() + datetime.timedelta(days=7))
    requirements = application.call.formal_requirements()
    data = {
        **answers(application.call, unmet=[1, 4], notes={1: "Brak pełnomocnictwa."}),
        "decision": "return",
        "defects": "",
        "due": typed,
    }
    client = html_client(official())
    response = client.post(check_url(application), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Brak pełnomocnictwa.\n{requirements[4]}</textarea>" in page
    application.refresh_from_db()
    assert application.status == "submitted"
    # the official checks the suggestion and sends it
    response = client.post(check_url(application), {**data, "defects": f"Brak pełnomocnictwa.\n{requirements[4]}"})
    assert response.status_code == 302
    check = FormalCheck.objects.get(application=application)
    assert check.defects == ["Brak pełnomocnictwa.", requirements[4]]


def test_a_checklist_changed_after_the_page_was_opened_is_not_recorded_against_the_new_texts():
    application, _ = offer(status="submitted")
    data = {**answers(application.call), "decision": "accept"}
    call = application.call
    call.formal_checklist = call.formal_checklist.replace(call.formal_requirements()[2], "Nowy wymóg formalny.")
    call.save()
    response = html_client(official()).post(check_url(application), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Nowy wymóg formalny." in page and 'href="#id_met_2_0"' in page
    application.refresh_from_db()
    assert application.status == "submitted"


@pytest.mark.parametrize("status", ["draft", "returned_for_correction", "formally_accepted", "withdrawn"])
def test_an_offer_that_is_not_submitted_cannot_be_checked_and_the_page_says_why(status):
    application, _ = offer(status=status)
    client = html_client(official())
    page = client.get(check_url(application))
    assert page.status_code == 200
    assert application.get_status_display() in page.content.decode()
    assert 'name="decision"' not in page.content.decode()
    response = client.post(check_url(application), {**answers(application.call), "decision": "accept"})
    assert response.status_code == 409
    application.refresh_from_db()
    assert application.status == status
    assert not FormalCheck.objects.exists()


def test_a_call_without_formal_requirements_is_decided_without_a_checklist():
    call = open_call(formal_checklist="")
    application, _ = offer(call, status="submitted")
    client = html_client(official())
    assert "met_0" not in client.get(check_url(application)).content.decode()
    assert client.post(check_url(application), {"decision": "accept"}).status_code == 302
    application.refresh_from_db()
    assert application.status == "formally_accepted"
    assert FormalCheck.objects.get(application=application).items == []
