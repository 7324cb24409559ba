"""The REST API of small grants: the same visibility as the pages, drafts by members, transitions,
comments and their moderation; bad input is a 400 with a code."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from organisations.models import Sphere
from smallgrants.enums import CommentStatus, SmallGrantStatus
from smallgrants.models import SmallGrant, SmallGrantComment
from tests.clients import api_client
from tests.factories import OrganisationFactory, make_ngo_member
from tests.smallgrants.helpers import content, programme_of, small_grant

pytestmark = pytest.mark.django_db


def test_a_member_creates_fills_and_submits_a_draft():
    member = make_ngo_member(OrganisationFactory(verified_at=timezone.now()))
    organisation = member.memberships.get().organisation
    programme_of(2027)
    client = api_client(member)
    created = client.post(
        "/api/v1/small-grants/",
        {"organisation": organisation.pk, "title": "Festyn", "sphere": "17", "realisation_start": "2027-04-01"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["status"] == "draft" and data["programme_year"] == 2027 and data["blockers"]
    assert set(data["available_transitions"]) == {"submit", "withdraw"}
    start, end = datetime.date(2027, 4, 1), datetime.date(2027, 4, 30)
    updated = client.patch(f"/api/v1/small-grants/{data['id']}/", {"content": content(start, end)}, format="json")
    assert updated.status_code == 200 and updated.json()["blockers"] == []
    assert updated.json()["requested_amount"] == "900.00"
    submitted = client.post(f"/api/v1/small-grants/{data['id']}/submit/")
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted" and submitted.json()["offer_pdf"].endswith("/offer.pdf")
    assert submitted.json()["publish_by"] is not None


def test_bad_input_is_a_400_with_a_code():
    grant, member = small_grant()
    client = api_client(member)
    wrong = client.patch(f"/api/v1/small-grants/{grant.pk}/", {"content": {"budget": []}}, format="json")
    assert wrong.status_code == 400 and wrong.json()["code"] == "invalid"
    nul = client.patch(f"/api/v1/small-grants/{grant.pk}/", {"title": "a\x00b"}, format="json")
    assert nul.status_code == 400 and nul.json()["code"] == "invalid"
    no_programme = client.post(
        "/api/v1/small-grants/",
        {"organisation": grant.organisation_id, "title": "X", "sphere": "17", "realisation_start": "2035-01-01"},
        format="json",
    )
    assert no_programme.status_code == 400 and no_programme.json()["code"] == "no_programme"
    assert "2035" in no_programme.json()["message"]


def test_caps_refusal_over_the_api_lists_the_reasons():
    grant, member = small_grant(grant=Decimal("10000.01"))
    response = api_client(member).post(f"/api/v1/small-grants/{grant.pk}/submit/")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "caps_exceeded" and "10\xa0000,01\xa0zł" in body["errors"]["__all__"][0]
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.DRAFT


def test_officials_publish_and_refuse_and_members_may_not(official):
    grant, member = small_grant(SmallGrantStatus.SUBMITTED)
    refused = api_client(member).post(f"/api/v1/small-grants/{grant.pk}/publish/")
    assert refused.status_code == 403 and refused.json()["code"] == "not_allowed"
    assert api_client().post(f"/api/v1/small-grants/{grant.pk}/publish/").status_code in (401, 403)
    no_reason = api_client(official).post(f"/api/v1/small-grants/{grant.pk}/reject/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    published = api_client(official).post(f"/api/v1/small-grants/{grant.pk}/publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    again = api_client(official).post(f"/api/v1/small-grants/{grant.pk}/publish/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"


def test_the_public_sees_published_offers_only():
    published, _ = small_grant(SmallGrantStatus.PUBLISHED, title="Publiczny")
    small_grant(SmallGrantStatus.SUBMITTED, title="Jeszcze nie")
    rows = api_client().get("/api/v1/small-grants/").json()["results"]
    assert [row["title"] for row in rows] == ["Publiczny"]
    assert rows[0]["available_transitions"] == []


def test_comments_over_the_api(official):
    grant, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=2))
    sent = api_client().post(
        f"/api/v1/small-grants/{grant.pk}/comments/", {"author_name": "Ewa", "text": "Popieram."}, format="json"
    )
    assert sent.status_code == 201 and sent.json()["status"] == CommentStatus.PENDING
    assert api_client().get(f"/api/v1/small-grants/{grant.pk}/comments/").json() == []
    comment = SmallGrantComment.objects.get()
    url = f"/api/v1/small-grants/{grant.pk}/comments/{comment.pk}/moderate/"
    assert api_client().post(url, {"decision": "approve"}, format="json").status_code in (401, 403)
    assert api_client(official).post(url, {"decision": "hide"}, format="json").json()["code"] == "note_required"
    approved = api_client(official).post(url, {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == CommentStatus.APPROVED
    public = api_client().get(f"/api/v1/small-grants/{grant.pk}/comments/").json()
    assert [c["text"] for c in public] == ["Popieram."] and "author_email" not in public[0]
    missing = api_client().post(f"/api/v1/small-grants/{grant.pk}/comments/", {"text": "Bez imienia"}, format="json")
    assert missing.status_code == 400 and "author_name" in missing.json()["errors"]


def test_comments_on_an_unpublished_offer_are_not_found():
    grant, _ = small_grant(SmallGrantStatus.SUBMITTED)
    response = api_client().post(
        f"/api/v1/small-grants/{grant.pk}/comments/", {"author_name": "Ewa", "text": "?"}, format="json"
    )
    assert response.status_code == 404
    assert not SmallGrant.objects.get(pk=grant.pk).comments.exists()


def test_a_member_of_another_organisation_cannot_create_for_it():
    grant, _ = small_grant()
    other = make_ngo_member(OrganisationFactory(verified_at=timezone.now()))
    response = api_client(other).post(
        "/api/v1/small-grants/",
        {
            "organisation": grant.organisation_id,
            "title": "X",
            "sphere": Sphere.objects.get(code="17").code,
            "realisation_start": grant.realisation_start.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_allowed"
    assert SmallGrant.objects.count() == 1
