from django.urls import path

from . import panel_views, views

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
]

panel_patterns = (
    [
        path("", panel_views.organisation_list, name="list"),
        path("new/", panel_views.organisation_edit, name="new"),
        path("<int:pk>/", panel_views.organisation_edit, name="edit"),
        path("<int:pk>/verify/", panel_views.organisation_verify, name="verify"),
        path("<int:pk>/unverify/", panel_views.organisation_unverify, name="unverify"),
    ],
    "panel_organisations",
)
