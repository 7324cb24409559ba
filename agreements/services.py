"""Writes for agreements (*umowa o realizację zadania publicznego*, art. 16). Each function is one
transaction and says its effects; every change of state goes through ``run_transition``."""

import copy
import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.completeness import parse_amount, rows, text
from applications.enums import ApplicationStatus
from applications.models import Application
from applications.services import _storable as storable
from core.enums import LegalParameterKey
from core.errors import DomainError
from core.legal import legal_parameter
from core.models import StatusChange
from core.money import format_pln
from core.permissions import require
from core.roles import is_official, officials_with_email
from core.transitions import record_change, run_transition
from core.uploads import check_upload, clean_original_name, save_with_file
from core.validators import validate_plausible_date
from notifications.services import outbox_write
from organisations.selectors import members_to_notify
from smallgrants.enums import SmallGrantStatus
from smallgrants.models import SmallGrant

from .documents import store_agreement_document, store_annex_document
from .enums import AgreementFileKind, AgreementStatus, AnnexStatus, SigningMethod
from .models import Agreement, AgreementFile, Annex, Tranche
from .rules import (
    AGREEMENT_TRANSITION_CHECKS,
    ANNEX_TRANSITION_CHECKS,
    SOURCE_TRANSITION_CHECKS,
    can_edit_draft,
    can_give_bank_account,
    can_manage_annexes,
    can_prepare,
    can_record_payment,
    can_upload_signed,
)
from .validators import clean_polish_iban

# A small grant has no call: its agreement starts from the same default as a call's
# (calls.Call.allowed_cost_shift_percent).
SMALL_GRANT_SHIFT_PERCENT = Decimal("10.00")
FIRST_TRANCHE_AFTER_DAYS = 14
# The first key of the advisory lock that serialises the numbering of agreements (the second: the year).
NUMBER_LOCK = 5_016_001
# art. 16 ust. 2: an agreement for a public task is made for at most 5 years.
MAX_REALISATION_DAYS = 5 * 366


def _next_number(year):
    """``<year>/<seq>``: the next free sequence number of the year. A transaction-scoped advisory lock
    per year makes two officials preparing at once get consecutive numbers, not the same one."""
    prefix = f"{year}/"
    if connection.vendor == "postgresql":  # SQLite (``make run``) has one writer at a time anyway
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [NUMBER_LOCK, year])
    used = Agreement.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = 0
    for number in used:
        tail = number[len(prefix) :]
        if tail.isascii() and tail.isdigit():
            highest = max(highest, int(tail))
    return f"{prefix}{highest + 1}"


def agreement_prepare(*, actor, application=None, small_grant=None):
    """Start a draft agreement for an awarded offer (status ``awarded``: after a partial award, once the
    update was confirmed) or for a small grant whose comment period closed (``comments_closed``).

    Defaults, all editable while the agreement is a draft: the number ``<year>/<seq>``, the form and
    title of the task, the realisation dates (the offer's call, or the small grant's), the grant (the
    amount awarded, or requested), the allowed increase of a cost line (the call's), the offer content
    as awarded, and one tranche of the whole grant due 14 days from today.
    Refused when the source is in another state or already has an agreement.
    Effects: the agreement, its tranche and a StatusChange row ("prepare"), in one transaction.
    """
    if (application is None) == (small_grant is None):
        raise DomainError(_("An agreement is prepared for one offer or one small grant."), code="invalid_source")
    require(can_prepare(actor, application or small_grant))
    today = timezone.localdate()
    with transaction.atomic():
        if application is not None:
            source = Application.objects.select_for_update().select_related("call__task").get(pk=application.pk)
            if source.status != ApplicationStatus.AWARDED:
                raise DomainError(
                    _(
                        "An agreement can be prepared only for an awarded offer (after a partial award, once the "
                        "update was confirmed); this offer is “%(status)s”."
                    )
                    % {"status": source.get_status_display()},
                    code="source_not_awarded",
                )
            call = source.call
            start = call.realisation_start or today
            end = call.realisation_end or start
            fields = {
                "application": source,
                "form": call.task.form,
                "task_title": source.title,
                "grant_amount": source.awarded_amount if source.awarded_amount is not None else source.requested_amount,
                "allowed_shift_percent": call.allowed_cost_shift_percent,
                "offer_content": copy.deepcopy(source.content or {}),
            }
        else:
            source = SmallGrant.objects.select_for_update().get(pk=small_grant.pk)
            if source.status != SmallGrantStatus.COMMENTS_CLOSED:
                raise DomainError(
                    _(
                        "An agreement can be prepared for a small grant only after its comment period closed; "
                        "this one is “%(status)s”."
                    )
                    % {"status": source.get_status_display()},
                    code="source_not_ready",
                )
            start = source.realisation_start or today
            end = source.realisation_end or start
            fields = {
                "small_grant": source,
                "form": source.form,
                "task_title": source.title,
                "grant_amount": source.requested_amount,
                "allowed_shift_percent": SMALL_GRANT_SHIFT_PERCENT,
                "offer_content": copy.deepcopy(source.content or {}),
            }
        if Agreement.objects.filter(**{"application" if application else "small_grant": source}).exists():
            raise DomainError(_("This offer already has an agreement."), code="agreement_exists")
        if end < start:
            end = start
        agreement = Agreement.objects.create(
            organisation_id=source.organisation_id,
            number=_next_number(today.year),
            realisation_start=start,
            realisation_end=end,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
            **fields,
        )
        Tranche.objects.create(
            agreement=agreement,
            number=1,
            amount=agreement.grant_amount,
            due_on=today + datetime.timedelta(days=FIRST_TRANCHE_AFTER_DAYS),
        )
        record_change(
            agreement,
            transition="prepare",
            from_state="",
            to_state=agreement.status,
            actor=actor,
            data={"grant_amount": str(agreement.grant_amount), "number": agreement.number},
        )
    return agreement


