"""The parts of the 2018 offer template beyond a single-year, single-offeror offer: joint offers
(other offerors, each activity and cost assigned, V.C, VI.2), per-year costs of a multi-year task,
the results table (III.6) when the call asks for it, VI.1 and every declaration of VII."""

import datetime

import pytest
from django.utils import timezone

from applications import services
from applications.completeness import DECLARATIONS, offer_blockers
from applications.models import Application
from tests.applications.helpers import complete_content, offer, open_call
from tests.calls.helpers import pdf_text
from tests.clients import html_client

pytestmark = pytest.mark.django_db

PARTNER = {
    "name": "Klub Sportowy Orlik",
    "legal_form": "stowarzyszenie",
    "register_number": "0000123456",
    "address": "ul. Sportowa 1, 41-800 Zabrze",
    "email": "orlik@example.org",
    "phone": "32 000 00 00",
}


def with_content(application, content):
    Application.objects.filter(pk=application.pk).update(content=content)
    application.refresh_from_db()
    return application


def blockers_of(application, section=None):
    return [b.text for b in offer_blockers(application) if section is None or b.section == section]


def joint_content(call):
    content = complete_content(call)
    content["contact"]["partners"] = [dict(PARTNER)]
    content["task"]["activities"][0]["offeror"] = "1"
    start, end = content["task"]["activities"][0]["start"], content["task"]["activities"][0]["end"]
    content["task"]["activities"].append(
        {"name": "Obsługa zapisów", "description": "Zapisy.", "start": start, "end": end, "offeror": "0"}
    )
    line = content["budget"]["lines"][0]
    line["offeror"] = "1"
    content["budget"]["lines"].append(
        {
            "activity": "2",
            "offeror": "0",
            "name": "Materiały biurowe",
            "unit": "kpl.",
            "unit_cost": "50,00",
            "quantity": "2",
            "grant": "90,00",
            "own_financial": "10,00",
        }
    )
    content["budget"]["sources"] = {"grant": "990,00", "own_financial": "110,00"}
    content["other"]["representation"] = "Stowarzyszenie reprezentuje oferentów; Orlik prowadzi zajęcia."
    return content


def test_a_joint_offer_names_each_offeror_for_every_activity_and_cost_and_splits_the_costs():
    application, member = offer()
    with_content(application, joint_content(application.call))
    assert offer_blockers(application) == []

    # an activity or a cost without its offeror, a partner without data, no VI.2: each blocks
    content = joint_content(application.call)
    content["task"]["activities"][1]["offeror"] = ""
    content["budget"]["lines"][1]["offeror"] = "7"
    content["contact"]["partners"][0]["register_number"] = ""
    content["other"]["representation"] = ""
    with_content(application, content)
    assert blockers_of(application) == [
        "Oferent 2: uzupełnij pole „Numer w KRS lub innej ewidencji”.",
        "Działanie 2: wybierz oferenta, który je realizuje.",
        "Koszt nr 2 nie jest przypisany do żadnego z oferentów tej oferty.",
        "Oferta wspólna musi wskazywać, jakie działania wykonuje każdy z oferentów i jak są oni reprezentowani "
        "wobec organu (VI.2).",
    ]

    with_content(application, joint_content(application.call))
    submitted = services.application_submit(application=application, actor=member)
    text = pdf_text(submitted.offer_document.read())
    assert "OFERTA WSPÓLNA REALIZACJI ZADANIA PUBLICZNEGO" in text and "art. 14 ust. 2" in text
    assert "Klub Sportowy Orlik" in text and "0000123456" in text
    assert "V.C Podział kosztów realizacji zadania pomiędzy oferentów" in text
    # V.C: the partner bears the 1 000,00 zł trainer, the organisation the 100,00 zł of materials
    vc = text.split("V.C Podział kosztów")[1].split("VI. Inne informacje")[0]
    assert "Klub Sportowy Orlik 1 000,00 zł" in vc and f"{application.organisation.name} 100,00 zł" in vc
    assert "Stowarzyszenie reprezentuje oferentów" in text


