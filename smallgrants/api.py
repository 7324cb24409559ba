"""REST API of small grants (art. 19a): the same visibility as the pages (published offers are public;
drafts and unpublished offers only for the organisation's members and the staff), drafts written by
members, the transitions, and the comments."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.permissions import require

from . import services
from .models import SmallGrant
from .rules import SMALL_GRANT_TRANSITION_CHECKS, visible_small_grants_q
from .selectors import comments_for
from .serializers import (
    CommentCreateSerializer,
    CommentSerializer,
    ModerateSerializer,
    SmallGrantCreateSerializer,
    SmallGrantOptionalReasonSerializer,
    SmallGrantReasonSerializer,
    SmallGrantSerializer,
    SmallGrantUpdateSerializer,
)


class SmallGrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SmallGrantSerializer
    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_fields = ["status", "organisation"]

    def get_queryset(self):
        return (
            SmallGrant.objects.filter(visible_small_grants_q(self.request.user))
            .distinct()
            .select_related("organisation", "programme", "sphere")
            .order_by("pk")
        )

    def _respond(self, small_grant, code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=small_grant.pk)).data, status=code)

    @extend_schema(request=SmallGrantCreateSerializer, responses={201: SmallGrantSerializer})
    def create(self, request):
        """Start a draft (members of a verified organisation); the programme is that of the start's year."""
        body = SmallGrantCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        small_grant = services.small_grant_create(actor=request.user, **body.validated_data)
        return self._respond(small_grant, status.HTTP_201_CREATED)

    @extend_schema(request=SmallGrantUpdateSerializer, responses=SmallGrantSerializer)
    def partial_update(self, request, pk=None):
        """Store the draft as typed (members, while it is a draft)."""
        small_grant = self.get_object()
        body = SmallGrantUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.small_grant_save(small_grant=small_grant, actor=request.user, **body.validated_data)
        )

    def _transition(self, name, service, body_class=None):
        small_grant = self.get_object()
        require(SMALL_GRANT_TRANSITION_CHECKS[name](self.request.user, small_grant))
        kwargs = {}
        if body_class is not None:
            body = body_class(data=self.request.data)
            body.is_valid(raise_exception=True)
            kwargs = body.validated_data
        return self._respond(service(small_grant=small_grant, actor=self.request.user, **kwargs))

    @extend_schema(request=None, responses=SmallGrantSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit; refused with ``offer_incomplete`` or ``caps_exceeded`` (the reasons in ``errors``)."""
        return self._transition("submit", services.small_grant_submit)

    @extend_schema(request=SmallGrantOptionalReasonSerializer, responses=SmallGrantSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._transition("withdraw", services.small_grant_withdraw, SmallGrantOptionalReasonSerializer)

    @extend_schema(request=None, responses=SmallGrantSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._transition("publish", services.small_grant_publish)

    @extend_schema(request=None, responses=SmallGrantSerializer)
    @action(detail=True, methods=["post"])
    def close_comments(self, request, pk=None):
        return self._transition("close_comments", services.small_grant_close_comments)

    @extend_schema(request=SmallGrantReasonSerializer, responses=SmallGrantSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._transition("reject", services.small_grant_reject, SmallGrantReasonSerializer)

    @extend_schema(methods=["GET"], request=None, responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentCreateSerializer, responses={201: CommentSerializer})
    @action(
        detail=True,
        methods=["get", "post"],
        permission_classes=[permissions.AllowAny],
        pagination_class=None,
        filter_backends=[],
    )
    def comments(self, request, pk=None):
        """Approved comments (all, with the moderation, for officials); anyone posts one while the offer is
        published for comments (it awaits moderation; rate-limited per address and e-mail)."""
        small_grant = self.get_object()
        context = self.get_serializer_context()
        if request.method == "GET":
            return Response(
                CommentSerializer(
                    comments_for(user=request.user, small_grant=small_grant), many=True, context=context
                ).data
            )
        body = CommentCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = services.comment_add(
            small_grant=small_grant,
            author_name=body.validated_data["author_name"],
            author_email=body.validated_data.get("author_email", ""),
            text=body.validated_data["text"],
            client=request.META.get("REMOTE_ADDR", ""),
        )
        return Response(CommentSerializer(comment, context=context).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ModerateSerializer, responses=CommentSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path=r"comments/(?P<comment_pk>[0-9]+)/moderate",
        url_name="moderate",
        filter_backends=[],
    )
    def moderate(self, request, pk=None, comment_pk=None):
        """Approve a comment or hide it with a note (officials and the approver)."""
        small_grant = self.get_object()
        comment = get_object_or_404(small_grant.comments.all(), pk=comment_pk)
        body = ModerateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        moderated = services.comment_moderate(
            comment=comment,
            actor=request.user,
            approve=body.validated_data["decision"] == "approve",
            note=body.validated_data.get("note", ""),
        )
        return Response(CommentSerializer(moderated, context=self.get_serializer_context()).data)


def register(router):
    """Add this app's viewsets to ``router`` (called from config/urls.py)."""
    router.register("small-grants", SmallGrantViewSet, basename="small-grant")
