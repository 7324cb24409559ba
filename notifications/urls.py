from django.urls import path

from . import views

urlpatterns = [
    path("media/unsubscribe/<str:token>/", views.media_unsubscribe, name="media_unsubscribe"),
    path("accounts/preferences/", views.preferences, name="notice_preferences"),
]

panel_patterns = (
    [
        path("media/", views.media_list, name="media_list"),
        path("media/new/", views.media_edit, name="media_new"),
        path("media/<int:pk>/", views.media_edit, name="media_edit"),
        path("media/<int:pk>/active/", views.media_deactivate, name="media_deactivate"),
        path("press-notes/", views.press_list, name="press_list"),
        path("press-notes/<int:pk>/", views.press_detail, name="press_detail"),
        path("notices/", views.notice_list, name="notice_list"),
        path("notices/<int:pk>/", views.notice_detail, name="notice_detail"),
        path("notices/<int:pk>/retry/", views.notice_retry, name="notice_retry"),
    ],
    "panel_notices",
)
