"""The offer editor (mounted at /offers/<pk>/edit/)."""

from django.urls import path

from . import editor_views

urlpatterns = [
    path("", editor_views.summary, name="offer_editor_summary"),
    path("<slug:section>/", editor_views.section_edit, name="offer_editor_section"),
]
