"""Writes for small grants (art. 19a). Each function is one transaction and says its effects."""

import datetime

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.completeness import parse_date
from calls.models import AnnualProgramme
from core.enums import LegalParameterKey
from core.errors import DomainError, InvalidState, NotAllowed
from core.legal import legal_parameter
from core.permissions import require
from core.transitions import record_change, run_transition
from core.workdays import add_working_days

from . import notices
from .caps import cap_refusals
from .content import money, offer_blockers
from .documents import store_offer_document
from .enums import CommentStatus, SmallGrantStatus
from .models import SmallGrant, SmallGrantComment
from .rules import (
    SMALL_GRANT_TRANSITION_CHECKS,
    SYSTEM_CHECKS,
    can_create_small_grant,
    can_edit_small_grant,
    can_moderate_comments,
    can_prepare_agreement,
    comments_open,
)

# Comments from one address (IP) or one e-mail: at most this many in COMMENT_WINDOW seconds (no flooding).
COMMENTS_PER_WINDOW = 5
COMMENT_WINDOW = 10 * 60


def _storable(value):
    """``value`` with what PostgreSQL cannot store in JSON or text removed: the NUL character and lone
    surrogates (the rest of what was typed is kept)."""
    if isinstance(value, str):
        return value.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    if isinstance(value, dict):
        return {_storable(k): _storable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_storable(v) for v in value]
    return value


def programme_for(start):
    """The cooperation programme of the year the realisation starts, or a refusal naming the year."""
    programme = AnnualProgramme.objects.filter(year=start.year).first()
    if programme is None:
        message = _(
            "There is no cooperation programme for %(year)s: a small grant can only be given for a year with a "
            "programme. Choose dates in a year that has one."
        ) % {"year": start.year}
        raise DomainError(message, code="no_programme", errors={"realisation_start": [message]})
    return programme


def small_grant_create(*, actor, organisation, title, sphere, form, realisation_start, realisation_end=None):
    """Start a draft small-grant offer of ``organisation`` (at any time: there is no call).

    The programme is that of the year the realisation starts; refused when there is none.
    Effects: one row and a StatusChange row (created).
    """
    require(can_create_small_grant(actor, organisation))
    programme = programme_for(realisation_start)
    with transaction.atomic():
        small_grant = SmallGrant.objects.create(
            organisation=organisation,
            programme=programme,
            sphere=sphere,
            form=form,
            title=title.strip()[:300],
            realisation_start=realisation_start,
            realisation_end=realisation_end,
            content={
                "period": {
                    "start": realisation_start.isoformat(),
                    "end": realisation_end.isoformat() if realisation_end else "",
                }
            },
            created_by=actor if actor.is_authenticated else None,
        )
        record_change(small_grant, transition="create", from_state="", to_state=small_grant.status, actor=actor)
    return small_grant


def small_grant_save(*, small_grant, actor, title=None, sphere=None, form=None, content=None):
    """Store the draft as typed: ``content`` (plain strings, lists, booleans; see
    :mod:`smallgrants.content`) replaces the parts it names; nothing is validated here, the summary
    lists what blocks submission. The dates typed in ``content["period"]`` set the realisation dates
    when they are dates, and the programme follows the start's year when that year has one.
    The requested grant follows the typed grant whenever it is an amount.
    Effects: the row, under its lock.
    """
    with transaction.atomic():
        locked = SmallGrant.objects.select_for_update().get(pk=small_grant.pk)
        require(can_edit_small_grant(actor, locked))
        if title is not None:
            locked.title = str(_storable(title)).strip()[:300]
        if sphere is not None:
            locked.sphere = sphere
        if form is not None:
            locked.form = form
        if content is not None:
            merged = dict(locked.content or {})
            merged.update(_storable(content))
            locked.content = merged
            period = merged.get("period") if isinstance(merged.get("period"), dict) else {}
            start, end = parse_date(period.get("start")), parse_date(period.get("end"))
            locked.realisation_start, locked.realisation_end = start, end
            if start is not None:
                programme = AnnualProgramme.objects.filter(year=start.year).first()
                if programme is not None:
                    locked.programme = programme
            sources = merged.get("sources") if isinstance(merged.get("sources"), dict) else {}
            grant = money(sources.get("grant"))
            if grant is not None:
                locked.requested_amount = grant
        locked.save()
        return locked


