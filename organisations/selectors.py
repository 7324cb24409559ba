"""Reads for the register of organisations; every query shape here is constant in the row count."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import StatusChange

from .enums import MembershipRole, VerificationState
from .models import Membership, Organisation
from .rules import visible_organisations_q
from .search import name_search_filter
from .validators import normalise_krs, normalise_nip, normalise_regon


def organisation_ids_of(user):
    """Ids of the organisations ``user`` is a confirmed member of."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_pozytek_org_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, confirmed_at__isnull=False).values_list("organisation_id", flat=True)
        )
        user._pozytek_org_ids = cached
    return cached


def _identifier_q(query):
    """Organisations whose KRS, NIP or REGON is ``query``, typed with or without formatting; None if it
    cannot be one."""
    conditions = Q()
    krs, nip, regon = normalise_krs(query), normalise_nip(query), normalise_regon(query)
    if re.fullmatch(r"[0-9]{10}", krs):
        conditions |= Q(krs=krs)
    if re.fullmatch(r"[0-9]{10}", nip):
        conditions |= Q(nip=nip)
    if re.fullmatch(r"[0-9]{9}|[0-9]{14}", regon):
        conditions |= Q(regon=regon)
    return conditions or None


def organisation_search(queryset, *, query="", sphere=None):
    """Narrow ``queryset`` to organisations whose name contains ``query`` (any case; see
    organisations.search for Polish letters) or whose identifier is ``query``, and that work in
    ``sphere`` (a Sphere or its code)."""
    query = (query or "").strip()
    if query:
        conditions = Q(**name_search_filter(query))
        identifier = _identifier_q(query)
        if identifier is not None:
            conditions |= identifier
        queryset = queryset.filter(conditions)
    if sphere:
        # A code is unique, so the join gives each organisation at most once.
        queryset = queryset.filter(spheres__code=getattr(sphere, "code", sphere))
    return queryset


def organisation_list(*, user, query="", sphere=None, verified=None):
    """The organisations ``user`` may see, matching the search, in alphabetical order with their spheres.

    ``verified`` (True/False) narrows the list for officials to verified or awaiting organisations.
    Two queries for a page (plus one to count it), whatever the number of organisations.
    """
    queryset = Organisation.objects.filter(visible_organisations_q(user))
    if verified is not None:
        queryset = queryset.filter(verified_at__isnull=not verified)
    queryset = organisation_search(queryset, query=query, sphere=sphere)
    return queryset.prefetch_related("spheres").order_by("name_ascii", "pk")


def organisation_history(organisation):
    """The verification changes of ``organisation``, oldest first, with actors and state labels."""
    labels = dict(VerificationState.choices)
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Organisation), object_id=organisation.pk
        ).select_related("actor")
    )
    for change in changes:
        change.from_label = labels.get(change.from_state, change.from_state)
        change.to_label = labels.get(change.to_state, change.to_state)
    return changes


def my_memberships(user):
    """``user``'s memberships, pending and confirmed, with their organisations, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name_ascii", "organisation_id")
    )


def members_to_notify(organisation_id):
    """The confirmed memberships of active people with an e-mail address (``.user`` loaded), by pk:
    whom an organisation's notices go to."""
    return (
        Membership.objects.filter(organisation_id=organisation_id, confirmed_at__isnull=False, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def organisation_members(organisation):
    """The organisation's memberships: pending requests first (oldest first), then members by name."""
    return (
        organisation.memberships.select_related("user")
        .order_by(F("confirmed_at").asc(nulls_first=True), "user__last_name", "user__first_name", "pk")
        .all()
    )


def membership_history(organisation):
    """Every change of the organisation's memberships, oldest first, with actors and state labels
    (requests, confirmations, refusals, role changes, removals; rows outlive deleted memberships)."""
    labels = {
        **dict(MembershipRole.choices),
        "pending": _("awaiting confirmation"),
        "refused": _("refused"),
        "removed": _("removed"),
        "": "—",
    }
    changes = list(
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Membership), data__organisation=organisation.pk
        ).select_related("actor")
    )
    for change in changes:
        change.from_label = labels.get(change.from_state, change.from_state)
        change.to_label = labels.get(change.to_state, change.to_state)
        change.person = change.data.get("person", "")
    return changes
