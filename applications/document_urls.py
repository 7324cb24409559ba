from django.urls import path

from . import document_views

urlpatterns = [
    path("<int:pk>/offer.pdf", document_views.application_document, {"which": "offer"}, name="application_offer_pdf"),
    path(
        "<int:pk>/confirmation.pdf",
        document_views.application_document,
        {"which": "confirmation"},
        name="application_confirmation_pdf",
    ),
    path(
        "<int:pk>/versions/<int:number>/offer.pdf",
        document_views.application_version_document,
        {"which": "offer"},
        name="application_version_offer_pdf",
    ),
    path(
        "<int:pk>/versions/<int:number>/confirmation.pdf",
        document_views.application_version_document,
        {"which": "confirmation"},
        name="application_version_confirmation_pdf",
    ),
]