def _run_source(source, name, actor, reason=""):
    return run_transition(obj=source, name=name, actor=actor, checks=SOURCE_TRANSITION_CHECKS, reason=reason)


def agreement_settle(*, agreement, actor):
    """The final report was accepted and any return recorded: signed → settled, and the offer
    reported → settled in the same transaction when the agreement comes from an offer.
    Called by the reporting code. Effects: two StatusChange rows (agreement, offer)."""

    def settle_offer(settled):
        if settled.application_id is not None:
            _run_source(settled.application, "settle", actor)

    return run_transition(
        obj=agreement,
        name="settle",
        actor=actor,
        checks=AGREEMENT_TRANSITION_CHECKS,
        kwargs={"at": timezone.now()},
        within=settle_offer,
    )


# Editing a draft.

EDITABLE_FIELDS = (
    "number",
    "authority_representatives",
    "organisation_representatives",
    "place",
    "realisation_start",
    "realisation_end",
    "grant_amount",
    "allowed_shift_percent",
    "iban",
    "account_holder_declared",
)
GROSZ = Decimal("0.01")


def awarded_limit(agreement):
    """The most the agreement may grant: the amount awarded to the offer (or requested in the small grant)."""
    if agreement.application_id:
        application = agreement.application
        return application.awarded_amount if application.awarded_amount is not None else application.requested_amount
    return agreement.small_grant.requested_amount


def _plain(value):
    if isinstance(value, (datetime.date, Decimal)):
        return str(value)
    return value


def _invalid(errors, message=None, code="agreement_invalid"):
    raise DomainError(
        message or _("The agreement was not changed: correct the values shown."), code=code, errors=errors
    )


def _date_problem(value):
    if value is None:
        return _("Enter a date.")
    try:
        validate_plausible_date(value)
    except ValidationError as error:
        return error.messages[0]
    return None


def _amount_problem(value, *, allow_zero=True):
    if value is None:
        return _("Enter an amount.")
    if not isinstance(value, Decimal) or not value.is_finite():
        return _("Enter an amount in złoty, e.g. 1 234,50.")
    if value != value.quantize(GROSZ):
        return _("An amount has at most two decimal places (grosze).")
    if value < 0 or (value == 0 and not allow_zero):
        return _("The amount must be greater than zero.") if not allow_zero else _("The amount cannot be negative.")
    if value >= Decimal("1e12"):
        return _("This amount is too large.")
    return None


def _validate(agreement, errors):
    """Checks of the whole draft after a change; problems go to ``errors`` (field -> messages)."""
    for field in ("realisation_start", "realisation_end"):
        problem = _date_problem(getattr(agreement, field))
        if problem:
            errors.setdefault(field, []).append(problem)
    if "realisation_start" not in errors and "realisation_end" not in errors:
        if agreement.realisation_end < agreement.realisation_start:
            errors.setdefault("realisation_end", []).append(
                _("The realisation cannot end before it starts (%(start)s).")
                % {"start": date_format(agreement.realisation_start, "SHORT_DATE_FORMAT")}
            )
        elif (agreement.realisation_end - agreement.realisation_start).days > MAX_REALISATION_DAYS:
            errors.setdefault("realisation_end", []).append(
                _("A public task is carried out for at most 5 years (art. 16 ust. 2).")
            )
    problem = _amount_problem(agreement.grant_amount)
    if problem:
        errors.setdefault("grant_amount", []).append(problem)
    else:
        limit = awarded_limit(agreement)
        if limit is not None and agreement.grant_amount > limit:
            errors.setdefault("grant_amount", []).append(
                _("The grant cannot exceed the amount awarded, %(limit)s.") % {"limit": format_pln(limit)}
            )
    shift = agreement.allowed_shift_percent
    if shift is None or not isinstance(shift, Decimal) or not (0 <= shift <= 100) or shift != shift.quantize(GROSZ):
        errors.setdefault("allowed_shift_percent", []).append(_("Give a percentage between 0 and 100."))
    if agreement.number and (Agreement.objects.filter(number=agreement.number).exclude(pk=agreement.pk).exists()):
        errors.setdefault("number", []).append(_("Another agreement already has this number."))
    for field, limit in (("number", 60), ("place", 120)):
        if len(getattr(agreement, field) or "") > limit:
            errors.setdefault(field, []).append(_("At most %(limit)d characters.") % {"limit": limit})


