"""Offer attachments (*załączniki do oferty*): who may add or remove them, and the writes.

Files are checked and stored as every upload is (:mod:`core.uploads`), and served only by views
that check :func:`applications.rules.can_view_application`.
"""

from pathlib import PurePosixPath

from django.core.exceptions import SuspiciousFileOperation
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core.errors import DomainError, NotFound
from core.permissions import require
from core.uploads import FALLBACK_STEM, check_upload, clean_original_name, save_with_file

from .enums import AttachmentKind
from .models import ATTACHMENT_EXTENSIONS, Application, Attachment
from .rules import can_add_attachment, can_delete_attachment


def download_filename(attachment):
    """A safe name to offer in Content-Disposition: the uploader's stem and the extension of the real content."""
    stem = PurePosixPath(attachment.original_name).stem
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:
        stem = FALLBACK_STEM
    return f"{stem[:100]}{ATTACHMENT_EXTENSIONS.get(attachment.content_type, '')}"


# Writes.


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
    checked = check_upload(upload)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        require(can_add_attachment(actor, locked, kind))
        attachment = Attachment(
            application=locked,
            kind=kind,
            requirement=requirement,
            original_name=clean_original_name(upload.name),
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        return save_with_file(attachment, upload)


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
