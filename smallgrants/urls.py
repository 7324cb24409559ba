"""HTML pages (public, organisation area and officials' panel); ``panel_patterns`` go under /panel/."""

from django.urls import path

from . import panel_views, views

app_name = "smallgrants"

urlpatterns = [
    path("small-grants/", views.small_grant_list, name="list"),
    path("small-grants/mine/", views.my_small_grants, name="mine"),
    path("small-grants/new/", views.small_grant_new, name="new"),
    path("small-grants/<int:pk>/", views.small_grant_detail, name="detail"),
    path("small-grants/<int:pk>/offer.pdf", views.small_grant_pdf, name="pdf"),
    path("small-grants/<int:pk>/comment/", views.small_grant_comment, name="comment"),
    path("small-grants/<int:pk>/edit/", views.small_grant_edit, name="edit"),
    path("small-grants/<int:pk>/summary/", views.small_grant_summary, name="summary"),
    path("small-grants/<int:pk>/submit/", views.small_grant_submit, name="submit"),
    path("small-grants/<int:pk>/withdraw/", views.small_grant_withdraw, name="withdraw"),
]

panel_patterns = [
    path("small-grants/", panel_views.panel_list, name="list"),
    path("small-grants/<int:pk>/", panel_views.panel_detail, name="detail"),
    path("small-grants/<int:pk>/publish/", panel_views.panel_publish, name="publish"),
    path("small-grants/<int:pk>/close-comments/", panel_views.panel_close_comments, name="close_comments"),
    path("small-grants/<int:pk>/reject/", panel_views.panel_reject, name="reject"),
    path("small-grants/<int:pk>/agreement/", panel_views.panel_prepare_agreement, name="prepare_agreement"),
    path("small-grants/comments/<int:pk>/moderate/", panel_views.panel_moderate, name="moderate"),
]
