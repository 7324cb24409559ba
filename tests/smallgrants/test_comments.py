"""Anyone comments on a published offer during the comment period; comments await moderation."""

import datetime

import pytest
from django.utils import timezone

from smallgrants.enums import CommentStatus, SmallGrantStatus
from smallgrants.models import SmallGrantComment
from smallgrants.services import COMMENTS_PER_WINDOW
from tests.clients import html_client
from tests.smallgrants.helpers import pl, small_grant

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    grant, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=5))
    return grant


def post(grant, client=None, **data):
    body = {"author_name": "Jan Mieszkaniec", "author_email": "jan@example.org", "text": "Dobry pomysł."} | data
    return (client or html_client()).post(f"/small-grants/{grant.pk}/comment/", body, follow=True)


def test_a_comment_is_received_and_awaits_moderation(published):
    response = post(published)
    assert response.status_code == 200
    assert (
        pl(
            "Thank you. Your comment has been received and awaits moderation: it will appear here once "
            "the NGO Centre publishes it."
        )
        in response.text
    )
    comment = SmallGrantComment.objects.get()
    assert comment.status == CommentStatus.PENDING and comment.author_email == "jan@example.org"
    assert "Dobry pomysł." not in response.text.split('id="comments-heading"')[1].split("<form")[0]


def test_a_missing_name_is_refused_and_the_text_is_kept(published):
    response = post(published, author_name="", text="Mój długi komentarz o festynie.")
    assert response.status_code == 400
    assert "Mój długi komentarz o festynie." in response.text
    assert not SmallGrantComment.objects.exists()


def test_the_honeypot_swallows_robots_silently(published):
    response = post(published, website="http://spam.example")
    assert response.status_code == 200
    assert not SmallGrantComment.objects.exists()


def test_too_many_comments_from_one_address_are_refused(published):
    client = html_client()
    for number in range(COMMENTS_PER_WINDOW):
        assert post(published, client, author_email=f"osoba{number}@example.org").status_code == 200
    refused = post(published, client, author_email="inna@example.org")
    assert refused.status_code == 400
    assert pl("You have sent many comments in a short time. Please wait a few minutes and try again.") in refused.text
    assert SmallGrantComment.objects.count() == COMMENTS_PER_WINDOW


def test_no_comment_after_the_period(published):
    published.comments_until = timezone.now() - datetime.timedelta(seconds=1)
    published.save(update_fields=["comments_until"])
    page = html_client().get(f"/small-grants/{published.pk}/")
    assert 'name="author_name"' not in page.text
    response = post(published)
    assert response.status_code == 409
    assert pl("Comments on this offer are not accepted now: the comment period is over.") in response.text
    assert not SmallGrantComment.objects.exists()
