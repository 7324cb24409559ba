"""HTML pages (public, organisation area and officials' panel); ``panel_patterns`` go under /panel/."""

from django.urls import path  # noqa: F401

app_name = "reporting"

urlpatterns = []

panel_patterns = []
