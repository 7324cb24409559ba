from django.urls import path

from . import member_views, panel_views, views

urlpatterns = [
    path("", views.organisation_list, name="organisation_list"),
    path("<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("mine/", member_views.my_organisations, name="my_organisations"),
    path("mine/new/", member_views.organisation_create, name="organisation_create"),
    path("mine/join/", member_views.organisation_join, name="organisation_join"),
    path("mine/<int:pk>/", member_views.my_organisation, name="my_organisation"),
    path(
        "mine/<int:pk>/members/<int:membership_pk>/<slug:action>/",
        member_views.membership_action,
        name="membership_action",
    ),
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