def submission_blockers(small_grant):
    """What blocks submission besides the caps: the offer's own checks and the programme's year."""
    problems = offer_blockers(small_grant)
    start = small_grant.realisation_start
    if start is not None and small_grant.programme.year != start.year:
        problems.append(
            _(
                "There is no cooperation programme for %(year)s: a small grant can only be given for a year with a "
                "programme."
            )
            % {"year": start.year}
        )
    return problems


def small_grant_submit(*, small_grant, actor):
    """Submit the offer: refused (code ``offer_incomplete``) while anything blocks it, and (code
    ``caps_exceeded``) when it breaks a cap in force on the submission date (Warsaw), each refusal in
    ``errors["__all__"]``; the draft is kept as it was.

    Submissions in the same year are serialised on the programme's row, so two offers cannot both
    squeeze under the same cap. Effects: status → submitted, the receipt time and the date by which
    the offer must be published (receipt date + SMALL_GRANT_PUBLISH_WITHIN_WORKING_DAYS working days),
    the offer PDF stored, a StatusChange row, notices to the organisation's members (confirmation) and
    to officials (a new offer). All in one transaction.
    """
    with transaction.atomic():
        locked = SmallGrant.objects.select_for_update().select_related("organisation").get(pk=small_grant.pk)
        require(SMALL_GRANT_TRANSITION_CHECKS["submit"](actor, locked))
        if locked.status != SmallGrantStatus.DRAFT:
            raise InvalidState(_("This offer has already been submitted."))
        blockers = submission_blockers(locked)
        if blockers:
            raise DomainError(
                _("The offer is not complete yet and was not submitted; your draft is kept."),
                code="offer_incomplete",
                errors={"__all__": blockers},
            )
        AnnualProgramme.objects.select_for_update().get(pk=locked.programme_id)
        now = timezone.now()
        today = timezone.localdate(now)
        refusals = cap_refusals(locked, on=today)
        if refusals:
            raise DomainError(
                _("The offer exceeds the limits of a small grant and was not submitted; your draft is kept."),
                code="caps_exceeded",
                errors={"__all__": refusals},
            )
        within = int(legal_parameter(LegalParameterKey.SMALL_GRANT_PUBLISH_WITHIN_WORKING_DAYS, on=today))

        def document_and_notices(submitted):
            store_offer_document(submitted)
            notices.submitted(submitted)

        return run_transition(
            obj=locked,
            name="submit",
            actor=actor,
            checks=SMALL_GRANT_TRANSITION_CHECKS,
            kwargs={"at": now, "publish_by": add_working_days(today, within)},
            data={"caps_on": today.isoformat()},
            within=document_and_notices,
        )


def small_grant_withdraw(*, small_grant, actor, reason=""):
    """The organisation withdraws its offer before publication. Effects: status → withdrawn, a StatusChange row."""
    return run_transition(
        obj=small_grant, name="withdraw", actor=actor, checks=SMALL_GRANT_TRANSITION_CHECKS, reason=reason
    )


def end_of_day(day):
    """The last moment of ``day`` in Europe/Warsaw, as an aware time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def small_grant_publish(*, small_grant, actor):
    """Accept the offer for publication (the task is found worthwhile, *celowość*) and publish it for
    comments until the end of the day SMALL_GRANT_COMMENT_DAYS days after today (Warsaw).

    Effects: status → published, publication time and the end of the comment period, a StatusChange
    row, notices to the media outlets that want news of calls and to the public subscribers of the
    offer's sphere.
    """
    now = timezone.now()
    today = timezone.localdate(now)
    days = int(legal_parameter(LegalParameterKey.SMALL_GRANT_COMMENT_DAYS, on=today))
    return run_transition(
        obj=small_grant,
        name="publish",
        actor=actor,
        checks=SMALL_GRANT_TRANSITION_CHECKS,
        kwargs={"at": now, "comments_until": end_of_day(today + datetime.timedelta(days=days))},
        within=notices.published,
    )


def small_grant_close_comments(*, small_grant, actor):
    """Close the comments once their period is over. Effects: status → comments closed, a StatusChange row."""
    return run_transition(obj=small_grant, name="close_comments", actor=actor, checks=SMALL_GRANT_TRANSITION_CHECKS)


def small_grants_close_due():
    """The beat task: close the comments of every published offer whose period is over (as the system).
    Returns how many were closed."""
    closed = 0
    due = SmallGrant.objects.filter(status=SmallGrantStatus.PUBLISHED, comments_until__lt=timezone.now())
    for small_grant in due.order_by("pk"):
        try:
            run_transition(obj=small_grant, name="close_comments", actor=None, checks=SYSTEM_CHECKS)
        except (InvalidState, NotAllowed):
            continue  # closed meanwhile by an official
        closed += 1
    return closed


def small_grant_reject(*, small_grant, actor, reason):
    """Refuse the offer (not worthwhile, or after considering the comments) with a reason the
    organisation is told. Effects: status → refused, the reason, a StatusChange row, a notice to the
    organisation's members."""
    reason = (reason or "").strip()
    if not reason:
        message = _("Give the reason for the refusal: the organisation receives it.")
        raise DomainError(message, code="reason_required", errors={"reason": [message]})
    return run_transition(
        obj=small_grant,
        name="reject",
        actor=actor,
        checks=SMALL_GRANT_TRANSITION_CHECKS,
        reason=reason,
        kwargs={"reason": reason},
        within=notices.refused,
    )


