"""REST API for offers: each person sees their organisations' offers, officials all of them."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings

from core.permissions import require

from . import services
from .document_views import document_response
from .models import Application
from .rules import APPLICATION_TRANSITION_CHECKS, visible_applications_q
from .serializers import (
    ApplicationSerializer,
    OptionalReasonSerializer,
    ReasonRequiredSerializer,
    ReturnForCorrectionSerializer,
)


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the body is a file response, errors JSON."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data, renderer_context=renderer_context)


PDF_RENDERERS = [*api_settings.DEFAULT_RENDERER_CLASSES, PDFRenderer]


class ApplicationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet
):
    serializer_class = ApplicationSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = ["call", "organisation", "status"]

    def get_queryset(self):
        return (
            Application.objects.filter(visible_applications_q(self.request.user))
            .distinct()
            .select_related("call", "organisation")
            .order_by("pk")
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.application_create(
            actor=self.request.user,
            organisation=data["organisation"],
            call=data["call"],
            title=data["title"],
            requested_amount=data.get("requested_amount", 0),
        )

    def _respond(self, application):
        return Response(self.get_serializer(self.get_queryset().get(pk=application.pk)).data)

    def _allowed(self, name):
        """The application ``name`` acts on, once the user may run it (refused before reading the body)."""
        application = self.get_object()
        require(APPLICATION_TRANSITION_CHECKS[name](self.request.user, application))
        return application

    def _document(self, which):
        """A stored document of an offer the user may see; 404 for a draft (nothing frozen yet)."""
        application = self.get_object()
        response = document_response(application, which)
        if response is None:
            raise NotFound(_("No PDF is stored for this offer: it is made when the offer is submitted."))
        return response

    @extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The offer PDF.")},
    )
    @action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)
    def offer_pdf(self, request, pk=None):
        """The offer in the statutory layout, as frozen at submission (header X-Content-SHA256)."""
        return self._document("offer")

    @extend_schema(
        request=None,
        responses={
            (200, "application/pdf"): OpenApiResponse(
                OpenApiTypes.BINARY, description="The confirmation of submission."
            )
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=PDF_RENDERERS)
    def confirmation_pdf(self, request, pk=None):
        """The confirmation of submission with the offer PDF's SHA-256 (header X-Content-SHA256)."""
        return self._document("confirmation")

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._respond(services.application_submit(application=self._allowed("submit"), actor=request.user))

    @extend_schema(request=OptionalReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        application = self._allowed("withdraw")
        body = OptionalReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.application_withdraw(application=application, actor=request.user, **body.validated_data)
        )

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def accept_formally(self, request, pk=None):
        application = self._allowed("accept_formally")
        return self._respond(services.application_accept_formally(application=application, actor=request.user))

    @extend_schema(request=ReturnForCorrectionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def return_for_correction(self, request, pk=None):
        application = self._allowed("return_for_correction")
        body = ReturnForCorrectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.application_return_for_correction(
                application=application, actor=request.user, **body.validated_data
            )
        )

    @extend_schema(request=ReasonRequiredSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject_formally(self, request, pk=None):
        application = self._allowed("reject_formally")
        body = ReasonRequiredSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.application_reject_formally(application=application, actor=request.user, **body.validated_data)
        )
