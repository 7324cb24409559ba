"""The officials' panel: the offers received with their publish-by dates, publication for comments,
refusal with a reason, comment moderation, closing the comments (by hand and by the beat task)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from core.models import StatusChange
from smallgrants.enums import CommentStatus, SmallGrantStatus
from smallgrants.models import SmallGrantComment
from smallgrants.services import small_grants_close_due
from tests.calls.helpers import local, status_changes
from tests.clients import html_client
from tests.smallgrants.helpers import pl, small_grant

pytestmark = pytest.mark.django_db


def test_the_list_flags_offers_to_publish_overdue_or_soon(official):
    today = timezone.localdate()
    overdue, _ = small_grant(
        SmallGrantStatus.SUBMITTED, title="Spóźniony festyn", publish_by=today - datetime.timedelta(days=1)
    )
    soon, _ = small_grant(
        SmallGrantStatus.SUBMITTED, title="Pilny festyn", publish_by=today + datetime.timedelta(days=1)
    )
    later, _ = small_grant(
        SmallGrantStatus.SUBMITTED, title="Spokojny festyn", publish_by=today + datetime.timedelta(days=6)
    )
    draft, _ = small_grant(title="Szkic festynu")
    page = html_client(official).get("/panel/small-grants/").text
    assert "Szkic festynu" not in page
    rows = {
        title: page.split(title)[1].split("</tr>")[0]
        for title in ("Spóźniony festyn", "Pilny festyn", "Spokojny festyn")
    }
    assert pl("overdue") in rows["Spóźniony festyn"]
    assert pl("due soon") in rows["Pilny festyn"]
    assert pl("overdue") not in rows["Spokojny festyn"] and pl("due soon") not in rows["Spokojny festyn"]


def test_publishing_opens_comments_until_the_end_of_the_seventh_day_in_warsaw(official):
    grant, _ = small_grant(SmallGrantStatus.SUBMITTED)
    with time_machine.travel(local(2026, 10, 20, 23, 30), tick=False):  # late evening, still 20 October in Warsaw
        response = html_client(official).post(f"/panel/small-grants/{grant.pk}/publish/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.PUBLISHED
    assert timezone.localtime(grant.comments_until).replace(microsecond=0) == local(2026, 10, 27, 23, 59, 59)
    # the clocks went back on 25 October: the end of 27 October in Warsaw (CET) is 22:59:59 UTC
    assert grant.comments_until.astimezone(datetime.UTC).replace(microsecond=0) == datetime.datetime(
        2026, 10, 27, 22, 59, 59, tzinfo=datetime.UTC
    )
    assert html_client().get(f"/small-grants/{grant.pk}/").status_code == 200


def test_a_refusal_needs_a_reason_and_is_told_to_the_organisation(official):
    grant, member = small_grant(SmallGrantStatus.SUBMITTED)
    empty = html_client(official).post(f"/panel/small-grants/{grant.pk}/reject/", {"reason": "  "})
    assert empty.status_code == 400
    assert pl("Give the reason for the refusal: the organisation receives it.") in empty.text
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.SUBMITTED
    response = html_client(official).post(
        f"/panel/small-grants/{grant.pk}/reject/", {"reason": "Zadanie nie jest lokalne."}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.REJECTED and grant.decision_reason == "Zadanie nie jest lokalne."
    assert "Zadanie nie jest lokalne." in html_client(member).get(f"/small-grants/{grant.pk}/").text
    panel = html_client(official).get(f"/panel/small-grants/{grant.pk}/").text
    assert "Zadanie nie jest lokalne." in panel and official.get_full_name() in panel


def comment_on(grant, text="Dobry pomysł.", **kwargs):
    return SmallGrantComment.objects.create(small_grant=grant, author_name="Jan Mieszkaniec", text=text, **kwargs)


def test_moderation_publishes_or_hides_a_comment_with_a_note_kept_for_officials(official):
    grant, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=3))
    good, bad = comment_on(grant, "Popieram festyn."), comment_on(grant, "Reklama kasyna.")
    public = html_client().get(f"/small-grants/{grant.pk}/").text
    assert "Popieram festyn." not in public and "Reklama kasyna." not in public
    approve = html_client(official).post(
        f"/panel/small-grants/comments/{good.pk}/moderate/", {f"c{good.pk}-decision": "approve"}
    )
    assert approve.status_code == 302
    no_note = html_client(official).post(
        f"/panel/small-grants/comments/{bad.pk}/moderate/", {f"c{bad.pk}-decision": "hide"}
    )
    assert no_note.status_code == 400
    assert pl("Say why the comment is not published (the note is kept with it).") in no_note.text
    hide = html_client(official).post(
        f"/panel/small-grants/comments/{bad.pk}/moderate/", {f"c{bad.pk}-decision": "hide", f"c{bad.pk}-note": "Spam."}
    )
    assert hide.status_code == 302
    public = html_client().get(f"/small-grants/{grant.pk}/").text
    assert "Popieram festyn." in public and "Reklama kasyna." not in public
    assert "Reklama kasyna." not in html_client(official).get(f"/small-grants/{grant.pk}/").text
    panel = html_client(official).get(f"/panel/small-grants/{grant.pk}/").text
    assert "Reklama kasyna." in panel and "Spam." in panel
    bad.refresh_from_db()
    assert bad.status == CommentStatus.HIDDEN and bad.moderated_by == official
    assert StatusChange.objects.filter(object_id=bad.pk, transition="hide", reason="Spam.").exists()


def test_the_comments_are_closed_by_hand_after_the_period(official):
    grant, _ = small_grant(SmallGrantStatus.PUBLISHED)
    response = html_client(official).post(f"/panel/small-grants/{grant.pk}/close-comments/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.COMMENTS_CLOSED


def test_closing_before_the_end_of_the_period_is_refused_on_the_page(official):
    grant, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(days=1))
    response = html_client(official).post(f"/panel/small-grants/{grant.pk}/close-comments/")
    assert response.status_code == 403
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.PUBLISHED


def test_the_beat_task_closes_the_comments_whose_period_is_over():
    due, _ = small_grant(SmallGrantStatus.PUBLISHED)
    running, _ = small_grant(SmallGrantStatus.PUBLISHED, comments_until=timezone.now() + datetime.timedelta(hours=2))
    assert small_grants_close_due() == 1
    due.refresh_from_db()
    running.refresh_from_db()
    assert due.status == SmallGrantStatus.COMMENTS_CLOSED and running.status == SmallGrantStatus.PUBLISHED
    [change] = status_changes(due)
    assert change.actor is None and change.transition == "close_comments"
    assert small_grants_close_due() == 0


def test_the_beat_task_is_a_celery_task():
    from smallgrants.tasks import close_due_comments

    assert close_due_comments.name == "smallgrants.tasks.close_due_comments"


def test_the_panel_detail_shows_the_caps_and_the_history(official):
    grant, _ = small_grant(SmallGrantStatus.SUBMITTED)
    page = html_client(official).get(f"/panel/small-grants/{grant.pk}/").text
    assert "caps-summary-heading" in page and "900,00" in page and "10\xa0000,00" in page
    assert "history-heading" in page


def test_after_the_comments_an_official_prepares_the_agreement(official):
    from agreements.models import Agreement

    grant, _ = small_grant(SmallGrantStatus.COMMENTS_CLOSED)
    page = html_client(official).get(f"/panel/small-grants/{grant.pk}/").text
    assert f'action="/panel/small-grants/{grant.pk}/agreement/"' in page
    response = html_client(official).post(f"/panel/small-grants/{grant.pk}/agreement/")
    agreement = Agreement.objects.get(small_grant=grant)
    assert response.status_code == 302 and response["Location"] == f"/panel/agreements/{agreement.pk}/"
    assert agreement.grant_amount == grant.requested_amount and agreement.organisation == grant.organisation
    grant.refresh_from_db()
    assert grant.status == SmallGrantStatus.COMMENTS_CLOSED  # contracted only once the agreement is signed
    page = html_client(official).get(f"/panel/small-grants/{grant.pk}/").text
    assert f'action="/panel/small-grants/{grant.pk}/agreement/"' not in page
    assert f'href="/panel/agreements/{agreement.pk}/"' in page
    assert [c.transition for c in status_changes(grant)] == ["prepare_agreement"]


def test_no_agreement_before_the_comments_are_closed(official):
    from agreements.models import Agreement

    grant, _ = small_grant(SmallGrantStatus.PUBLISHED)
    response = html_client(official).post(f"/panel/small-grants/{grant.pk}/agreement/")
    assert response.status_code == 403
    assert pl("The agreement is prepared once the comment period has been closed.") in response.text
    assert not Agreement.objects.exists()


def test_the_public_history_says_what_happened_but_not_who(official):
    from smallgrants import services

    grant, member = small_grant(SmallGrantStatus.SUBMITTED)
    services.small_grant_publish(small_grant=grant, actor=official)
    public = html_client().get(f"/small-grants/{grant.pk}/").text
    history = public.split('id="history-heading"')[1]
    assert pl("Published for comments") in history and official.get_full_name() not in history
    assert official.get_full_name() in html_client(member).get(f"/small-grants/{grant.pk}/").text
