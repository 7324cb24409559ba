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
]
