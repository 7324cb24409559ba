"""The committee's pages: the member area (mounted at /evaluation/) and the officials' panel routes
(``panel_patterns``, mounted under /panel/ with the namespace ``committee_panel``)."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.my_committees, name="my_committees"),
    path("calls/<int:call_pk>/", views.committee, name="committee"),
    path("calls/<int:call_pk>/declaration/", views.declaration, name="declaration"),
    path("calls/<int:call_pk>/exclusions/new/", views.exclusion_new, name="exclusion_new"),
    path("calls/<int:call_pk>/progress/", views.progress, name="progress"),
    path("calls/<int:call_pk>/close-scoring/", views.chair_scoring_close, name="close_scoring"),
    path("offers/<int:pk>/", views.offer, name="offer"),
    path("offers/<int:pk>/card/", views.card, name="card"),
]

panel_patterns = (
    [
        path("calls/<int:pk>/committee/", views.committee_panel, name="committee"),
        path("calls/<int:pk>/committee/appoint/", views.committee_appoint, name="appoint"),
        path("calls/<int:pk>/committee/open-scoring/", views.scoring_open, name="open_scoring"),
        path("calls/<int:pk>/committee/close-scoring/", views.scoring_close, name="close_scoring"),
        path("committee-members/<int:pk>/remove/", views.committee_member_remove, name="member_remove"),
        path("committee-members/<int:pk>/chair/", views.committee_member_chair, name="member_chair"),
    ],
    "committee_panel",
)
