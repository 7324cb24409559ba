"""REST API for programmes, tasks and calls: reads for everyone, writes and transitions for officials."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ReadOrStaffWrite
from core.permissions import require

from . import services
from .models import AnnualProgramme, Call, PublicTask
from .rules import CALL_TRANSITION_CHECKS, visible_calls_q
from .serializers import CallSerializer, CancelSerializer, ProgrammeSerializer, ReasonSerializer, TaskSerializer


class ProgrammeViewSet(viewsets.ModelViewSet):
    serializer_class = ProgrammeSerializer
    queryset = AnnualProgramme.objects.all()
    filterset_fields = ["year"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [ReadOrStaffWrite]

    def perform_create(self, serializer):
        serializer.instance = services.programme_save(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.programme_save(
            actor=self.request.user, data=serializer.validated_data, programme=serializer.instance
        )


class TaskViewSet(viewsets.ModelViewSet):
    serializer_class = TaskSerializer
    filterset_fields = ["programme", "programme__year", "sphere", "form", "mode", "planned_quarter"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [ReadOrStaffWrite]

    def get_queryset(self):
        calls = Call.objects.filter(visible_calls_q(self.request.user)).only("pk", "status", "task_id")
        return (
            PublicTask.objects.select_related("sphere")
            .prefetch_related(Prefetch("calls", queryset=calls, to_attr="visible_calls"))
            .order_by("programme__year", "planned_quarter", "number", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.task_save(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.task_save(
            actor=self.request.user, data=serializer.validated_data, task=serializer.instance
        )


class CallViewSet(viewsets.ModelViewSet):
    serializer_class = CallSerializer
    filterset_fields = ["status", "task", "task__programme__year", "task__sphere"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [ReadOrStaffWrite]

    def get_queryset(self):
        return (
            Call.objects.filter(visible_calls_q(self.request.user))
            .select_related("task__sphere", "task__programme", "announcement")
            .prefetch_related("criteria")
            .order_by("offer_deadline", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.call_save(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.call_save(
            actor=self.request.user, data=serializer.validated_data, call=serializer.instance
        )

    def _respond(self, call):
        call = self.get_queryset().get(pk=call.pk)
        return Response(self.get_serializer(call).data)

    @extend_schema(request=None, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def announce(self, request, pk=None):
        return self._respond(services.call_announce(call=self.get_object(), actor=request.user))

    def _simple(self, request, name):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        call = services.call_transition(
            call=self.get_object(), name=name, actor=request.user, reason=body.validated_data.get("reason", "")
        )
        return self._respond(call)

    @extend_schema(request=ReasonSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._simple(request, "close")

    @extend_schema(request=ReasonSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def start_evaluation(self, request, pk=None):
        return self._simple(request, "start_evaluation")

    @extend_schema(request=ReasonSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._simple(request, "resolve")

    @extend_schema(request=ReasonSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._simple(request, "complete")

    @extend_schema(request=CancelSerializer, responses=CallSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        call = self.get_object()
        require(CALL_TRANSITION_CHECKS["cancel"](request.user, call))
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.call_cancel(call=call, actor=request.user, **body.validated_data))
