"""Downloads of an offer's frozen documents: the offer PDF and the confirmation of submission,
the current ones and those of each submitted version.

Only the organisation's members, officials and the approver see them
(:func:`applications.rules.can_view_application`); anyone else gets 404, as if the offer did not
exist. The stored bytes are streamed unchanged with their SHA-256 in ``X-Content-SHA256``.
"""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .enums import ApplicationStatus
from .models import Application, ApplicationVersion
from .rules import can_view_application

# URL name suffix -> (the offer's or version's document field, the downloaded file's name prefix)
DOCUMENTS = {
    "offer": ("offer_document", "oferta"),
    "confirmation": ("confirmation_document", "potwierdzenie-zlozenia-oferty"),
}


def stored_document_response(document, filename):
    """A StoredDocument as an inline PDF, private and never cached, with its SHA-256 in a header."""
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Content-Length"] = str(document.size)
    response["X-Content-SHA256"] = document.sha256
    patch_cache_control(response, private=True, no_store=True)
    return response


def document_response(application, which):
    """The stored document ``which`` of ``application`` as an inline PDF response (or ``None``)."""
    field, prefix = DOCUMENTS[which]
    document = getattr(application, field)
    if document is None:
        return None
    return stored_document_response(document, f"{prefix}-{application.pk}.pdf")


def version_document_response(version, which):
    """The stored document ``which`` of a submitted ``version``, as frozen when it was submitted."""
    field, prefix = DOCUMENTS[which]
    return stored_document_response(getattr(version, field), f"{prefix}-{version.application_id}-v{version.number}.pdf")


def _missing(request, application):
    if application.status in (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED_FOR_CORRECTION) and (
        application.offer_document_id is None
    ):
        message = _(
            "This offer has not been submitted yet: its PDF and the confirmation are made when it is submitted."
        )
    else:
        message = _("No PDF was stored for this offer when it was submitted.")
    return render(
        request, "applications/document_missing.html", {"application": application, "message": message}, status=404
    )


def _visible_application(request, pk, *related):
    application = get_object_or_404(Application.objects.select_related(*related), pk=pk)
    if not can_view_application(request.user, application):
        raise Http404
    return application


@require_GET
def application_document(request, pk, which):
    application = _visible_application(request, pk, "offer_document", "confirmation_document")
    return document_response(application, which) or _missing(request, application)


@require_GET
def application_version_document(request, pk, number, which):
    """A document of one submitted version, as frozen when that version was submitted."""
    application = _visible_application(request, pk)
    version = get_object_or_404(
        ApplicationVersion.objects.select_related("offer_document", "confirmation_document"),
        application=application,
        number=number,
    )
    return version_document_response(version, which)
