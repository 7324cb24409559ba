"""URLs of the ranking, decisions, results, updates and requests for reasons.

``urlpatterns`` are mounted at the site's root (public pages and the organisation's update page);
``panel_patterns`` under ``/panel/`` in the ``results`` namespace, before the calls panel (whose
``calls/<pk>/<transition>/`` would otherwise take ``calls/<pk>/ranking/``).
"""

from django.urls import path

from . import result_views
from .feeds import ResultsFeed

urlpatterns = [
    path("calls/<int:pk>/results/", result_views.call_results, name="call_results"),
    path("calls/<int:pk>/results.pdf", result_views.call_results_pdf, name="call_results_pdf"),
    path("calls/<int:pk>/results/reasons/", result_views.call_reason_request, name="call_reason_request"),
    path("feeds/results.atom", ResultsFeed(), name="results_feed"),
    path("offers/<int:pk>/update/", result_views.offer_update, name="offer_update"),
]

panel_patterns = (
    [
        path("calls/<int:pk>/ranking/", result_views.ranking_page, name="ranking"),
        path("calls/<int:pk>/ranking/protocol.pdf", result_views.protocol_pdf, name="protocol"),
        path("calls/<int:pk>/decisions/", result_views.decisions_page, name="decisions"),
        path("calls/<int:pk>/decisions/publish/", result_views.publish_page, name="publish"),
        path("reason-requests/", result_views.reason_requests_page, name="reason_requests"),
        path("reason-requests/<int:pk>/", result_views.reason_request_page, name="reason_request"),
        path("offers/<int:pk>/update/", result_views.update_review, name="update_review"),
    ],
    "results",
)
