"""config.urls plus the annual report's URLs and API, mounted as config/urls.py will mount them."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as base_patterns
from reporting import annual_api
from reporting.annual_urls import panel_patterns as annual_panel_patterns

router = SimpleRouter()
annual_api.register(router)

urlpatterns = [
    path("api/v1/", include(router.urls)),
    path("panel/", include((annual_panel_patterns, "panel_annual"))),
    path("", include("reporting.annual_urls")),
    *base_patterns,
]
