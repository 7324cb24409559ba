from django.urls import path

from applications import formal_views

from . import panel_views, schedule_views, views
from .feeds import CallsFeed, deadlines_calendar

urlpatterns = [
    path("", views.home, name="home"),
    path("programme/<int:year>/", views.programme, name="programme"),
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/announcement.pdf", views.call_announcement, name="call_announcement"),
    path("feeds/calls.atom", CallsFeed(), name="calls_feed"),
    path("feeds/deadlines.ics", deadlines_calendar, name="deadlines_calendar"),
]

panel_patterns = (
    [
        path("", panel_views.dashboard, name="dashboard"),
        path("programmes/new/", panel_views.programme_edit, name="programme_new"),
        path("programmes/<int:pk>/", panel_views.programme_detail, name="programme"),
        path("programmes/<int:pk>/edit/", panel_views.programme_edit, name="programme_edit"),
        path("tasks/new/", panel_views.task_edit, name="task_new"),
        path("tasks/<int:pk>/edit/", panel_views.task_edit, name="task_edit"),
        path("calls/new/", panel_views.call_edit, name="call_new"),
        path("calls/<int:pk>/", panel_views.call_detail, name="call"),
        path("calls/<int:pk>/edit/", panel_views.call_edit, name="call_edit"),
        path("calls/<int:pk>/criteria/", panel_views.call_criteria, name="call_criteria"),
        path("calls/<int:pk>/announce/", panel_views.call_announce, name="call_announce"),
        path("calls/<int:pk>/cancel/", panel_views.call_cancel, name="call_cancel"),
        path("calls/<int:call_pk>/offers/", formal_views.call_offers, name="call_offers"),
        path("offers/<int:pk>/formal-check/", formal_views.formal_check, name="formal_check"),
        path("schedule/", schedule_views.schedule, name="schedule"),
        path("calls/<int:pk>/<str:name>/", panel_views.call_transition, name="call_transition"),
    ],
    "panel",
)