def test_the_joint_offer_fields_appear_in_the_editor_only_once_another_offeror_is_added():
    application, member = offer()
    client = html_client(member)
    assert 'name="activities-0-offeror"' not in client.get(f"/offers/{application.pk}/edit/task/").content.decode()
    assert 'name="lines-0-offeror"' not in client.get(f"/offers/{application.pk}/edit/budget/").content.decode()

    data = {
        "contact-name": "Anna",
        "partners-TOTAL_FORMS": "1",
        "partners-INITIAL_FORMS": "0",
        **{f"partners-0-{key}": value for key, value in PARTNER.items()},
    }
    assert client.post(f"/offers/{application.pk}/edit/contact/", data).status_code == 302
    application.refresh_from_db()
    assert application.content["contact"]["partners"] == [PARTNER]

    task_page = client.get(f"/offers/{application.pk}/edit/task/").content.decode()
    assert 'name="activities-0-offeror"' in task_page and "Klub Sportowy Orlik" in task_page
    assert 'name="lines-0-offeror"' in client.get(f"/offers/{application.pk}/edit/budget/").content.decode()
    summary = client.get(f"/offers/{application.pk}/edit/").content.decode()
    assert "Klub Sportowy Orlik" in summary  # the V.C table


def test_a_partner_with_a_malformed_e_mail_is_stored_as_typed_and_refused_with_a_message():
    application, member = offer()
    data = {"partners-TOTAL_FORMS": "1", "partners-INITIAL_FORMS": "0", "partners-0-name": "Orlik"}
    data["partners-0-email"] = "orlik-at-example"
    response = html_client(member).post(f"/offers/{application.pk}/edit/contact/", data)
    assert response.status_code == 400
    assert 'value="orlik-at-example"' in response.content.decode()
    application.refresh_from_db()
    assert application.content["contact"]["partners"][0]["email"] == "orlik-at-example"


def multi_year_call():
    published = timezone.now() - datetime.timedelta(days=2)
    year = timezone.localdate().year + 1
    return open_call(
        offer_deadline=published + datetime.timedelta(days=25),
        realisation_start=datetime.date(year, 3, 1),
        realisation_end=datetime.date(year + 1, 6, 30),
    )


def test_a_multi_year_task_gives_each_cost_its_year_and_totals_per_year():
    call = multi_year_call()
    application, member = offer(call=call)
    page = html_client(member).get(f"/offers/{application.pk}/edit/budget/").content.decode()
    assert 'name="lines-0-year"' in page and f"({call.realisation_start.year + 1})" in page

    content = complete_content(call)
    second = dict(content["budget"]["lines"][0], year="2", name="Wynagrodzenie trenera 2028")
    content["budget"]["lines"][0]["year"] = "1"
    content["budget"]["lines"].append(second)
    content["budget"]["sources"] = {"grant": "1800,00", "own_financial": "200,00"}
    with_content(application, content)
    assert offer_blockers(application) == []

    content["budget"]["lines"][1]["year"] = "3"  # the window has two years
    with_content(application, content)
    assert "Rok musi być liczbą od 1 do 2." in blockers_of(application, "budget")

    content["budget"]["lines"][1]["year"] = "2"
    with_content(application, content)
    summary = html_client(member).get(f"/offers/{application.pk}/edit/").content.decode()
    per_year = summary.split("Łączne koszty w kolejnych latach zadania")[1].split("</table>")[0]
    assert per_year.count("1\xa0000,00\xa0zł") == 2
    submitted = services.application_submit(application=application, actor=member)
    text = pdf_text(submitted.offer_document.read())
    assert f"Rok 1 ({call.realisation_start.year})" in text and f"Rok 2 ({call.realisation_start.year + 1})" in text


def test_a_single_year_task_has_no_year_column():
    application, member = offer()
    page = html_client(member).get(f"/offers/{application.pk}/edit/budget/").content.decode()
    assert 'name="lines-0-year"' not in page


