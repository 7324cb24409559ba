"""REST API for an offer's attachments, nested under the offer: ``/api/v1/applications/<id>/attachments/``.

The same rules as the HTML pages: an offer the person may not see answers 404 (anonymous too); uploads
go through :func:`applications.attachments.attachment_add`, whose refusals the exception handler
turns into ``{"code", "message", "errors"}``.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotAcceptable
from rest_framework.generics import get_object_or_404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from core.api import LocalDateTimeField

from .attachment_views import attachment_response
from .attachments import attachment_add, attachment_delete
from .enums import AttachmentKind
from .models import Application, Attachment
from .rules import visible_applications_q


class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_at = LocalDateTimeField(read_only=True)
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "application",
            "kind",
            "requirement",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, attachment) -> str:
        return reverse(
            "application-attachment-detail",
            kwargs={"application_pk": attachment.application_id, "pk": attachment.pk},
            request=self.context.get("request"),
        )


class AttachmentUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AttachmentKind.choices)
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    requirement = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Which of the call's required_attachment_list this file is (empty: none).",
    )


class AnyAcceptNegotiation(DefaultContentNegotiation):
    """A download answers whatever the client accepts (``Accept: application/pdf``, ``image/*``);
    an error body is then JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        try:
            return super().select_renderer(request, renderers, format_suffix)
        except NotAcceptable:
            return renderers[0], renderers[0].media_type


class NestedInOfferMixin:
    """For views under ``applications/<application_pk>/``: the offer, if the user may see it, else 404."""

    def get_application(self):
        if not hasattr(self, "_application"):
            visible = Application.objects.filter(visible_applications_q(self.request.user)).distinct()
            self._application = get_object_or_404(visible, pk=self.kwargs["application_pk"])
        return self._application


APPLICATION_PK = OpenApiParameter("application_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="The offer.")


@extend_schema(parameters=[APPLICATION_PK])
@extend_schema_view(
    create=extend_schema(request=AttachmentUploadSerializer, responses={201: AttachmentSerializer}),
    retrieve=extend_schema(
        responses={(200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="The file.")}
    ),
)
class ApplicationAttachmentViewSet(
    NestedInOfferMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List and upload (multipart: ``kind``, ``file``) an offer's attachments; download one (the file,
    with ``X-Content-SHA256``); remove one while the offer is edited."""

    serializer_class = AttachmentSerializer
    # The offer's visibility decides (404 for others, anonymous too); the services decide the writes.
    permission_classes = [permissions.AllowAny]
    parser_classes = [MultiPartParser, FormParser]
    content_negotiation_class = AnyAcceptNegotiation
    pagination_class = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return Attachment.objects.filter(application=self.get_application()).select_related("application")

    def retrieve(self, request, *args, **kwargs):
        return attachment_response(self.get_object())

    def create(self, request, *args, **kwargs):
        application = self.get_application()
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = attachment_add(
            application=application,
            actor=request.user,
            kind=body.validated_data["kind"],
            upload=body.validated_data["file"],
            requirement=body.validated_data.get("requirement", ""),
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        attachment_delete(attachment=instance, actor=self.request.user)
