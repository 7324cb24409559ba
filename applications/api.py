"""REST API for offers: each person sees their organisations' offers, officials all of them."""

from django.db.models import Count
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from core.permissions import require
from evaluation import decisions

from . import services
from .attachment_api import AnyAcceptNegotiation
from .completeness import SECTIONS
from .content_api import section_representation, section_write
from .document_views import document_response
from .models import Application
from .rules import APPLICATION_TRANSITION_CHECKS, visible_applications_q
from .serializers import (
    AcceptFormallySerializer,
    ApplicationSerializer,
    FormalCheckSerializer,
    OptionalReasonSerializer,
    ReasonRequiredSerializer,
    RejectFormallySerializer,
    ReturnForCorrectionSerializer,
    SectionContentSerializer,
)

SECTION = OpenApiParameter(
    "section", str, OpenApiParameter.PATH, enum=list(SECTIONS), description="The section of the offer template."
)


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
            .select_related("call__task", "organisation")
            .annotate(versions_count=Count("versions", distinct=True))
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

    def _transition(self, name, service, body_class=None):
        """Run ``service`` for the transition ``name``: permission first (before reading the body),
        then the body through ``body_class``, then the service; answer with the offer."""
        application = self._allowed(name)
        kwargs = {}
        if body_class is not None:
            body = body_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            kwargs = body.validated_data
        return self._respond(service(application=application, actor=self.request.user, **kwargs))

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
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
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
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
    def confirmation_pdf(self, request, pk=None):
        """The confirmation of submission with the offer PDF's SHA-256 (header X-Content-SHA256)."""
        return self._document("confirmation")

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition("submit", services.application_submit)

    @extend_schema(request=OptionalReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition("withdraw", services.application_withdraw, OptionalReasonSerializer)

    @extend_schema(request=AcceptFormallySerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def accept_formally(self, request, pk=None):
        """Accept the offer formally: ``checklist`` answers each of the call's ``formal_requirements``
        (all met); refused with the unmet requirements otherwise."""
        return self._transition("accept_formally", services.application_accept_formally, AcceptFormallySerializer)

    @extend_schema(request=ReturnForCorrectionSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def return_for_correction(self, request, pk=None):
        return self._transition(
            "return_for_correction", services.application_return_for_correction, ReturnForCorrectionSerializer
        )

    @extend_schema(request=RejectFormallySerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def reject_formally(self, request, pk=None):
        return self._transition("reject_formally", services.application_reject_formally, RejectFormallySerializer)

    @extend_schema(request=None, responses=FormalCheckSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def formal_checks(self, request, pk=None):
        """The records of the offer's formal checks, oldest first: outcome, the answers to the call's
        checklist, defects and deadline, reason, who decided when."""
        checks = self.get_object().formal_checks.select_related("version", "checked_by").order_by("checked_at", "pk")
        return Response(FormalCheckSerializer(checks, many=True, context=self.get_serializer_context()).data)

    @extend_schema(
        methods=["GET"],
        parameters=[SECTION],
        request=None,
        responses=SectionContentSerializer,
    )
    @extend_schema(
        methods=["PUT"],
        parameters=[SECTION],
        request={"application/json": OpenApiTypes.OBJECT},
        responses={
            200: SectionContentSerializer,
            400: OpenApiResponse(
                description="Malformed values (code ``content_invalid``: the section was stored as typed, "
                "``errors`` by JSON path) or a body of the wrong shape (code ``invalid``: nothing stored)."
            ),
        },
    )
    @action(
        detail=True,
        methods=["get", "put"],
        url_path=r"content/(?P<section>[^/.]+)",
        url_name="content",
        parser_classes=[JSONParser],
        filter_backends=[],
    )
    def content(self, request, pk=None, section=None):
        """One section of the offer (II–VII), the fields as the offer editor has them.

        ``PUT`` stores the section exactly as the editor does (see :mod:`applications.content_api`):
        members of the offering organisation, while the offer can be changed.
        """
        application = self.get_object()
        if section not in SECTIONS:
            raise NotFound(_("There is no such section of the offer."))
        if request.method == "GET":
            return Response(SectionContentSerializer(section_representation(application, section)).data)
        saved, errors = section_write(application=application, actor=request.user, section=section, body=request.data)
        body = SectionContentSerializer(section_representation(saved, section)).data
        if errors:
            message = _("The section has been saved as typed, but some values are not valid: correct them.")
            return Response({"code": "content_invalid", "message": message, "errors": errors, **body}, status=400)
        return Response(body)

    # After a partial award (the evaluation app's services): the organisation updates its offer to the
    # amount awarded or declines; an official confirms the update or returns it.

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def submit_update(self, request, pk=None):
        return self._transition("submit_update", decisions.update_submit)

    @extend_schema(request=OptionalReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._transition("decline", decisions.update_decline, OptionalReasonSerializer)

    @extend_schema(request=OptionalReasonSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def confirm_update(self, request, pk=None):
        return self._transition("confirm_update", decisions.update_confirm, OptionalReasonSerializer)

    @extend_schema(request=ReasonRequiredSerializer, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def return_update(self, request, pk=None):
        return self._transition("return_update", decisions.update_return, ReasonRequiredSerializer)
