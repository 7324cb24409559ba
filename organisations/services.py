"""Writes for the register of organisations. Each function is one transaction and says its effects.

Every save of an organisation (and of its spheres) bumps the public pages' cache version through
the signals connected in ``OrganisationsConfig.ready``, so the register is never shown stale.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError
from core.models import StatusChange
from core.permissions import require

from .enums import VerificationState
from .models import DUPLICATE_IDENTIFIER_MESSAGES, Organisation
from .rules import can_edit_organisation, can_unverify_organisation, can_verify_organisation


def _duplicate_identifier(error):
    """The identifier field whose unique constraint ``error`` reports, if any."""
    text = str(error)
    for field in DUPLICATE_IDENTIFIER_MESSAGES:
        # PostgreSQL names the constraint; SQLite names the column.
        if f"organisation_unique_{field}" in text or f"organisations_organisation.{field}" in text:
            return field
    return None


def _save(organisation, data):
    """Apply ``data`` to ``organisation``, validate, save, set its spheres; errors become DomainError."""
    data = dict(data)
    spheres = data.pop("spheres", None)
    for field, value in data.items():
        setattr(organisation, field, value)
    try:
        organisation.full_clean()
    except ValidationError as exc:
        raise DomainError(_("Please correct the errors below."), errors=exc.message_dict) from exc
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as exc:
        # Two requests with the same identifier at once: the second one loses here, not with a 500.
        field = _duplicate_identifier(exc)
        if field is None:
            raise
        raise DomainError(
            _("Please correct the errors below."), errors={field: [DUPLICATE_IDENTIFIER_MESSAGES[field]]}
        ) from exc
    if spheres is not None:
        organisation.spheres.set(spheres)
    return organisation


def organisation_save(*, actor, data, organisation=None):
    """Add an organisation to the register or correct its register data (officials).

    Identifiers are normalised and validated (KRS, NIP and REGON checksums) and must not belong to
    another organisation; a refusal is a DomainError naming each wrong field. Effects: one row
    (locked while it is updated) and its spheres. Verification is not changed here (see
    :func:`organisation_verify`).
    """
    require(can_edit_organisation(actor, organisation))
    with transaction.atomic():
        if organisation is None:
            return _save(Organisation(), data)
        # The stored row, not the caller's copy: a verification made meanwhile must not be undone.
        return _save(Organisation.objects.select_for_update().get(pk=organisation.pk), data)


def _record(organisation, *, name, actor, from_state, to_state, reason=""):
    StatusChange.objects.create(
        content_type=ContentType.objects.get_for_model(Organisation),
        object_id=organisation.pk,
        transition=name,
        from_state=from_state,
        to_state=to_state,
        actor=actor if actor is not None and actor.is_authenticated else None,
        reason=reason,
    )


def organisation_verify(*, organisation, actor):
    """Verify an organisation: from now on it is in the public register.

    Effects, in one transaction: the row is locked, ``verified_at`` set to now, and a StatusChange
    row (not verified → verified) records who did it.
    """
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require(can_verify_organisation(actor, locked))
        locked.verified_at = timezone.now()
        locked.save(update_fields=["verified_at", "updated_at"])
        _record(
            locked,
            name="verify",
            actor=actor,
            from_state=VerificationState.UNVERIFIED,
            to_state=VerificationState.VERIFIED,
        )
    return locked


def organisation_unverify(*, organisation, actor, reason):
    """Withdraw an organisation's verification (e.g. it has been dissolved): it leaves the public register.

    Refuses without a reason. Effects, in one transaction: the row is locked, ``verified_at``
    cleared, and a StatusChange row (verified → not verified) keeps the reason.
    """
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require(can_unverify_organisation(actor, locked))
        if not (reason or "").strip():
            message = _("Give the reason for withdrawing the verification.")
            raise DomainError(message, errors={"reason": [message]})
        locked.verified_at = None
        locked.save(update_fields=["verified_at", "updated_at"])
        _record(
            locked,
            name="unverify",
            actor=actor,
            from_state=VerificationState.VERIFIED,
            to_state=VerificationState.UNVERIFIED,
            reason=reason.strip(),
        )
    return locked