def small_grant_prepare_agreement(*, small_grant, actor):
    """After the comment period: prepare the agreement (agreements.services.agreement_prepare). The
    agreements app moves the small grant to ``contracted`` when the agreement is signed.
    Effects: the agreement (its app's effects) and a StatusChange row on the small grant, in one transaction."""
    from agreements.services import agreement_prepare  # the agreements app builds on small grants

    require(can_prepare_agreement(actor, small_grant))
    with transaction.atomic():
        agreement = agreement_prepare(actor=actor, small_grant=small_grant)
        # not a change of the small grant's status, but a step its history must show
        record_change(
            small_grant,
            transition="prepare_agreement",
            from_state=small_grant.status,
            to_state=small_grant.status,
            actor=actor,
            data={"agreement": agreement.pk, "number": agreement.number},
        )
    return agreement


def _rate_limited(keys):
    """Whether any of ``keys`` already sent COMMENTS_PER_WINDOW comments in the window; counts this one."""
    limited = False
    for key in keys:
        cache.add(key, 0, COMMENT_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, COMMENT_WINDOW)
            count = 1
        limited = limited or count > COMMENTS_PER_WINDOW
    return limited


def comment_add(*, small_grant, author_name, author_email, text, client=""):
    """Anyone sends a comment on a published offer while the period lasts (art. 19a ust. 4); it awaits
    moderation. ``client`` (the sender's IP) and the e-mail are rate-limited (refused with code
    ``too_many_comments``). Effects: one comment row, an optional notice to officials."""
    author_name, text = (author_name or "").strip(), (text or "").strip()
    errors = {}
    if not author_name:
        errors["author_name"] = [_("Give your name.")]
    if not text:
        errors["text"] = [_("Write your comment.")]
    if errors:
        raise DomainError(_("The comment was not sent."), code="invalid", errors=errors)
    if not comments_open(small_grant):
        raise InvalidState(_("Comments on this offer are not accepted now: the comment period is over."))
    keys = [f"smallgrants:comments:ip:{client}"] if client else []
    if author_email:
        keys.append(f"smallgrants:comments:email:{author_email.strip().lower()}")
    if _rate_limited(keys):
        raise DomainError(
            _("You have sent many comments in a short time. Please wait a few minutes and try again."),
            code="too_many_comments",
        )
    with transaction.atomic():
        comment = SmallGrantComment.objects.create(
            small_grant=small_grant, author_name=author_name[:200], author_email=(author_email or "").strip(), text=text
        )
        notices.comment_received(comment)
    return comment


def comment_moderate(*, comment, actor, approve, note=""):
    """Approve a comment (shown publicly) or hide it with a note (kept, visible to officials).
    Effects: the comment's moderation fields and a StatusChange row."""
    require(can_moderate_comments(actor, comment.small_grant))
    note = (note or "").strip()
    if not approve and not note:
        message = _("Say why the comment is not published (the note is kept with it).")
        raise DomainError(message, code="note_required", errors={"note": [message]})
    with transaction.atomic():
        locked = SmallGrantComment.objects.select_for_update().get(pk=comment.pk)
        before = locked.status
        locked.status = CommentStatus.APPROVED if approve else CommentStatus.HIDDEN
        locked.moderated_by = actor
        locked.moderated_at = timezone.now()
        locked.moderation_note = note[:300]
        locked.save(update_fields=["status", "moderated_by", "moderated_at", "moderation_note"])
        record_change(
            locked,
            transition="approve" if approve else "hide",
            from_state=before,
            to_state=locked.status,
            actor=actor,
            reason=note,
        )
    return locked
