"""The organisation's pages: start a draft, fill in the simplified offer (kept as typed), see what blocks
it, submit it; and nobody outside the organisation sees an offer before it is published."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from django.utils.html import escape

from core.money import format_pln
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant
from tests.calls.helpers import local, pdf_text, status_changes
from tests.clients import api_client, html_client
from tests.factories import OrganisationFactory, UserFactory, make_ngo_member
from tests.smallgrants.helpers import content, pl, programme_of, small_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return make_ngo_member(OrganisationFactory(verified_at=timezone.now(), name="Stowarzyszenie Helenka"))


def new_data(member, **overrides):
    return {
        "organisation": member.memberships.get().organisation_id,
        "title": "Festyn sąsiedzki",
        "sphere": 1,
        "form": "supporting",
        "realisation_start": "2027-05-01",
        "realisation_end": "2027-05-31",
        **overrides,
    }


def edit_data(grant, **overrides):
    """The editor's POST for the complete offer of tests.smallgrants.helpers.content."""
    c = content(grant.realisation_start, grant.realisation_end)
    data = {
        "title": grant.title,
        "sphere": grant.sphere_id,
        "form": grant.form,
        "period_start": c["period"]["start"],
        "period_end": c["period"]["end"],
        "information": c["other"]["information"],
    }
    data |= {f"contact_{k}": v for k, v in c["contact"].items()}
    data |= {f"task_{k}": v for k, v in c["task"].items()}
    data |= {f"activity_0_{k}": v for k, v in c["activities"][0].items()}
    data |= {f"line_0_{k}": v for k, v in c["lines"][0].items()}
    data |= {f"source_{k}": v for k, v in c["sources"].items()}
    data |= {f"declaration_{k}": "on" for k in c["declarations"]}
    return data | overrides


def test_a_member_starts_a_draft_in_the_programme_of_the_start_year(member):
    from organisations.models import Sphere

    programme_of(2027)
    response = html_client(member).post("/small-grants/new/", new_data(member, sphere=Sphere.objects.get(code="17").pk))
    grant = SmallGrant.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/small-grants/{grant.pk}/edit/"
    assert grant.status == SmallGrantStatus.DRAFT and grant.programme.year == 2027
    assert grant.realisation_start == datetime.date(2027, 5, 1)
    assert [c.transition for c in status_changes(grant)] == ["create"]


def test_no_programme_for_the_year_is_refused_with_the_year_and_the_form_keeps_what_was_typed(member):
    from organisations.models import Sphere

    data = new_data(member, sphere=Sphere.objects.get(code="17").pk, realisation_start="2031-05-01", realisation_end="")
    response = html_client(member).post("/small-grants/new/", data)
    assert response.status_code == 400
    assert (
        pl(
            "There is no cooperation programme for %(year)s: a small grant can only be given for a year with a "
            "programme. Choose dates in a year that has one.",
            year=2031,
        )
        in response.text
    )
    assert 'value="Festyn sąsiedzki"' in response.text and 'value="2031-05-01"' in response.text
    assert not SmallGrant.objects.exists()


def test_a_member_of_an_unverified_organisation_cannot_start_one():
    unverified = make_ngo_member(OrganisationFactory(verified_at=None))
    programme_of(2027)
    from organisations.models import Sphere

    response = html_client(unverified).post(
        "/small-grants/new/", new_data(unverified, sphere=Sphere.objects.get(code="17").pk)
    )
    assert response.status_code == 400
    assert pl("The organisation must be verified by the NGO Centre before it can submit offers.") in response.text
    assert not SmallGrant.objects.exists()


def test_a_person_without_an_organisation_is_told_why():
    response = html_client(UserFactory()).get("/small-grants/new/")
    assert response.status_code == 403
    assert pl("Only confirmed members of an organisation may submit a small grant offer.") in response.text


