"""The offer editor: sections saved as typed, errors keep the text, only members while editable,
the summary's blockers are the submission's, and the PDF shows what was written."""

import pytest
from django.contrib.staticfiles import finders
from django.utils import timezone

from applications import services
from applications.completeness import DECLARATIONS, offer_blockers
from applications.models import Application
from core.errors import DomainError
from tests.applications.helpers import complete_content, offer
from tests.calls.helpers import pdf_text
from tests.clients import html_client
from tests.factories import OrganisationFactory, make_ngo_member

pytestmark = pytest.mark.django_db

SECTIONS = ["contact", "task", "offeror", "budget", "other", "declarations"]


def url(application, section=None):
    return f"/offers/{application.pk}/edit/" + (f"{section}/" if section else "")


def empty_offer():
    application, member = offer()
    Application.objects.filter(pk=application.pk).update(content={})
    application.refresh_from_db()
    return application, member


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def task_post(call, **activity):
    data = {
        "task-title": "Wakacje w mieście",
        "task-synopsis": "Półkolonie dla dzieci.",
        "task-place": "Zabrze",
        "task-target_group": "Dzieci 7–12 lat",
        "task-results": "30 dzieci na zajęciach.",
        **management("activities", 2),
        **management("indicators", 2),
        "activities-0-name": "Zajęcia sportowe",
        "activities-0-description": "Codziennie.",
        "activities-0-start": activity.get("start", call.realisation_start.isoformat()),
        "activities-0-end": activity.get("end", call.realisation_end.isoformat()),
    }
    return data


def budget_post(unit_cost="100,00", grant="900,00"):
    return {
        **management("lines", 2),
        "lines-0-activity": "1",
        "lines-0-name": "Wynagrodzenie trenera",
        "lines-0-unit": "godz.",
        "lines-0-unit_cost": unit_cost,
        "lines-0-quantity": "10",
        "lines-0-grant": "900,00",
        "lines-0-own_financial": "100,00",
        "sources-grant": grant,
        "sources-own_financial": "100,00",
    }


def test_a_member_fills_the_sections_and_they_are_stored():
    application, member = empty_offer()
    client = html_client(member)
    for section in SECTIONS:
        assert client.get(url(application, section)).status_code == 200, section
    call = application.call
    posts = {
        "contact": {
            "contact-name": "Anna Żółkiewska",
            "contact-phone": "32 123 45 67",
            "contact-email": "a@example.org",
            **management("partners", 1),
        },
        "task": task_post(call),
        "offeror": {"offeror-experience": "Od 2010 r.", "offeror-resources": "Dwóch trenerów."},
        "budget": budget_post(),
        "other": {"other-payment": "free", "other-information": "Współpraca ze szkołą."},
        "declarations": {f"declarations-{name}": "on" for name in DECLARATIONS},
    }
    for section, data in posts.items():
        response = client.post(url(application, section), data)
        assert response.status_code == 302, (section, response.content.decode()[:2000])
    application.refresh_from_db()
    content = application.content
    assert content["contact"]["name"] == "Anna Żółkiewska"
    assert content["task"]["activities"] == [
        {
            "name": "Zajęcia sportowe",
            "description": "Codziennie.",
            "start": call.realisation_start.isoformat(),
            "end": call.realisation_end.isoformat(),
        }
    ]  # the empty second row is dropped
    assert content["budget"]["lines"][0]["unit_cost"] == "100,00"
    assert content["budget"]["sources"]["grant"] == "900,00"
    assert content["declarations"] == {name: True for name in DECLARATIONS}
    assert str(application.requested_amount) == "900.00"  # kept in sync with V.B
    assert offer_blockers(application) == []


