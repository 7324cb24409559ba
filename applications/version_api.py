"""REST API for the submitted versions of an offer: ``/api/v1/applications/<id>/versions/``.

Each submission froze a version (:class:`applications.models.ApplicationVersion`): what was
submitted, when and by whom, and its two PDFs, streamed unchanged with their SHA-256 in
``X-Content-SHA256``. Seen by whoever sees the offer (:func:`applications.rules.visible_applications_q`);
anyone else gets 404, anonymous visitors too.
"""

from django.http import FileResponse
from django.utils.cache import patch_cache_control
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404

from .attachment_api import AnyAcceptNegotiation
from .models import Application, ApplicationVersion
from .rules import visible_applications_q
from .serializers import ApplicationVersionDetailSerializer, ApplicationVersionSerializer

# which -> (the version's document field, the downloaded file's name prefix), as the offer's own PDFs
DOCUMENTS = {
    "offer": ("offer_document", "oferta"),
    "confirmation": ("confirmation_document", "potwierdzenie-zlozenia-oferty"),
}


def version_document_response(version, which):
    """The stored PDF ``which`` ("offer", "confirmation") of ``version``, inline, private, never cached."""
    field, prefix = DOCUMENTS[which]
    document = getattr(version, field)
    response = FileResponse(document.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{prefix}-{version.application_id}-v{version.number}.pdf"'
    response["Content-Length"] = str(document.size)
    response["X-Content-SHA256"] = document.sha256
    patch_cache_control(response, private=True, no_store=True)
    return response


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
class ApplicationVersionViewSet(viewsets.ReadOnlyModelViewSet):
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

    def get_application(self):
        if not hasattr(self, "_application"):
            visible = Application.objects.filter(visible_applications_q(self.request.user)).distinct()
            self._application = get_object_or_404(visible, pk=self.kwargs["application_pk"])
        return self._application

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