def test_the_draft_keeps_what_was_typed_and_the_summary_lists_what_blocks_it():
    grant, member = small_grant(start=datetime.date(2027, 5, 1))
    data = edit_data(grant, line_0_unit_cost="dużo", source_grant="9 000,5", task_results="")
    response = html_client(member).post(f"/small-grants/{grant.pk}/edit/", data | {"next": "summary"})
    assert response.status_code == 302 and response["Location"] == f"/small-grants/{grant.pk}/summary/"
    grant.refresh_from_db()
    assert grant.content["lines"][0]["unit_cost"] == "dużo"
    assert grant.content["sources"]["grant"] == "9 000,5"
    page = html_client(member).get(f"/small-grants/{grant.pk}/edit/")
    assert 'value="dużo"' in page.text and 'value="9 000,5"' in page.text
    summary = html_client(member).get(f"/small-grants/{grant.pk}/summary/")
    assert pl("Cost %(number)s: the unit cost must be an amount, e.g. 150,00.", number=1) in summary.text
    assert pl("Describe the results expected.") in summary.text
    assert f'action="/small-grants/{grant.pk}/submit/"' not in summary.text
    refused = html_client(member).post(f"/small-grants/{grant.pk}/submit/")
    assert refused.status_code == 400 and pl("Describe the results expected.") in refused.text
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.DRAFT and grant.content["lines"][0]["unit_cost"] == "dużo"


def test_the_editor_adds_rows_when_asked():
    grant, member = small_grant(start=datetime.date(2027, 5, 1))
    response = html_client(member).post(f"/small-grants/{grant.pk}/edit/", edit_data(grant, add_row="activity"))
    assert response.status_code == 200
    assert 'name="activity_1_name"' in response.text and 'name="activity_2_name"' not in response.text