def test_autosave_answers_json_and_stores_the_draft():
    application, member = empty_offer()
    response = html_client(member).post(
        url(application, "contact"), {"contact-name": "Anna"}, HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 200
    assert response.json()["saved"] is True and len(response.json()["saved_at"]) == 5
    application.refresh_from_db()
    assert application.content["contact"]["name"] == "Anna"


@pytest.mark.parametrize(
    ("section", "data", "typed", "field"),
    [
        ("budget", budget_post(unit_cost="abc"), "abc", "lines-0-unit_cost"),
        ("task", None, "2026-01-02", "activities-0-end"),
        ("contact", {"contact-name": "Anna", "contact-email": "nie-adres"}, "nie-adres", "contact-email"),
    ],
)
def test_invalid_input_answers_400_keeps_the_typed_text_and_saves_the_draft(section, data, typed, field):
    application, member = empty_offer()
    if data is None:
        data = task_post(application.call, start="2026-01-05", end="2026-01-02")
    response = html_client(member).post(url(application, section), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'value="{typed}"' in page
    assert f'id="id_{field}_error"' in page and 'aria-invalid="true"' in page
    application.refresh_from_db()
    assert typed in str(application.content[section])  # nothing typed is lost
    fetched = html_client(member).post(url(application, section), data, HTTP_X_REQUESTED_WITH="fetch")
    assert fetched.status_code == 400 and field in fetched.json()["errors"]


@pytest.mark.parametrize("who", ["other_member", "anonymous"])
def test_nobody_but_the_members_reaches_the_editor(who):
    application, _member = offer()
    before = application.content
    user = make_ngo_member(OrganisationFactory(verified_at=timezone.now())) if who == "other_member" else None
    client = html_client(user)
    for path in [url(application)] + [url(application, s) for s in SECTIONS]:
        for method in (client.get, client.post):
            response = method(path, {"contact-name": "Intruz"})
            if who == "anonymous":
                assert response.status_code in (302, 404), path
                if response.status_code == 302:
                    assert "/accounts/login/" in response["Location"]
            else:
                assert response.status_code == 404, path
    application.refresh_from_db()
    assert application.content == before and application.status == "draft"


def test_a_submitted_offer_cannot_be_edited():
    application, member = offer(status="submitted")
    before = application.content
    client = html_client(member)
    for path in [url(application)] + [url(application, s) for s in SECTIONS]:
        assert client.get(path).status_code == 403, path
        response = client.post(path, {"contact-name": "Zmiana"})
        assert response.status_code == 403, path
        assert "Tej oferty nie można już zmieniać w edytorze" in response.content.decode()
    application.refresh_from_db()
    assert application.content == before
    with pytest.raises(DomainError):
        services.offer_section_save(application=application, actor=member, section="contact", data={"name": "X"})


def test_an_unknown_section_is_404():
    application, member = offer()
    assert html_client(member).get(url(application, "nonsense")).status_code == 404


def test_blockers_are_listed_and_submission_is_refused_until_they_are_fixed():
    application, member = empty_offer()
    client = html_client(member)
    page = client.get(url(application)).content.decode()
    assert "Dodaj co najmniej jedno działanie do harmonogramu." in page
    assert "Zaznacz wszystkie oświadczenia z części VII." in page
    refused = client.post(url(application))
    assert refused.status_code == 400
    with pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=member)
    assert error.value.code == "offer_incomplete"
    assert error.value.errors["__all__"] == [b.text for b in offer_blockers(application)]
    application.refresh_from_db()
    assert application.status == "draft"

    # a budget over the call's 90 % grant cap still blocks
    content = complete_content(application.call)
    content["budget"]["sources"]["grant"] = "1000,00"
    content["budget"]["sources"]["own_financial"] = "0"
    content["budget"]["lines"][0].update({"grant": "1000,00", "own_financial": ""})
    Application.objects.filter(pk=application.pk).update(content=content)
    application.refresh_from_db()
    codes = [b.text for b in offer_blockers(application)]
    assert codes and all(b.section == "budget" for b in offer_blockers(application))
    with pytest.raises(DomainError) as error:
        services.application_submit(application=application, actor=member)
    assert error.value.code == "offer_incomplete"

    # fixed: the summary says nothing blocks, and the submission goes through
    Application.objects.filter(pk=application.pk).update(content=complete_content(application.call))
    assert offer_blockers(Application.objects.get(pk=application.pk)) == []
    response = client.post(url(application))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.confirmation_number
    text = pdf_text(application.offer_document.read())
    assert "Wynagrodzenie trenera" in text
    assert "Zajęcia sportowe" in text
    assert "Anna Żółkiewska" in text


def test_the_autosave_script_and_its_texts_are_served_by_the_app():
    application, member = offer()
    page = html_client(member).get(url(application, "contact")).content.decode()
    assert "js/offer-autosave.js" in page and "data-autosave" in page and 'aria-live="polite"' in page
    assert "Zapisano o HH:MM" in page
    script = finders.find("js/offer-autosave.js")  # an app asset (collectstatic, whitenoise), no CDN
    assert script and "X-Requested-With" in open(script, encoding="utf-8").read()


def test_what_was_typed_after_the_session_expired_is_saved_once_the_person_logs_in_again():
    from django.test import Client

    application, member = empty_offer()
    browser = Client()  # the session has expired: the browser is anonymous now
    typed = {"contact-name": "Anna po przerwie", "contact-phone": "32 111 22 33", "contact-email": "anna@example.org"}
    response = browser.post(url(application, "contact"), typed)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert f"next=/offers/{application.pk}/edit/contact/" in response["Location"].replace("%2F", "/")
    application.refresh_from_db()
    assert application.content == {}  # nothing stored for nobody

    autosave = browser.post(url(application, "contact"), typed, HTTP_X_REQUESTED_WITH="fetch")
    assert autosave.status_code == 401 and autosave.json()["saved"] is False

    browser.force_login(member)  # logging in keeps the anonymous session's data
    page = browser.get(url(application, "contact"))
    assert page.status_code == 200
    assert 'value="Anna po przerwie"' in page.content.decode()
    application.refresh_from_db()
    assert application.content["contact"]["name"] == "Anna po przerwie"
    # the kept text is used once
    Application.objects.filter(pk=application.pk).update(content={})
    browser.get(url(application, "contact"))
    application.refresh_from_db()
    assert application.content == {}


def test_text_kept_from_an_expired_session_is_not_stored_for_someone_who_is_not_a_member():
    from django.test import Client

    application, _member = empty_offer()
    browser = Client()
    browser.post(url(application, "contact"), {"contact-name": "Intruz"})
    browser.force_login(make_ngo_member(OrganisationFactory(verified_at=timezone.now())))
    assert browser.get(url(application, "contact")).status_code == 404
    application.refresh_from_db()
    assert application.content == {}


def test_a_nul_character_is_refused_with_a_message_and_the_rest_is_kept():
    application, member = empty_offer()
    response = html_client(member).post(
        url(application, "contact"), {"contact-name": "An\x00na", "contact-phone": "32"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.content["contact"]["name"] == "Anna" and application.content["contact"]["phone"] == "32"
