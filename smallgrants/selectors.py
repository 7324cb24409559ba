"""Reads for small grants: the lists and the detail, filtered by the same rules everywhere."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from organisations.models import Organisation

from .enums import CommentStatus, SmallGrantStatus
from .models import SmallGrant
from .rules import PUBLIC_STATES, can_view_small_grant, is_staff, visible_small_grants_q


def small_grant_visible(*, user, pk):
    """The small grant ``pk`` if ``user`` may see it, else 404 (as if it did not exist)."""
    small_grant = get_object_or_404(
        SmallGrant.objects.select_related("organisation", "sphere", "programme", "offer_document"), pk=pk
    )
    if not can_view_small_grant(user, small_grant):
        raise Http404
    return small_grant


def small_grants_visible(*, user):
    return (
        SmallGrant.objects.filter(visible_small_grants_q(user))
        .distinct()
        .select_related("organisation", "sphere")
        .order_by("-pk")
    )


def small_grant_list_public():
    """Offers published for comments now, and the past ones with their outcome."""
    published = SmallGrant.objects.filter(published_at__isnull=False).select_related("organisation", "sphere")
    return (
        published.filter(status=SmallGrantStatus.PUBLISHED).order_by("comments_until", "pk"),
        published.exclude(status=SmallGrantStatus.PUBLISHED)
        .filter(status__in=[*PUBLIC_STATES, SmallGrantStatus.REJECTED])
        .order_by("-published_at", "-pk"),
    )


def member_organisations(user):
    """The verified-or-not organisations ``user`` is a confirmed admin or editor of."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__confirmed_at__isnull=False, memberships__role__in=("admin", "editor")
    ).distinct()


def comments_for(*, user, small_grant):
    """Approved comments for everyone; every comment (also hidden ones, with their notes) for the staff."""
    comments = small_grant.comments.select_related("moderated_by").order_by("created_at", "pk")
    if is_staff(user):
        return comments
    return comments.filter(status=CommentStatus.APPROVED)


def history_of(small_grant):
    """The small grant's audit rows, oldest first, each with a label of what happened."""
    from django.utils.translation import gettext_lazy as _

    from core.transitions import history

    labels = {
        "create": _("Draft started"),
        "submit": _("Submitted"),
        "withdraw": _("Withdrawn"),
        "publish": _("Published for comments"),
        "close_comments": _("Comments closed"),
        "reject": _("Refused"),
        "contract": _("Agreement signed"),
        "prepare_agreement": _("Agreement prepared"),
    }
    changes = history(small_grant)
    for change in changes:
        change.label = labels.get(change.transition, change.transition)
    return changes
