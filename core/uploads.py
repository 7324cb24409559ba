"""Files people upload (offer and report attachments, signed agreements and annexes).

A file is accepted for what its bytes are — a PDF, PNG or JPEG by its magic numbers — never for its
name or the type the browser declared; it is capped in size (``settings.ATTACHMENT_MAX_BYTES``),
hashed (SHA-256) while it is read in chunks, and stored under the private MEDIA_ROOT, served only by
views that check who may see it.
"""

import hashlib
import unicodedata
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import DomainError

# (magic bytes at the start of the file, content type)
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
SIGNATURE_LENGTH = max(len(magic) for magic, _type in SIGNATURES)
FALLBACK_STEM = "zalacznik"
NOT_ACCEPTED_TYPE = gettext_lazy("Only PDF, PNG or JPEG files are accepted; this file's content is none of them.")


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


def refuse_file(message, code):
    """Refuse an upload: a ``DomainError`` on the form field ``file``."""
    raise DomainError(message, code=code, errors={"file": [message]})


def _too_large(limit):
    refuse_file(
        _("The file is too large: at most %(limit)s is accepted.") % {"limit": filesizeformat(limit)}, "file_too_large"
    )


@dataclass(frozen=True)
class CheckedUpload:
    sha256: str
    size: int
    content_type: str


def check_upload(upload, *, accepted=None, not_accepted=NOT_ACCEPTED_TYPE) -> CheckedUpload:
    """Read ``upload`` (a Django ``UploadedFile``) once, in chunks, and check it: present, not empty,
    at most ``settings.ATTACHMENT_MAX_BYTES``, and by its first bytes one of ``accepted`` content types
    (default: PDF, PNG, JPEG). Refused with :func:`refuse_file` (message ``not_accepted`` for a wrong type)."""
    if upload is None:
        refuse_file(_("Choose a file."), "file_missing")
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        _too_large(limit)
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
    if size == 0:
        refuse_file(_("The file is empty."), "file_empty")
    content_type = detect_content_type(head)
    if content_type is None or (accepted is not None and content_type not in accepted):
        refuse_file(not_accepted, "file_type_not_accepted")
    return CheckedUpload(digest.hexdigest(), size, content_type)


def save_with_file(row, upload):
    """Store ``upload`` in ``row.file`` and save ``row``; the file is removed again if the row is not
    written (call inside the caller's transaction)."""
    row.file.save("upload", upload, save=False)
    try:
        row.save()
    except BaseException:
        row.file.delete(save=False)
        raise
    return row
