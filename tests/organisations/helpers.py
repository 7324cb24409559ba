"""Shared helpers for the register tests: verified organisations, Polish messages, snapshots of the register."""

import factory
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext

from organisations.models import Organisation
from tests.factories import OrganisationFactory


class VerifiedOrganisationFactory(OrganisationFactory):
    verified_at = factory.LazyFunction(timezone.now)


def polish(msgid, *, html=True):
    """The Polish of a message id, checked to be a translation (not the English text)."""
    with translation.override("pl"):
        text = gettext(msgid)
    assert text != msgid, f"no Polish translation of {msgid!r}"
    return escape(text) if html else text


def register_snapshot():
    """Everything a refused write could have changed in the register, in a comparable form."""
    return list(
        Organisation.objects.order_by("pk").values_list(
            "pk", "name", "krs", "nip", "regon", "register_type", "verified_at", "updated_at"
        )
    )
