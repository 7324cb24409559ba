"""URLs of the annual programme report and the open data (``urlpatterns``: public, namespace "annual";
``panel_patterns``: mounted under /panel/ with the namespace "panel_annual")."""

from django.urls import path

from . import annual_views

app_name = "annual"

urlpatterns = [
    path("programme/<int:year>/report/", annual_views.report, name="report"),
    path("programme/<int:year>/report.pdf", annual_views.report_pdf, name="report_pdf"),
    path("programme/<int:year>/report.csv", annual_views.report_csv, name="report_csv"),
    path("open-data/", annual_views.open_data, name="open_data"),
    path("open-data/grants.csv", annual_views.grants_csv, name="grants_csv"),
    path("open-data/grants.json", annual_views.grants_json, name="grants_json"),
]

panel_patterns = [
    path("programme-report/", annual_views.panel_reports, name="programme_reports"),
    path("programme-report/<int:year>/", annual_views.panel_report, name="programme_report"),
    path("programme-report/<int:year>/publish/", annual_views.panel_publish, name="programme_report_publish"),
]
