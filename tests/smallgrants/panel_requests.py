"""The officials' panel URLs of this app, for the refusal tests in tests/calls/test_permissions.py."""

import datetime

from django.utils import timezone


def panel_request(world, name):
    """(url, POST data) for panel URL pattern ``name``; objects are created in ``world``'s database.

    ``world`` is tests.calls.helpers.World (programme, task and calls in every state). Each request
    targets a small grant in the state where the action would succeed for an official.
    """
    from smallgrants.enums import SmallGrantStatus
    from smallgrants.models import SmallGrantComment
    from tests.smallgrants.helpers import small_grant

    state = {
        "publish": SmallGrantStatus.SUBMITTED,
        "reject": SmallGrantStatus.SUBMITTED,
        "close_comments": SmallGrantStatus.PUBLISHED,
        "prepare_agreement": SmallGrantStatus.COMMENTS_CLOSED,
        "moderate": SmallGrantStatus.PUBLISHED,
    }.get(name, SmallGrantStatus.SUBMITTED)
    grant, _member = small_grant(state, start=datetime.date(world.programme.year, 6, 1))
    comment = SmallGrantComment.objects.create(
        small_grant=grant, author_name="Jan", text="Uwaga", created_at=timezone.now()
    )
    base = f"/panel/small-grants/{grant.pk}/"
    return {
        "list": ("/panel/small-grants/", {}),
        "detail": (base, {}),
        "publish": (f"{base}publish/", {}),
        "close_comments": (f"{base}close-comments/", {}),
        "reject": (f"{base}reject/", {"reason": "Brak celowości."}),
        "prepare_agreement": (f"{base}agreement/", {}),
        "moderate": (
            f"/panel/small-grants/comments/{comment.pk}/moderate/",
            {f"c{comment.pk}-decision": "hide", f"c{comment.pk}-note": "Spam"},
        ),
    }[name]