def agreement_update(*, agreement, actor, **changes):
    """An official changes a draft agreement: ``changes`` maps fields of :data:`EDITABLE_FIELDS` to
    new values (an IBAN as typed). Every value is checked together (dates in order and plausible, the
    grant at most the amount awarded, a valid Polish IBAN, a unique number); a refusal changes nothing
    and names each field that is wrong. Effects: the agreement, and a StatusChange row ("edit") with
    the old and new values of what changed."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("application", "small_grant")
            .get(pk=agreement.pk)
        )
        require(can_edit_draft(actor, locked))
        errors = {}
        if "iban" in changes:
            if str(changes["iban"] or "").strip():
                try:
                    changes["iban"] = clean_polish_iban(changes["iban"])
                except ValidationError as error:
                    errors["iban"] = list(error.messages)
            else:
                changes["iban"] = ""
        for field in ("number", "authority_representatives", "organisation_representatives", "place"):
            if field in changes:
                changes[field] = storable(str(changes[field] or "")).strip()
        before = {field: getattr(locked, field) for field in changes}
        for field, value in changes.items():
            if field not in errors:
                setattr(locked, field, value)
        _validate(locked, errors)
        if errors:
            _invalid(errors)
        changed = {
            f: [_plain(before[f]), _plain(getattr(locked, f))] for f in changes if before[f] != getattr(locked, f)
        }
        if changed:
            locked.save()
            tranches = list(locked.tranches.all())
            if "grant_amount" in changed and len(tranches) == 1:
                # One tranche of the whole grant follows the grant; several are planned again by hand.
                tranches[0].amount = locked.grant_amount
                tranches[0].save(update_fields=["amount"])
                changed["tranche_1"] = changed["grant_amount"]
            record_change(
                locked,
                transition="edit",
                from_state=locked.status,
                to_state=locked.status,
                actor=actor,
                data={"changed": changed},
            )
    return locked


def agreement_bank_account(*, agreement, actor, iban, declared):
    """The organisation (or an official, from its letter) gives the account for the grant and declares
    it is its sole holder, while the agreement is prepared. Effects: the IBAN (normalised) and the
    declaration, a StatusChange row ("bank_account")."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require(can_give_bank_account(actor, locked))
        errors = {}
        try:
            cleaned = clean_polish_iban(iban)
        except ValidationError as error:
            errors["iban"] = list(error.messages)
        if declared is not True:
            errors["account_holder_declared"] = [
                _("The organisation must declare that it is the sole holder of this account.")
            ]
        if errors:
            _invalid(errors, _("The bank account was not saved: correct the values shown."))
        previous = locked.iban
        locked.iban = cleaned
        locked.account_holder_declared = True
        locked.save(update_fields=["iban", "account_holder_declared", "updated_at"])
        record_change(
            locked,
            transition="bank_account",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            data={"iban": [previous, cleaned]},
        )
    return locked


# Tranches.


def tranche_difference_message(total, grant):
    return _("The tranches add up to %(total)s but the grant is %(grant)s: a difference of %(difference)s.") % {
        "total": format_pln(total),
        "grant": format_pln(grant),
        "difference": format_pln(total - grant),
    }


