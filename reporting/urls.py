"""HTML pages (public, organisation area and officials' panel); ``panel_patterns`` go under /panel/."""

from django.urls import path

from . import panel_views, views

app_name = "reporting"

urlpatterns = [
    path("reports/", views.organisation_reports, name="organisation_reports"),
    path("reports/agreement/<int:agreement_pk>/final/", views.final_report, name="final_report"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/submit/", views.report_submit_view, name="report_submit"),
    path("reports/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("reports/<int:pk>/versions/<int:number>.pdf", views.submission_pdf, name="submission_pdf"),
    path("reports/<int:pk>/attachments/", views.report_attachments, name="report_attachments"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/remove/", views.attachment_remove, name="attachment_remove"),
]

panel_patterns = [
    path("reports/", panel_views.panel_reports, name="reports"),
    path("reports/<int:pk>/", panel_views.panel_report, name="report"),
    path("reports/<int:pk>/return/", panel_views.panel_return, name="return"),
    path("reports/<int:pk>/accept/", panel_views.panel_accept, name="accept"),
    path("reports/agreements/<int:agreement_pk>/partial/", panel_views.panel_request_partial, name="request_partial"),
    path("reports/returns/<int:pk>/", panel_views.panel_record_return, name="record_return"),
]
