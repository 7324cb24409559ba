"""Part III of a report: attachments (lists of participants, photos, publications).

Validated exactly as offer attachments (:mod:`applications.attachments`): a PDF, PNG or JPEG by its
bytes, never by its name, capped in size, hashed while read; stored under the private MEDIA_ROOT
and served only to those who may see the report.
"""

from django.db import transaction
from django.utils import timezone

from core.errors import NotFound
from core.permissions import require
from core.uploads import check_upload, clean_original_name, save_with_file

from .models import Report, ReportAttachment
from .rules import can_edit_report


def report_attachment_add(*, report, actor, upload, description=""):
    """Attach ``upload`` to ``report`` (members, while it can be edited). Refused (``DomainError`` on
    ``file``) when empty, too large or not a PDF/PNG/JPEG by content. Effects: a file and a row."""
    checked = check_upload(upload)
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("agreement").get(pk=report.pk)
        require(can_edit_report(actor, locked))
        attachment = ReportAttachment(
            report=locked,
            original_name=clean_original_name(upload.name),
            description=(description or "").strip()[:300],
            sha256=checked.sha256,
            size=checked.size,
            content_type=checked.content_type,
            uploaded_by=actor,
            uploaded_at=timezone.now(),
        )
        return save_with_file(attachment, upload)


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