def agreement_tranches_save(*, agreement, actor, tranches):
    """Replace the planned tranches of a draft: ``tranches`` is a list of ``{"amount": Decimal,
    "due_on": date}`` in order. Each amount above zero and to the grosz, each date plausible and not
    after the realisation ends; the sum equal to the grant to the grosz (refused with the difference).
    Effects: the tranche rows, a StatusChange row ("tranches")."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require(can_edit_draft(actor, locked))
        errors = {}
        if not tranches:
            errors["__all__"] = [_("Plan at least one tranche.")]
        for index, row in enumerate(tranches, start=1):
            problem = _amount_problem(row.get("amount"), allow_zero=False)
            if problem:
                errors.setdefault(f"amount_{index}", []).append(problem)
            problem = _date_problem(row.get("due_on"))
            if problem:
                errors.setdefault(f"due_on_{index}", []).append(problem)
            elif row["due_on"] > locked.realisation_end:
                errors.setdefault(f"due_on_{index}", []).append(
                    _("A tranche is paid before the realisation ends (%(end)s).")
                    % {"end": date_format(locked.realisation_end, "SHORT_DATE_FORMAT")}
                )
        if not errors:
            total = sum((row["amount"] for row in tranches), Decimal("0.00"))
            if total != locked.grant_amount:
                errors["__all__"] = [tranche_difference_message(total, locked.grant_amount)]
        if errors:
            _invalid(errors, _("The tranches were not saved: correct the values shown."), code="tranches_invalid")
        locked.tranches.all().delete()
        Tranche.objects.bulk_create(
            Tranche(agreement=locked, number=number, amount=row["amount"], due_on=row["due_on"])
            for number, row in enumerate(tranches, start=1)
        )
        record_change(
            locked,
            transition="tranches",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            data={"tranches": [[str(row["amount"]), str(row["due_on"])] for row in tranches]},
        )
    return locked


def tranche_record_payment(*, tranche, actor, paid_on, paid_amount):
    """An official records that a tranche of a signed agreement was paid. Refused for a tranche already
    recorded, a future date or an amount that would take the payments above the grant.
    Effects: the tranche's payment, a StatusChange row ("tranche_paid") on the agreement."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=tranche.agreement_id)
        require(can_record_payment(actor, locked))
        tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)
        errors = {}
        if tranche.paid_on is not None:
            raise DomainError(
                _("The payment of tranche %(number)s was already recorded.") % {"number": tranche.number},
                code="tranche_already_paid",
            )
        problem = _date_problem(paid_on)
        if problem:
            errors["paid_on"] = [problem]
        elif paid_on > timezone.localdate():
            errors["paid_on"] = [_("A payment cannot be recorded for a future date.")]
        problem = _amount_problem(paid_amount, allow_zero=False)
        if problem:
            errors["paid_amount"] = [problem]
        else:
            paid_before = sum((t.paid_amount or 0 for t in locked.tranches.exclude(pk=tranche.pk)), Decimal("0.00"))
            if paid_before + paid_amount > locked.grant_amount:
                errors["paid_amount"] = [
                    _("Payments would exceed the grant of %(grant)s: at most %(left)s is left to pay.")
                    % {"grant": format_pln(locked.grant_amount), "left": format_pln(locked.grant_amount - paid_before)}
                ]
        if errors:
            _invalid(errors, _("The payment was not recorded: correct the values shown."), code="payment_invalid")
        tranche.paid_on = paid_on
        tranche.paid_amount = paid_amount
        tranche.recorded_by = actor
        tranche.recorded_at = timezone.now()
        tranche.save()
        record_change(
            locked,
            transition="tranche_paid",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            data={"tranche": tranche.number, "paid_on": str(paid_on), "paid_amount": str(paid_amount)},
        )
    return tranche


def paid_total(agreement):
    return sum((t.paid_amount or 0 for t in agreement.tranches.all()), Decimal("0.00"))


# Ready for signing, reopened, signed, terminated.


def ready_blockers(agreement):
    """What still keeps a draft from being marked ready for signing (texts for the official)."""
    problems = []
    if not agreement.iban:
        problems.append(_("The organisation's bank account (IBAN) is missing."))
    if not agreement.account_holder_declared:
        problems.append(_("The organisation has not declared it is the sole holder of the bank account."))
    tranches = list(agreement.tranches.all())
    total = sum((t.amount for t in tranches), Decimal("0.00"))
    if not tranches:
        problems.append(_("No tranche is planned."))
    elif total != agreement.grant_amount:
        problems.append(tranche_difference_message(total, agreement.grant_amount))
    for tranche in tranches:
        if tranche.due_on > agreement.realisation_end:
            problems.append(
                _("Tranche %(number)s is due after the realisation ends (%(end)s).")
                % {"number": tranche.number, "end": date_format(agreement.realisation_end, "SHORT_DATE_FORMAT")}
            )
    if not agreement.number:
        problems.append(_("The agreement has no number."))
    return problems


def _members(agreement):
    return members_to_notify(agreement.organisation_id)


def _notify_members(agreement, *, event, key, context=None):
    """A mandatory notice to each confirmed member of the agreement's organisation."""
    context = {"agreement": agreement, "organisation": agreement.organisation, **(context or {})}
    for membership in _members(agreement):
        outbox_write(
            event=event,
            recipient=membership.user.email,
            template=event,
            context={**context, "person": membership.user},
            dedupe_key=f"{event}:{key}:user:{membership.user_id}",
        )


