"""Writes for the register of organisations. Each function is one transaction and says its effects.

Every save of an organisation (and of its spheres) bumps the public pages' cache version through
the signals connected in ``OrganisationsConfig.ready``, so the register is never shown stale.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import DomainError, NotAllowed, NotFound
from core.permissions import require
from core.transitions import record_change
from notifications.services import outbox_write

from .enums import MembershipRole, VerificationState
from .models import DUPLICATE_IDENTIFIER_MESSAGES, Membership, Organisation
from .rules import (
    can_change_member_role,
    can_create_organisation,
    can_decide_membership,
    can_edit_organisation,
    can_edit_organisation_profile,
    can_remove_member,
    can_request_membership,
    can_unverify_organisation,
    can_verify_organisation,
    editable_profile_fields,
)

# Membership states in the audit trail besides the roles (see organisations.enums.MembershipRole).
PENDING = "pending"
REFUSED = "refused"
REMOVED = "removed"


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
    record_change(organisation, transition=name, actor=actor, from_state=from_state, to_state=to_state, reason=reason)


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


# --- Organisations registered by their people, and memberships ----------------------------------


def organisation_register(*, actor, data):
    """A person registers their organisation; it waits for an official's verification.

    Identifiers are checked as in :func:`organisation_save`. Effects, in one transaction: the
    organisation (not verified, so not public), its spheres, the person's confirmed admin
    membership, and a StatusChange row for that membership.
    """
    require(can_create_organisation(actor))
    with transaction.atomic():
        organisation = _save(Organisation(), data)
        membership = Membership.objects.create(
            user=actor, organisation=organisation, role=MembershipRole.ADMIN, confirmed_at=timezone.now()
        )
        _record_membership(membership, name="register", actor=actor, from_state="", to_state=MembershipRole.ADMIN)
    return organisation


def organisation_profile_save(*, actor, organisation, data):
    """A member (or an official) changes the organisation's profile.

    Only the fields :func:`rules.editable_profile_fields` allows are written: once an official has
    verified the organisation, its register data (name, legal form, register, identifiers) is
    refused here. Effects, in one transaction: the locked row and its spheres.
    """
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require(can_edit_organisation_profile(actor, locked))
        allowed = set(editable_profile_fields(actor, locked))
        refused = sorted(field for field in data if field not in allowed)
        if refused:
            raise NotAllowed(
                _("The register data of a verified organisation is corrected by officials only."),
                errors={
                    field: [_("Only officials may change this once the organisation is verified.")] for field in refused
                },
            )
        return _save(locked, data)


def _record_membership(membership, *, name, actor, from_state, to_state, reason=""):
    """An audit row for a membership; it names the organisation and the person, so it outlives the row."""
    user = membership.user
    record_change(
        membership,
        transition=name,
        from_state=from_state,
        to_state=to_state,
        actor=actor,
        reason=reason,
        data={
            "organisation": membership.organisation_id,
            "user": user.pk,
            "person": f"{user.get_full_name()} <{user.email}>".strip(),
        },
    )


def _locked_membership(membership):
    """Lock the organisation (the mutex for its admins) and then the membership; a vanished one is NotFound."""
    Organisation.objects.select_for_update().get(pk=membership.organisation_id)
    locked = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .filter(pk=membership.pk, organisation_id=membership.organisation_id)
        .first()
    )
    if locked is None:
        raise NotFound(_("This membership no longer exists."))
    return locked


def membership_request(*, actor, organisation):
    """A person asks to join a verified organisation.

    Effects, in one transaction: a pending membership (editor), a StatusChange row, and one outbox
    notice to each confirmed admin of the organisation (delivered after commit).
    """
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
        require(can_request_membership(actor, locked))
        membership = Membership.objects.create(user=actor, organisation=locked, role=MembershipRole.EDITOR)
        _record_membership(membership, name="request", actor=actor, from_state="", to_state=PENDING)
        admins = locked.memberships.filter(role=MembershipRole.ADMIN, confirmed_at__isnull=False).select_related("user")
        for admin in admins:
            if admin.user.email:
                outbox_write(
                    event="membership_requested",
                    recipient=admin.user.email,
                    template="membership_requested",
                    context={"organisation": locked, "person": actor},
                    dedupe_key=f"membership-requested:{membership.pk}:{admin.user_id}",
                )
    return membership


def _notify_decision(membership, *, confirmed, reason=""):
    person = membership.user
    if not person.email:
        return
    outbox_write(
        event="membership_confirmed" if confirmed else "membership_refused",
        recipient=person.email,
        template="membership_decided",
        context={
            "organisation": membership.organisation,
            "person": person,
            "confirmed": confirmed,
            "role": membership.get_role_display(),
            "reason": reason,
        },
        # The membership id, and its creation time (a refused request may be made again).
        dedupe_key=f"membership-decided:{membership.pk}:{membership.created_at.timestamp()}",
    )


def membership_confirm(*, membership, actor):
    """An admin of the organisation or an official confirms a request to join.

    Effects, in one transaction: the membership is confirmed, a StatusChange row is written, and
    the person gets an outbox notice.
    """
    with transaction.atomic():
        locked = _locked_membership(membership)
        require(can_decide_membership(actor, locked))
        locked.confirmed_at = timezone.now()
        locked.save(update_fields=["confirmed_at", "updated_at"])
        _record_membership(locked, name="confirm", actor=actor, from_state=PENDING, to_state=locked.role)
        _notify_decision(locked, confirmed=True)
    return locked


def membership_refuse(*, membership, actor, reason=""):
    """An admin of the organisation or an official refuses a request to join.

    Effects, in one transaction: a StatusChange row (kept after the request is gone), the
    request is deleted (the person may ask again), and the person gets an outbox notice.
    """
    with transaction.atomic():
        locked = _locked_membership(membership)
        require(can_decide_membership(actor, locked))
        reason = (reason or "").strip()
        _record_membership(locked, name="refuse", actor=actor, from_state=PENDING, to_state=REFUSED, reason=reason)
        _notify_decision(locked, confirmed=False, reason=reason)
        locked.delete()
    return locked


def membership_change_role(*, membership, actor, role):
    """An admin of the organisation or an official makes a member an admin or an editor.

    The last admin cannot become an editor. Effects, in one transaction: the role and a
    StatusChange row (old role → new role).
    """
    if role not in MembershipRole.values:
        message = _("Choose a role from the list.")
        raise DomainError(message, errors={"role": [message]})
    with transaction.atomic():
        locked = _locked_membership(membership)
        require(can_change_member_role(actor, locked, role))
        if locked.role == role:
            return locked
        previous = locked.role
        locked.role = role
        locked.save(update_fields=["role", "updated_at"])
        _record_membership(locked, name="change_role", actor=actor, from_state=previous, to_state=role)
    return locked


def membership_remove(*, membership, actor):
    """An admin of the organisation or an official removes a member; the last admin stays.

    Effects, in one transaction: a StatusChange row (role → removed), kept after the membership
    row is deleted.
    """
    with transaction.atomic():
        locked = _locked_membership(membership)
        require(can_remove_member(actor, locked))
        _record_membership(locked, name="remove", actor=actor, from_state=locked.role, to_state=REMOVED)
        locked.delete()
    return locked