def test_a_complete_offer_is_submitted_with_its_pdf_and_publish_by_date():
    grant, member = small_grant(start=datetime.date(2027, 2, 1))
    with time_machine.travel(local(2026, 12, 21, 10), tick=False):
        response = html_client(member).post(f"/small-grants/{grant.pk}/submit/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.SUBMITTED
    assert grant.submitted_at == local(2026, 12, 21, 10)
    # 7 working days from Monday 21 December 2026: 24–27 December and 1 January are not working days
    assert grant.publish_by == datetime.date(2027, 1, 4)
    pdf = html_client(member).get(f"/small-grants/{grant.pk}/offer.pdf")
    assert pdf.status_code == 200 and pdf["X-Content-SHA256"] == grant.offer_document.sha256
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "UPROSZCZONA OFERTA" in text and "Festyn sąsiedzki" in text and "Nagłośnienie" in text
    page = html_client(member).get(f"/small-grants/{grant.pk}/")
    assert f"/small-grants/{grant.pk}/edit/" not in page.text and grant.offer_document.sha256 in page.text


def test_a_refusal_on_the_caps_names_the_cap_and_keeps_the_draft():
    grant, member = small_grant(grant=Decimal("10000.01"), start=datetime.date(2027, 2, 1))
    response = html_client(member).post(f"/small-grants/{grant.pk}/submit/")
    assert response.status_code == 400
    assert escape(format_pln(Decimal("10000.01"))) in response.text or format_pln(Decimal("10000.01")) in response.text
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.DRAFT and grant.offer_document is None


@pytest.mark.parametrize("status", [SmallGrantStatus.DRAFT, SmallGrantStatus.SUBMITTED, SmallGrantStatus.WITHDRAWN])
def test_nobody_outside_the_organisation_sees_an_unpublished_offer(status):
    grant, member = small_grant(status)
    if status == SmallGrantStatus.SUBMITTED:
        from smallgrants.documents import store_offer_document

        store_offer_document(grant)
    outsiders = [make_ngo_member(), None]
    for outsider in outsiders:
        client = html_client(outsider)
        for url in ("", "offer.pdf", "edit/", "summary/"):
            response = client.get(f"/small-grants/{grant.pk}/{url}")
            assert response.status_code in (404, 302), url
            if response.status_code == 302:
                assert outsider is None and "/login/" in response["Location"]
        assert client.post(f"/small-grants/{grant.pk}/comment/", {"author_name": "X", "text": "Y"}).status_code == 404
        assert grant.title not in client.get("/small-grants/").text
        api = api_client(outsider)
        assert api.get(f"/api/v1/small-grants/{grant.pk}/").status_code == 404
        assert grant.pk not in [row["id"] for row in api.get("/api/v1/small-grants/").json()["results"]]
    assert html_client(member).get(f"/small-grants/{grant.pk}/").status_code == 200
    assert api_client(member).get(f"/api/v1/small-grants/{grant.pk}/").status_code == 200


def test_another_organisations_member_cannot_write_to_a_draft():
    grant, _member = small_grant()
    other = make_ngo_member()
    before = dict(SmallGrant.objects.values().get(pk=grant.pk))
    assert (
        html_client(other).post(f"/small-grants/{grant.pk}/edit/", edit_data(grant, title="Cudze")).status_code == 404
    )
    assert html_client(other).post(f"/small-grants/{grant.pk}/submit/").status_code == 404
    assert html_client(other).post(f"/small-grants/{grant.pk}/withdraw/").status_code == 404
    assert (
        api_client(other).patch(f"/api/v1/small-grants/{grant.pk}/", {"title": "Cudze"}, format="json").status_code
        == 404
    )
    assert dict(SmallGrant.objects.values().get(pk=grant.pk)) == before


def test_published_and_past_offers_are_public_with_their_outcome():
    current, _ = small_grant(
        SmallGrantStatus.PUBLISHED,
        title="Festyn na Helence",
        comments_until=timezone.now() + datetime.timedelta(days=3),
    )
    refused, _ = small_grant(
        SmallGrantStatus.REJECTED,
        title="Koncert odrzucony",
        published_at=timezone.now(),
        decision_reason="Uwagi mieszkańców.",
    )
    hidden, _ = small_grant(
        SmallGrantStatus.REJECTED, title="Odrzucony przed publikacją", decision_reason="Brak celowości."
    )
    page = html_client().get("/small-grants/")
    assert "Festyn na Helence" in page.text and "Koncert odrzucony" in page.text
    assert "Odrzucony przed publikacją" not in page.text
    detail = html_client().get(f"/small-grants/{refused.pk}/")
    assert detail.status_code == 200 and "Uwagi mieszkańców." in detail.text
    assert html_client().get(f"/small-grants/{hidden.pk}/").status_code == 404
    assert 'name="author_name"' in html_client().get(f"/small-grants/{current.pk}/").text


def test_a_member_withdraws_a_submitted_offer():
    grant, member = small_grant(SmallGrantStatus.SUBMITTED)
    response = html_client(member).post(f"/small-grants/{grant.pk}/withdraw/", {"reason": "Zmiana planów."})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.WITHDRAWN
    page = html_client(member).get(f"/small-grants/{grant.pk}/")
    assert "Zmiana planów." in page.text  # in the history


def test_the_autosave_stores_what_was_typed_and_answers_json():
    grant, member = small_grant(start=datetime.date(2027, 5, 1))
    response = html_client(member).post(
        f"/small-grants/{grant.pk}/edit/", edit_data(grant, task_place="Park Hutniczy"), HTTP_X_REQUESTED_WITH="fetch"
    )
    assert response.status_code == 200 and response.json()["saved"] is True
    grant.refresh_from_db()
    assert grant.content["task"]["place"] == "Park Hutniczy"
    broken = html_client(member).post(
        f"/small-grants/{grant.pk}/edit/", edit_data(grant, sphere="999999"), HTTP_X_REQUESTED_WITH="fetch"
    )
    assert broken.status_code == 400 and broken.json()["saved"] is False and "sphere" in broken.json()["errors"]
