from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

import agreements.api
import reporting.annual_api
import reporting.api
import smallgrants.api
from agreements.urls import panel_patterns as agreements_panel
from applications.api import ApplicationViewSet
from applications.attachment_api import ApplicationAttachmentViewSet
from applications.version_api import ApplicationVersionViewSet
from calls.api import CallViewSet, ProgrammeViewSet, TaskViewSet
from calls.urls import panel_patterns
from core.views import set_language
from evaluation.api import (
    CommitteeMemberViewSet,
    CommitteeOfferViewSet,
    DecisionViewSet,
    EvaluationViewSet,
    ExclusionViewSet,
    ReasonRequestViewSet,
    ResultViewSet,
)
from evaluation.result_urls import panel_patterns as result_panel_patterns
from evaluation.urls import panel_patterns as committee_panel_patterns
from notifications.urls import panel_patterns as notice_panel_patterns
from organisations.api import OrganisationViewSet
from organisations.urls import panel_patterns as organisation_panel_patterns
from reporting.annual_urls import panel_patterns as annual_panel
from reporting.urls import panel_patterns as reporting_panel
from smallgrants.urls import panel_patterns as smallgrants_panel

router = DefaultRouter()
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("tasks", TaskViewSet, basename="task")
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
router.register(
    r"applications/(?P<application_pk>\d+)/attachments", ApplicationAttachmentViewSet, basename="application-attachment"
)
router.register(
    r"applications/(?P<application_pk>\d+)/versions", ApplicationVersionViewSet, basename="application-version"
)
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register(r"evaluations/(?P<evaluation_pk>\d+)/members", CommitteeMemberViewSet, basename="evaluation-member")
router.register(r"evaluations/(?P<evaluation_pk>\d+)/exclusions", ExclusionViewSet, basename="evaluation-exclusion")
router.register(r"evaluations/(?P<evaluation_pk>\d+)/offers", CommitteeOfferViewSet, basename="evaluation-offer")
router.register(r"evaluations/(?P<evaluation_pk>\d+)/decisions", DecisionViewSet, basename="evaluation-decision")
router.register("results", ResultViewSet, basename="result")
router.register("reason-requests", ReasonRequestViewSet, basename="reason-request")
agreements.api.register(router)
reporting.api.register(router)
reporting.annual_api.register(router)
smallgrants.api.register(router)

urlpatterns = [
    path("", include("calls.urls")),
    path("", include("evaluation.result_urls")),
    path("", include("subscriptions.urls")),
    path("panel/", include(result_panel_patterns)),  # also before the calls' panel (see evaluation.result_urls)
    # before the calls' panel: its generic /panel/calls/<pk>/<transition>/ would take .../committee/
    path("panel/", include(committee_panel_patterns)),
    path("panel/", include(panel_patterns)),
    path("panel/", include(notice_panel_patterns)),
    path("panel/", include((agreements_panel, "panel_agreements"))),
    path("panel/", include((reporting_panel, "panel_reporting"))),
    path("panel/", include((smallgrants_panel, "panel_smallgrants"))),
    path("panel/", include((annual_panel, "panel_annual"))),
    path("", include("agreements.urls")),
    path("", include("reporting.urls")),
    path("", include("smallgrants.urls")),
    path("", include("reporting.annual_urls")),
    path("", include("notifications.urls")),
    path("organisations/", include("organisations.urls")),
    path("offers/", include("applications.attachment_urls")),
    path("offers/", include("applications.detail_urls")),
    path("offers/documents/", include("applications.document_urls")),
    path("offers/<int:pk>/edit/", include("applications.editor_urls")),
    path("panel/organisations/", include(organisation_panel_patterns)),
    path("evaluation/", include("evaluation.urls")),
    path("accounts/", include("accounts.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

admin.site.has_permission = lambda request: request.user.is_active and request.user.is_superuser

handler404 = "core.views.error_404"
handler500 = "core.views.error_500"