def _notify_officials(agreement, *, event, key, context=None):
    context = {"agreement": agreement, "organisation": agreement.organisation, **(context or {})}
    for official in officials_with_email():
        outbox_write(
            event=event,
            recipient=official.email,
            template=event,
            context={**context, "person": official},
            dedupe_key=f"{event}:{key}:user:{official.pk}",
        )


def _ready_notices(agreement):
    _notify_members(agreement, event="agreement_ready", key=f"{agreement.pk}:{agreement.document_id}")


def agreement_mark_ready(*, agreement, actor):
    """A complete draft (IBAN with the declaration, tranches summing to the grant, a number) is frozen
    as the agreement PDF (StoredDocument with SHA-256) and the organisation's confirmed members are
    told it is ready for signing (mandatory notice). Refused with code ``agreement_incomplete`` and
    what is missing. Effects: status → ready, the document, a StatusChange row, outbox rows."""
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require(AGREEMENT_TRANSITION_CHECKS["mark_ready"](actor, locked))
        if locked.status == AgreementStatus.DRAFT:
            problems = ready_blockers(locked)
            if problems:
                raise DomainError(
                    _("The agreement is not complete yet and cannot be signed."),
                    code="agreement_incomplete",
                    errors={"__all__": problems},
                )
            document = store_agreement_document(locked)
        else:
            document = None  # run_transition refuses with the state
        return run_transition(
            obj=locked,
            name="mark_ready",
            actor=actor,
            checks=AGREEMENT_TRANSITION_CHECKS,
            kwargs={"document": document},
            data={"sha256": document.sha256} if document else None,
            within=_ready_notices,
        )


def agreement_reopen(*, agreement, actor, reason=""):
    """Back to the draft to correct it before signing; the PDF made for signing is set aside
    (it stays stored). Effects: status → draft, a StatusChange row with the reason."""
    return run_transition(obj=agreement, name="reopen", actor=actor, checks=AGREEMENT_TRANSITION_CHECKS, reason=reason)


def _signed_at(signed_on):
    """The moment recorded for a signature on ``signed_on`` (now, when it is today)."""
    if signed_on is None or signed_on == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.datetime.combine(signed_on, datetime.time(12, 0)))


def _signed_on_problem(signed_on, *, not_before=None):
    problem = _date_problem(signed_on)
    if problem:
        return problem
    if signed_on > timezone.localdate():
        return _("The date of signing cannot be in the future.")
    if not_before is not None and signed_on < not_before:
        return _("The date of signing cannot be before %(date)s.") % {
            "date": date_format(not_before, "SHORT_DATE_FORMAT")
        }
    return None


