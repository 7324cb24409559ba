"""Part III of a report: attachments (lists of participants, photos, publications).

Validated exactly as offer attachments (:mod:`applications.attachments`): a PDF, PNG or JPEG by its
bytes, never by its name, capped in size, hashed while read; stored under the private MEDIA_ROOT
and served only to those who may see the report.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.attachments import NOT_ACCEPTED_TYPE, _read, _refuse, _too_large, clean_original_name
from core.errors import NotFound
from core.permissions import require

from .models import Report, ReportAttachment
from .rules import can_edit_report


def report_attachment_add(*, report, actor, upload, description=""):
    """Attach ``upload`` to ``report`` (members, while it can be edited). Refused (``DomainError`` on
    ``file``) when empty, too large or not a PDF/PNG/JPEG by content. Effects: a file and a row."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        _too_large(limit)
    sha256, size, content_type = _read(upload, limit)
    if size == 0:
        _refuse(_("The file is empty."), "file_empty")
    if content_type is None:
        _refuse(NOT_ACCEPTED_TYPE, "file_type_not_accepted")
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("agreement").get(pk=report.pk)
        require(can_edit_report(actor, locked))
        attachment = ReportAttachment(
            report=locked,
            original_name=clean_original_name(upload.name),
            description=(description or "").strip()[:300],
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


def report_attachment_delete(*, attachment, actor):
    """Remove an attachment while the report can be edited. Effects: the row now, the file after commit."""
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("agreement").get(pk=attachment.report_id)
        attachment = ReportAttachment.objects.filter(pk=attachment.pk, report=locked).first()
        if attachment is None:
            raise NotFound()
        require(can_edit_report(actor, locked))
        file, name = attachment.file, attachment.file.name
        attachment.delete()
        transaction.on_commit(lambda: file.storage.delete(name))
