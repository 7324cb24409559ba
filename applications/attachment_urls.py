"""Offer pages for organisations (mounted at /offers/)."""

from django.urls import path

from . import attachment_views, offer_views

urlpatterns = [
    path("organisation/<int:organisation_pk>/", offer_views.organisation_offers, name="organisation_offers"),
    path("<int:application_pk>/attachments/", attachment_views.attachment_list, name="offer_attachments"),
    path(
        "<int:application_pk>/attachments/<int:pk>/",
        attachment_views.attachment_download,
        name="offer_attachment_download",
    ),
    path(
        "<int:application_pk>/attachments/<int:pk>/remove/",
        attachment_views.attachment_remove,
        name="offer_attachment_remove",
    ),
]