def test_the_results_table_is_required_only_when_the_call_asks_for_it():
    application, member = offer(call=open_call(requires_results_table=True))
    with_content(application, complete_content(application.call))
    assert blockers_of(application, "task") == [
        "Ogłoszenie wymaga tabeli rezultatów (III.6): dodaj co najmniej jeden rezultat."
    ]
    content = complete_content(application.call)
    content["task"]["indicators"] = [{"name": "Liczba uczestników", "planned_level": "30", "monitoring": ""}]
    with_content(application, content)
    assert blockers_of(application, "task") == [
        "Rezultat 1: podaj jego nazwę, planowany poziom osiągnięcia i sposób monitorowania."
    ]
    content["task"]["indicators"][0]["monitoring"] = "Listy obecności"
    with_content(application, content)
    assert offer_blockers(application) == []
    submitted = services.application_submit(application=application, actor=member)
    text = pdf_text(submitted.offer_document.read())
    assert "Liczba uczestników 30 Listy obecności" in text

    other, _member = offer()
    with_content(other, complete_content(other.call))
    assert offer_blockers(other) == []  # not asked for: no result needed


def test_the_results_rows_are_typed_in_the_task_section():
    application, member = offer(call=open_call(requires_results_table=True))
    data = {
        "task-synopsis": "Opis",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "0",
        "indicators-TOTAL_FORMS": "2",
        "indicators-INITIAL_FORMS": "0",
        "indicators-0-name": "Liczba uczestników",
        "indicators-0-planned_level": "30",
        "indicators-0-monitoring": "Listy obecności",
    }
    client = html_client(member)
    page = client.get(f"/offers/{application.pk}/edit/task/").content.decode()
    assert 'name="indicators-0-planned_level"' in page
    assert client.post(f"/offers/{application.pk}/edit/task/", data).status_code == 302
    application.refresh_from_db()
    assert application.content["task"]["indicators"] == [
        {"name": "Liczba uczestników", "planned_level": "30", "monitoring": "Listy obecności"}
    ]


@pytest.mark.parametrize("declaration", DECLARATIONS)
def test_every_declaration_of_section_vii_must_be_made(declaration):
    application, _member = offer()
    content = complete_content(application.call)
    content["declarations"][declaration] = False
    with_content(application, content)
    assert blockers_of(application) == ["Zaznacz wszystkie oświadczenia z części VII."]


def test_the_declarations_page_lists_the_seven_declarations_of_the_template():
    application, member = offer()
    page = html_client(member).get(f"/offers/{application.pk}/edit/declarations/").content.decode()
    assert page.count('type="checkbox"') == len(DECLARATIONS) == 7


def test_the_offer_says_whether_the_task_is_paid_or_free_of_charge():
    application, member = offer()
    content = complete_content(application.call)
    content["other"]["payment"] = ""
    with_content(application, content)
    assert blockers_of(application) == ["Wskaż, czy zadanie będzie wykonywane odpłatnie czy nieodpłatnie (VI.1)."]
    content["other"]["payment"] = "mixed"
    with_content(application, content)
    submitted = services.application_submit(application=application, actor=member)
    assert "Zadanie publiczne będzie wykonywane częściowo nieodpłatnie" in pdf_text(submitted.offer_document.read())


def test_a_post_without_a_rows_block_keeps_the_stored_rows():
    """An older page (or a client) that does not send the results rows must not wipe them."""
    application, member = offer()
    content = complete_content(application.call)
    content["task"]["indicators"] = [{"name": "Uczestnicy", "planned_level": "30", "monitoring": "Listy"}]
    with_content(application, content)
    data = {"task-synopsis": "Nowy opis", "activities-TOTAL_FORMS": "0", "activities-INITIAL_FORMS": "0"}
    assert html_client(member).post(f"/offers/{application.pk}/edit/task/", data).status_code == 302
    application.refresh_from_db()
    assert application.content["task"]["synopsis"] == "Nowy opis"
    assert application.content["task"]["indicators"] == content["task"]["indicators"]


def test_the_call_may_cap_the_grant_per_offer():
    application, _member = offer(call=open_call(max_grant_per_offer="500.00"))
    with_content(application, complete_content(application.call))  # asks for 900,00
    assert any("500,00" in text for text in blockers_of(application, "budget"))
