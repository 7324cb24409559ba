"""REST API for the submitted versions of an offer: ``/api/v1/applications/<id>/versions/``.

Each submission froze a version (:class:`applications.models.ApplicationVersion`): what was
submitted, when and by whom, and its two PDFs, streamed unchanged with their SHA-256 in
``X-Content-SHA256``. Seen by whoever sees the offer (:func:`applications.rules.visible_applications_q`);
anyone else gets 404, anonymous visitors too.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action

from .attachment_api import AnyAcceptNegotiation, NestedInOfferMixin
from .document_views import version_document_response
from .models import ApplicationVersion
from .serializers import ApplicationVersionDetailSerializer, ApplicationVersionSerializer

APPLICATION_PK = OpenApiParameter("application_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The offer.")
NUMBER = OpenApiParameter("number", OpenApiTypes.INT, OpenApiParameter.PATH, description="The version: 1, 2…")


def _pdf(description):
    return extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description=description)},
    )


@extend_schema(parameters=[APPLICATION_PK])
@extend_schema_view(
    retrieve=extend_schema(parameters=[NUMBER]),
    offer_pdf=extend_schema(parameters=[NUMBER]),
    confirmation_pdf=extend_schema(parameters=[NUMBER]),
)
class ApplicationVersionViewSet(NestedInOfferMixin, viewsets.ReadOnlyModelViewSet):
    """The submitted versions of an offer, oldest first; one version with its frozen content."""

    # The offer's visibility decides (404 for others, anonymous too).
    permission_classes = [permissions.AllowAny]
    # A PDF answers ``Accept: application/pdf``; an error is then JSON, labelled as JSON.
    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None
    filter_backends = []
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"

    def get_serializer_class(self):
        return ApplicationVersionDetailSerializer if self.action == "retrieve" else ApplicationVersionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ApplicationVersion.objects.none()
        return (
            ApplicationVersion.objects.filter(application=self.get_application())
            .select_related("submitted_by", "offer_document", "confirmation_document")
            .order_by("number")
        )

    @_pdf("The offer PDF of this version, as frozen at its submission.")
    @action(detail=True, methods=["get"])
    def offer_pdf(self, request, application_pk=None, number=None):
        """The offer PDF of this version (header X-Content-SHA256)."""
        return version_document_response(self.get_object(), "offer")

    @_pdf("The confirmation of submission of this version.")
    @action(detail=True, methods=["get"])
    def confirmation_pdf(self, request, application_pk=None, number=None):
        """The confirmation of submission of this version, quoting its offer PDF's SHA-256
        (header X-Content-SHA256)."""
        return version_document_response(self.get_object(), "confirmation")