def ready_since(agreement):
    change = (
        StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(Agreement), object_id=agreement.pk, transition="mark_ready"
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    return change.created_at if change else None


def signed_files(agreement, annex=None):
    files = agreement.files.filter(annex=annex)
    if annex is None:
        since = ready_since(agreement)
        files = files.filter(kind=AgreementFileKind.SIGNED_AGREEMENT)
        if since is not None:
            files = files.filter(uploaded_at__gte=since)
    else:
        files = files.filter(kind=AgreementFileKind.SIGNED_ANNEX)
    return files


def _realisation_starter(actor):
    def start_realisation(signed):
        if signed.application_id is not None:
            _run_source(signed.application, "contract", actor)
            _run_source(Application.objects.get(pk=signed.application_id), "start_realisation", actor)
        else:
            _run_source(signed.small_grant, "contract", actor)
        _notify_members(signed, event="agreement_signed", key=signed.pk)

    return start_realisation


def agreement_sign(*, agreement, actor, method, signed_on=None):
    """An official records that both sides signed the agreement ready for signing: ``method``
    ``uploaded`` (a signed PDF was uploaded since it became ready) or ``in_office`` (signed on paper,
    on ``signed_on``). In the same transaction the offer goes awarded → contracted → in realisation
    (two audited transitions), or the small grant to ``contracted``: realisation starts.
    Effects: status → signed, the method and time, StatusChange rows of the agreement and its source."""
    if method not in SigningMethod.values:
        _invalid({"method": [_("Choose how the agreement was signed.")]}, code="signing_invalid")
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require(AGREEMENT_TRANSITION_CHECKS["sign"](actor, locked))
        data = {"method": method}
        if locked.status == AgreementStatus.READY:
            if method == SigningMethod.IN_OFFICE:
                since = ready_since(locked)
                problem = _signed_on_problem(signed_on, not_before=timezone.localdate(since) if since else None)
                if problem:
                    _invalid({"signed_on": [problem]}, _("The signing was not recorded."), code="signing_invalid")
                data["signed_on"] = str(signed_on)
            else:
                file = signed_files(locked).order_by("-uploaded_at", "-pk").first()
                if file is None:
                    raise DomainError(
                        _("No signed agreement has been uploaded since it became ready: upload the signed PDF first."),
                        code="signed_file_missing",
                    )
                data["file"] = file.sha256
                signed_on = None
        return run_transition(
            obj=locked,
            name="sign",
            actor=actor,
            checks=AGREEMENT_TRANSITION_CHECKS,
            kwargs={"signing_method": method, "at": _signed_at(signed_on)},
            data=data,
            within=_realisation_starter(actor),
        )


def agreement_terminate(*, agreement, actor, reason):
    """An official terminates a signed agreement (*rozwiązanie umowy*) with a reason; the offer is
    terminated in the same transaction. Effects: status → terminated, the reason, StatusChange rows."""
    reason = storable(str(reason or "")).strip()
    if not reason:
        _invalid({"reason": [_("Give the reason for terminating the agreement.")]}, code="reason_required")

    def terminate_offer(terminated):
        if terminated.application_id is not None:
            _run_source(terminated.application, "terminate", actor, reason=reason)

    return run_transition(
        obj=agreement,
        name="terminate",
        actor=actor,
        checks=AGREEMENT_TRANSITION_CHECKS,
        reason=reason,
        kwargs={"reason": reason},
        within=terminate_offer,
    )


# Signed files.

PDF_ONLY = gettext_lazy("Only PDF files are accepted; this file's content is not a PDF.")


def agreement_file_add(*, agreement, actor, upload, annex=None):
    """Upload the signed agreement (while it is ready for signing) or a signed annex (while the annex
    waits for signing): a PDF by its content, at most ``settings.ATTACHMENT_MAX_BYTES``, hashed.
    The organisation's members or an official. Effects: the file under MEDIA_ROOT/agreements/, its
    row, a StatusChange row ("file_uploaded") on the agreement."""
    checked = check_upload(upload, accepted={"application/pdf"}, not_accepted=PDF_ONLY)
    sha256 = checked.sha256
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        if annex is not None:
            annex = Annex.objects.select_for_update().get(pk=annex.pk, agreement=locked)
        require(can_upload_signed(actor, locked, annex))
        file = AgreementFile(
            agreement=locked,
            annex=annex,
            kind=AgreementFileKind.SIGNED_ANNEX if annex else AgreementFileKind.SIGNED_AGREEMENT,
            original_name=clean_original_name(upload.name),
            sha256=sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        save_with_file(file, upload)
        if not is_official(actor):
            _notify_officials(locked, event="agreement_file_uploaded", key=sha256, context={"file": file})
        record_change(
            locked,
            transition="file_uploaded",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            data={"file": file.original_name, "sha256": sha256, "annex": annex.number if annex else None},
        )
    return file


# Annexes.

ANNEX_FIELDS = ("realisation_end", "grant_amount", "offer_content")


def _tranche_plan_after(agreement, new_grant):
    """The unpaid tranches adjusted to ``new_grant``: the last unpaid one absorbs the difference, or a
    new tranche is added when all were paid. ``None`` when the grant would fall below what is paid
    or the unpaid tranches cannot absorb a decrease."""
    tranches = list(agreement.tranches.order_by("number"))
    difference = new_grant - agreement.grant_amount
    if difference == 0:
        return [(t.number, t.amount) for t in tranches]
    unpaid = [t for t in tranches if t.paid_on is None]
    plan = {t.number: t.amount for t in tranches}
    if unpaid:
        last = unpaid[-1]
        if last.amount + difference <= 0:
            return None
        plan[last.number] = last.amount + difference
    elif difference > 0:
        plan[(tranches[-1].number if tranches else 0) + 1] = difference
    else:
        return None
    return sorted(plan.items())


def _small_grant_duration_problem(agreement, end):
    """A small grant's task lasts at most SMALL_GRANT_MAX_DAYS (art. 19a ust. 1 pkt 2; the parameter in
    force when its offer was submitted), also after an annex."""
    if not agreement.small_grant_id or agreement.small_grant.submitted_at is None:
        return None
    on = timezone.localdate(agreement.small_grant.submitted_at)
    limit = int(legal_parameter(LegalParameterKey.SMALL_GRANT_MAX_DAYS, on=on))
    days = (end - agreement.realisation_start).days + 1
    if days > limit:
        return _("A small grant's task lasts at most %(limit)s days (art. 19a); this would be %(days)s.") % {
            "limit": limit,
            "days": days,
        }
    return None


def annex_prepare(*, agreement, actor, subject, realisation_end=None, grant_amount=None, offer_content=None):
    """An official drafts annex N to a signed agreement: ``subject`` says what it changes; the
    structured changes (a new end of realisation, grant, or offer content with its cost lines) are
    applied when it is signed. The annex PDF is rendered and stored. Effects: the annex, its document,
    StatusChange rows on the annex ("prepare") and the agreement ("annex_prepared")."""
    subject = storable(str(subject or "")).strip()
    with transaction.atomic():
        locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
        require(can_manage_annexes(actor, locked))
        errors = {}
        if not subject:
            errors["subject"] = [_("Say what the annex changes.")]
        changes = {}
        if realisation_end is not None and realisation_end != locked.realisation_end:
            problem = _date_problem(realisation_end)
            if problem is None and realisation_end < locked.realisation_start:
                problem = _("The realisation cannot end before it starts (%(start)s).") % {
                    "start": date_format(locked.realisation_start, "SHORT_DATE_FORMAT")
                }
            if problem is None:
                problem = _small_grant_duration_problem(locked, realisation_end)
            if problem:
                errors["realisation_end"] = [problem]
            else:
                changes["realisation_end"] = realisation_end.isoformat()
        if grant_amount is not None and grant_amount != locked.grant_amount:
            problem = _amount_problem(grant_amount, allow_zero=False)
            limit = awarded_limit(locked)
            if problem is None and limit is not None and grant_amount > limit:
                problem = _("The grant cannot exceed the amount awarded, %(limit)s.") % {"limit": format_pln(limit)}
            if problem is None and grant_amount < paid_total(locked):
                problem = _("The grant cannot be less than what has been paid, %(paid)s.") % {
                    "paid": format_pln(paid_total(locked))
                }
            if problem is None and _tranche_plan_after(locked, grant_amount) is None:
                problem = _("The unpaid tranches cannot absorb this decrease of the grant.")
            if problem:
                errors["grant_amount"] = [problem]
            else:
                changes["grant_amount"] = str(grant_amount)
        if offer_content is not None and offer_content != locked.offer_content:
            if not isinstance(offer_content, dict):
                errors["offer_content"] = [_("The offer content must be an object of sections.")]
            else:
                changes["offer_content"] = storable(offer_content)
                lines = cost_lines(offer_content)
                grant = grant_amount if grant_amount is not None else locked.grant_amount
                from_grant = sum((parse_amount(line.get("grant")) or Decimal("0") for line in lines), Decimal("0.00"))
                if lines and "grant_amount" not in errors and from_grant != grant:
                    errors["__all__"] = [
                        _(
                            "The cost lines take %(lines)s from the grant but the grant is %(grant)s: a difference "
                            "of %(difference)s."
                        )
                        % {
                            "lines": format_pln(from_grant),
                            "grant": format_pln(grant),
                            "difference": format_pln(from_grant - grant),
                        }
                    ]
        if not errors and not changes:
            errors["__all__"] = [_("The annex changes nothing: give a new end date, grant or cost lines.")]
        if errors:
            _invalid(errors, _("The annex was not prepared: correct the values shown."), code="annex_invalid")
        number = (locked.annexes.aggregate(m=Max("number"))["m"] or 0) + 1
        annex = Annex.objects.create(
            agreement=locked,
            number=number,
            subject=subject,
            changes=changes,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        annex.document = store_annex_document(annex)
        annex.save(update_fields=["document", "updated_at"])
        record_change(annex, transition="prepare", from_state="", to_state=annex.status, actor=actor)
        _notify_members(locked, event="agreement_annex_ready", key=annex.pk, context={"annex": annex})
        record_change(
            locked,
            transition="annex_prepared",
            from_state=locked.status,
            to_state=locked.status,
            actor=actor,
            data={"annex": number, "subject": subject},
        )
    return annex


def _agreement_values(agreement, fields):
    values = {}
    for field in fields:
        value = getattr(agreement, field)
        values[field] = value if field == "offer_content" else str(value)
    return values


def annex_sign(*, annex, actor, method, signed_on=None):
    """An official records that both sides signed the annex (a signed PDF uploaded, or in the office on
    ``signed_on``): its changes are applied to the agreement, the values they replace kept in the
    annex's ``previous``; a changed grant moves the last unpaid tranche by the difference.
    Effects: the annex (signed), the agreement, its tranches, StatusChange rows on both."""
    if method not in SigningMethod.values:
        _invalid({"method": [_("Choose how the annex was signed.")]}, code="signing_invalid")
    with transaction.atomic():
        agreement = Agreement.objects.select_for_update().get(pk=annex.agreement_id)
        locked_annex = Annex.objects.select_for_update().get(pk=annex.pk)
        require(can_manage_annexes(actor, agreement))
        data = {"method": method}
        if locked_annex.status == AnnexStatus.DRAFT:
            if method == SigningMethod.IN_OFFICE:
                problem = _signed_on_problem(signed_on, not_before=timezone.localdate(locked_annex.created_at))
                if problem:
                    _invalid({"signed_on": [problem]}, _("The signing was not recorded."), code="signing_invalid")
                data["signed_on"] = str(signed_on)
            else:
                file = signed_files(agreement, locked_annex).order_by("-uploaded_at", "-pk").first()
                if file is None:
                    raise DomainError(
                        _("No signed annex has been uploaded: upload the signed PDF first."),
                        code="signed_file_missing",
                    )
                data["file"] = file.sha256
                signed_on = None
        changes = locked_annex.changes or {}
        previous = _agreement_values(agreement, [f for f in ANNEX_FIELDS if f in changes])
        if "grant_amount" in changes:
            previous["tranches"] = [[t.number, str(t.amount)] for t in agreement.tranches.order_by("number")]

        def apply(signed_annex):
            if "realisation_end" in changes:
                agreement.realisation_end = datetime.date.fromisoformat(changes["realisation_end"])
                # The final report not submitted yet follows the new end (period and due date).
                from reporting.services import final_report_follow_agreement

                final_report_follow_agreement(agreement)
            if "offer_content" in changes:
                agreement.offer_content = changes["offer_content"]
            if "grant_amount" in changes:
                new_grant = Decimal(changes["grant_amount"])
                plan = _tranche_plan_after(agreement, new_grant)
                if plan is None:
                    raise DomainError(
                        _("The unpaid tranches cannot absorb this decrease of the grant."), code="annex_invalid"
                    )
                due = max(timezone.localdate(), agreement.realisation_start) + datetime.timedelta(
                    days=FIRST_TRANCHE_AFTER_DAYS
                )
                for number, amount in plan:
                    Tranche.objects.update_or_create(
                        agreement=agreement,
                        number=number,
                        defaults={"amount": amount},
                        create_defaults={"amount": amount, "due_on": min(due, agreement.realisation_end)},
                    )
                agreement.grant_amount = new_grant
            agreement.save()
            record_change(
                agreement,
                transition="annex_signed",
                from_state=agreement.status,
                to_state=agreement.status,
                actor=actor,
                data={
                    "annex": signed_annex.number,
                    "changes": list(changes),
                    "previous": {k: v for k, v in previous.items() if k != "offer_content"},
                },
            )

        return run_transition(
            obj=locked_annex,
            name="sign",
            actor=actor,
            checks=ANNEX_TRANSITION_CHECKS,
            kwargs={"signing_method": method, "previous": previous, "at": _signed_at(signed_on)},
            data=data,
            within=apply,
        )


def _line_summary(row):
    return "{name}: {unit_cost} × {quantity}, z dotacji {grant}".format(
        name=text(row, "name") or "—",
        unit_cost=text(row, "unit_cost") or "—",
        quantity=text(row, "quantity") or "—",
        grant=text(row, "grant") or "—",
    )


def cost_lines(content):
    """The cost lines (section V.A) of an offer content."""
    budget = (content or {}).get("budget")
    budget = budget if isinstance(budget, dict) else {}
    return rows(budget, "lines")


def annex_change_rows(annex):
    """What ``annex`` changes: dicts ``{key, line, before, after}`` (``key`` realisation_end,
    grant_amount or cost_line; ``before`` from ``previous`` once signed, else from the agreement)."""
    changes = annex.changes or {}
    signed = annex.status == AnnexStatus.SIGNED
    current = (
        annex.previous if signed else _agreement_values(annex.agreement, [f for f in ANNEX_FIELDS if f in changes])
    )
    result = []
    if "realisation_end" in changes:
        result.append(
            {
                "key": "realisation_end",
                "before": datetime.date.fromisoformat(str(current.get("realisation_end"))),
                "after": datetime.date.fromisoformat(changes["realisation_end"]),
            }
        )
    if "grant_amount" in changes:
        result.append(
            {
                "key": "grant_amount",
                "before": format_pln(Decimal(str(current.get("grant_amount")))),
                "after": format_pln(Decimal(changes["grant_amount"])),
            }
        )
    if "offer_content" in changes:
        old, new = cost_lines(current.get("offer_content")), cost_lines(changes["offer_content"])
        for index in range(max(len(old), len(new))):
            before = old[index] if index < len(old) else None
            after = new[index] if index < len(new) else None
            if before != after:
                result.append(
                    {
                        "key": "cost_line",
                        "line": index + 1,
                        "before": _line_summary(before) if before else "—",
                        "after": _line_summary(after) if after else "—",
                    }
                )
    return result
