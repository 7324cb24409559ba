"""Press notes on a call's results: drafted from the data at publication, reviewed, sent to media."""

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.errors import DomainError, InvalidState
from core.transitions import record_change

from .media import RESULTS, media_notice_write, outlets_for
from .models import PressNote, PressNoteStatus


def press_note_draft(*, call, context, automatic):
    """Write the results press note of ``call`` from ``context`` (the press_results templates), in
    the caller's transaction. ``automatic``: approved at once and sent to the outlets; otherwise a
    draft waits for an official. A second call for the same call changes nothing. Returns the note."""
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override("pl"):
        subject = " ".join(render_to_string("notifications/press_results_subject.txt", context).split())
        body = render_to_string("notifications/press_results_body.txt", context).strip()
    # The results PDF stored at publication (the context's evaluation carries it): sent with the note.
    document = getattr(context.get("evaluation"), "results_document", None)
    note, created = PressNote.objects.get_or_create(
        call=call,
        defaults={"subject": subject[:300], "body": body, "generated_body": body, "results_document": document},
    )
    if created:
        record_change(note, transition="draft", from_state="", to_state=PressNoteStatus.DRAFT, actor=None)
        if automatic:
            _approve(note, actor=None)
    return note


def results_filename(call_id):
    """The name the results PDF is sent under (as the API serves it)."""
    return f"wyniki-konkursu-{call_id}.pdf"


def _approve(note, *, actor):
    note.status = PressNoteStatus.APPROVED
    note.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    note.approved_at = timezone.now()
    note.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    record_change(
        note,
        transition="approve",
        from_state=PressNoteStatus.DRAFT,
        to_state=PressNoteStatus.APPROVED,
        actor=actor,
        data={"automatic": actor is None},
    )
    attachments = [(results_filename(note.call_id), note.results_document)] if note.results_document_id else []
    sent = 0
    for outlet in outlets_for(RESULTS):
        sent += (
            media_notice_write(
                outlet=outlet,
                kind=RESULTS,
                event="results_published",
                template="press_note",
                context={"note": note, "call": note.call},
                dedupe_key=f"results_published:call:{note.call_id}:media:{outlet.pk}",
                attachments=attachments,
            )
            is not None
        )
    return sent


def _locked_draft(note):
    locked = (
        PressNote.objects.select_for_update(of=("self", "call"))
        .select_related("call", "results_document")
        .get(pk=note.pk)
    )
    if locked.status != PressNoteStatus.DRAFT:
        raise InvalidState(_("This press note has already been approved and sent."))
    return locked


def _check(subject, body):
    errors = {}
    if not (subject or "").strip():
        errors["subject"] = [_("Give the subject.")]
    if not (body or "").strip():
        errors["body"] = [_("Write the text of the press note.")]
    if errors:
        raise DomainError(_("The press note was not saved."), errors=errors)


def press_note_edit(*, actor, note, subject, body):
    """An official corrects a draft. Effects: subject and text, a StatusChange row."""
    _check(subject, body)
    with transaction.atomic():
        locked = _locked_draft(note)
        locked.subject, locked.body = subject.strip()[:300], body.strip()
        locked.save(update_fields=["subject", "body", "updated_at"])
        record_change(locked, transition="edit", from_state=locked.status, to_state=locked.status, actor=actor)
        return locked


def press_note_approve(*, actor, note, subject=None, body=None):
    """An official approves a draft (with last corrections, if given): one message per active outlet
    that consented and wants results, in one transaction. Returns how many messages were written."""
    with transaction.atomic():
        locked = _locked_draft(note)
        if subject is not None or body is not None:
            _check(subject, body)
            locked.subject, locked.body = subject.strip()[:300], body.strip()
            locked.save(update_fields=["subject", "body", "updated_at"])
        return _approve(locked, actor=actor)
