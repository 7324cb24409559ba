"""Reads for agreements: every list and page goes through :func:`agreements.rules.visible_agreements_q`."""

from django.db.models import Exists, OuterRef
from django.http import Http404
from django.shortcuts import get_object_or_404

from applications.enums import ApplicationStatus
from applications.models import Application
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant

from .models import Agreement
from .rules import can_view_agreement, visible_agreements_q


def agreement_list(*, user, status=None, call=None):
    agreements = (
        Agreement.objects.filter(pk__in=Agreement.objects.filter(visible_agreements_q(user)).values("pk"))
        .select_related("organisation", "application__call", "small_grant")
        .order_by("-created_at", "-pk")
    )
    if status:
        agreements = agreements.filter(status=status)
    if call:
        agreements = agreements.filter(application__call_id=call)
    return agreements


def agreement_for(*, user, pk):
    """The agreement ``pk`` if ``user`` may see it; 404 otherwise (nobody learns it exists)."""
    agreement = get_object_or_404(
        Agreement.objects.select_related("organisation", "application__call", "small_grant", "document"), pk=pk
    )
    if not can_view_agreement(user, agreement):
        raise Http404
    return agreement


def offers_to_prepare(*, call=None):
    """Awarded offers (after a partial award: with the update confirmed) without an agreement yet."""
    offers = (
        Application.objects.filter(status=ApplicationStatus.AWARDED)
        .filter(~Exists(Agreement.objects.filter(application=OuterRef("pk"))))
        .select_related("organisation", "call")
        .order_by("call_id", "pk")
    )
    if call:
        offers = offers.filter(call_id=call)
    return offers


def small_grants_to_prepare():
    return (
        SmallGrant.objects.filter(status=SmallGrantStatus.COMMENTS_CLOSED)
        .filter(~Exists(Agreement.objects.filter(small_grant=OuterRef("pk"))))
        .select_related("organisation")
        .order_by("pk")
    )
