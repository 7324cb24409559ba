"""The simplified offer as a PDF (Dz.U. 2018 poz. 2055), in Polish like every official document of the
procedure. :func:`store_offer_document` freezes it at submission; the public page serves the stored file."""

from django.conf import settings
from django.utils import timezone, translation

from core.models import StoredDocument
from core.pdf import render_pdf

from .content import offer_view

OFFER_KIND = "small_grant_offer"


def offer_context(small_grant):
    return {
        "small_grant": small_grant,
        "organisation": small_grant.organisation,
        "authority": settings.AUTHORITY_NAME,
        "office": settings.AUTHORITY_OFFICE,
        "submitted_at": timezone.localtime(small_grant.submitted_at) if small_grant.submitted_at else None,
        "offer": offer_view(small_grant),
    }


def offer_pdf(small_grant) -> bytes:
    with translation.override("pl"):
        return render_pdf("smallgrants/offer_pdf.html", offer_context(small_grant))


def store_offer_document(small_grant):
    """Render and store the offer PDF of a just-submitted small grant and link it (inside the
    submission's transaction). Effects: a StoredDocument row and file, the offer's document link."""
    document = StoredDocument.store(kind=OFFER_KIND, content=offer_pdf(small_grant))
    small_grant.offer_document = document
    small_grant.save(update_fields=["offer_document", "updated_at"])
    return document
