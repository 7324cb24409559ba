"""Offer attachments (*załączniki do oferty*): who may add or remove them, and the writes.

A file is accepted for what its bytes are — a PDF, PNG or JPEG by its magic numbers — never for its
name or the type the browser declared; it is capped in size, hashed (SHA-256) while it is read in
chunks, and stored under the private MEDIA_ROOT, served only by views that check
:func:`applications.rules.can_view_application`.
"""

import hashlib
import unicodedata
from pathlib import PurePosixPath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.errors import DomainError, NotFound
from core.permissions import require

from .enums import AttachmentKind
from .models import ATTACHMENT_EXTENSIONS, Application, Attachment
from .rules import can_add_attachment, can_delete_attachment

# (magic bytes at the start of the file, content type)
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SIGNATURE_LENGTH = max(len(magic) for magic, _type in SIGNATURES)
FALLBACK_STEM = "zalacznik"


def detect_content_type(head: bytes):
    """The content type of a file starting with ``head``, or ``None`` if it is none we accept."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def clean_original_name(name):
    """The uploader's file name without any path, control characters or excess length (shown, never used as a path)."""
    name = str(name or "").replace("\\", "/")
    name = PurePosixPath(name).name
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C")
    return name.strip()[:255] or FALLBACK_STEM


def download_filename(attachment):
    """A safe name to offer in Content-Disposition: the uploader's stem and the extension of the real content."""
    stem = PurePosixPath(attachment.original_name).stem
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = FALLBACK_STEM
    return f"{stem[:100]}{ATTACHMENT_EXTENSIONS.get(attachment.content_type, '')}"


# Writes.

NOT_ACCEPTED_TYPE = gettext_lazy("Only PDF, PNG or JPEG files are accepted; this file's content is none of them.")


def _refuse(message, code):
    raise DomainError(message, code=code, errors={"file": [message]})


def _read(upload, limit):
    """Read ``upload`` once, in chunks: its SHA-256, size and content type (from its first bytes)."""
    digest = hashlib.sha256()
    size = 0
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        size += len(chunk)
        if size > limit:
            _too_large(limit)
        if len(head) < SIGNATURE_LENGTH:
            head += chunk[: SIGNATURE_LENGTH - len(head)]
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), size, detect_content_type(head)


def _too_large(limit):
    _refuse(
        _("The file is too large: at most %(limit)s is accepted.") % {"limit": filesizeformat(limit)}, "file_too_large"
    )


def attachment_add(*, application, actor, kind, upload, requirement=""):
    """Attach ``upload`` (a Django ``UploadedFile``) to ``application`` as ``kind``; ``requirement``
    names which of the call's required attachments it is ("" for none).

    Refused (``DomainError`` on the field ``file``) when the file is empty, larger than
    ``settings.ATTACHMENT_MAX_BYTES`` or not a PDF/PNG/JPEG by content; ``NotAllowed`` when the actor
    or the offer's state does not allow it (checked under the offer's row lock, so a submission at
    the same moment cannot slip in between). Effects: one file under MEDIA_ROOT/attachments/ and one
    row, in one transaction (the file is removed again if the row is not written).
    """
    if kind not in AttachmentKind.values:
        raise DomainError(_("Choose the kind of attachment."), errors={"kind": [_("Choose a valid kind.")]})
    requirement = (requirement or "").strip()
    if requirement and requirement not in application.call.required_attachment_list():
        message = _("Choose one of the attachments the call requires, or none.")
        raise DomainError(message, errors={"requirement": [message]})
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        _too_large(limit)
    sha256, size, content_type = _read(upload, limit)
    if size == 0:
        _refuse(_("The file is empty."), "file_empty")
    if content_type is None:
        _refuse(NOT_ACCEPTED_TYPE, "file_type_not_accepted")
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        require(can_add_attachment(actor, locked, kind))
        attachment = Attachment(
            application=locked,
            kind=kind,
            requirement=requirement,
            original_name=clean_original_name(upload.name),
            sha256=sha256,
            size=size,
            content_type=content_type,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        attachment.file.save("upload", upload, save=False)
        try:
            attachment.save()
        except BaseException:
            attachment.file.delete(save=False)
            raise
    return attachment


def attachment_delete(*, attachment, actor):
    """Remove an attachment of an offer being edited. Effects: the row now, the file after commit."""
    with transaction.atomic():
        Application.objects.select_for_update().filter(pk=attachment.application_id).first()
        attachment = Attachment.objects.select_related("application").filter(pk=attachment.pk).first()
        if attachment is None:
            raise NotFound()
        require(can_delete_attachment(actor, attachment))
        file, name = attachment.file, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: file.storage.delete(name))
