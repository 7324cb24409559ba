"""REST API of reports and returns of funds.

- ``GET /api/v1/reports/``, ``GET /api/v1/reports/<id>/``: the reports the user may see (members of
  the organisation, officials, the approver); others get 404. Each carries ``status``,
  ``available_transitions``, ``content``, ``blockers`` (what still blocks submission) and
  ``settlement`` (line by line, with the lines above the allowed increase flagged).
- ``POST /api/v1/reports/`` (officials): request a partial report —
  ``{"agreement", "period_start", "period_end", "due_on", "note"}``; ``due_on`` no earlier than the
  legal minimum after today (400, code ``partial_report_invalid``).
- ``POST /api/v1/reports/final/`` (members): open the final report of a signed agreement
  ``{"agreement"}`` (created on the first call, prefilled from the agreement's budget).
- ``GET``/``PUT /api/v1/reports/<id>/content/``: the content (shape of ``Report.content``); ``PUT``
  (members, draft or returned) stores it as typed; malformed amounts answer 400 ``content_invalid``
  with the content stored anyway.
- ``POST /api/v1/reports/<id>/submit/`` (members), ``return_for_correction/`` (officials;
  ``{"comments", "correction_due"}``), ``accept/`` (officials; ``{"settle_excess", "comments"}``).
- ``GET /api/v1/returns/`` and ``/<id>/``; ``POST /api/v1/returns/<id>/record/`` (officials;
  ``{"returned_on", "amount"}``).
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from agreements.models import Agreement
from core.permissions import require

from . import services
from .content import clean_api, field_errors
from .models import FundsReturn, Report
from .rules import REPORT_TRANSITION_CHECKS, can_view_agreement_reports, visible_reports_q
from .serializers import (
    FinalOpenSerializer,
    FundsReturnSerializer,
    PartialRequestSerializer,
    RecordReturnSerializer,
    ReportAcceptSerializer,
    ReportReturnSerializer,
    ReportSerializer,
)


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReportSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["agreement", "kind", "status"]

    def get_queryset(self):
        return (
            Report.objects.filter(visible_reports_q(self.request.user))
            .distinct()
            .select_related("agreement__organisation", "agreement__application")
            .prefetch_related("submissions", "reviews", "agreement__tranches")
            .order_by("pk")
        )

    def _respond(self, report, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=report.pk)).data, status=status)

    def _agreement(self, pk):
        agreement = Agreement.objects.filter(pk=pk).select_related("organisation").first()
        if agreement is None or not can_view_agreement_reports(self.request.user, agreement):
            raise NotFound(_("Not found."))
        return agreement

    @extend_schema(request=PartialRequestSerializer, responses={201: ReportSerializer})
    def create(self, request):
        """Request a partial report (officials)."""
        body = PartialRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        agreement = self._agreement(data.pop("agreement"))
        report = services.partial_report_request(agreement=agreement, actor=request.user, **data)
        return self._respond(report, status=201)

    @extend_schema(request=FinalOpenSerializer, responses=ReportSerializer)
    @action(detail=False, methods=["post"])
    def final(self, request):
        """Open the final report of a signed agreement (members); created the first time."""
        body = FinalOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        agreement = self._agreement(body.validated_data["agreement"])
        return self._respond(services.final_report_open(agreement=agreement, actor=request.user))

    def _allowed(self, name):
        report = self.get_object()
        require(REPORT_TRANSITION_CHECKS[name](self.request.user, report))
        return report

    @extend_schema(methods=["GET"], request=None, responses=OpenApiTypes.OBJECT)
    @extend_schema(methods=["PUT"], request={"application/json": OpenApiTypes.OBJECT}, responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get", "put"], parser_classes=[JSONParser], filter_backends=[])
    def content(self, request, pk=None):
        """The report's content; ``PUT`` stores it as typed (members, while it can be changed)."""
        report = self.get_object()
        if request.method == "GET":
            return Response({"content": report.content})
        if not isinstance(request.data, dict):
            raise ValidationError(_("Send the report's content as a JSON object."))
        flat = clean_api(report.agreement, request.data)
        saved = services.report_content_save(report=report, actor=request.user, data=_flatten(flat))
        errors = field_errors(saved.content)
        if errors:
            message = _("The report has been saved as typed, but some amounts are not valid: correct them.")
            return Response(
                {"code": "content_invalid", "message": message, "errors": errors, "content": saved.content}, status=400
            )
        return Response({"content": saved.content})

    @extend_schema(request=None, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self._allowed("submit")
        return self._respond(services.report_submit(report=report, actor=request.user))

    @extend_schema(request=ReportReturnSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def return_for_correction(self, request, pk=None):
        report = self._allowed("return_for_correction")
        body = ReportReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.report_return_for_correction(report=report, actor=request.user, **body.validated_data)
        )

    @extend_schema(request=ReportAcceptSerializer, responses=ReportSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        report = self._allowed("accept")
        body = ReportAcceptSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(services.report_accept(report=report, actor=request.user, **body.validated_data))


def _flatten(content):
    """Content (the shape of ``Report.content``) as the editor's form fields."""
    flat = {}
    for i, row in enumerate(content.get("results", [])):
        flat[f"result-{i}-achieved"], flat[f"result-{i}-source"] = row.get("achieved", ""), row.get("source", "")
    for i, row in enumerate(content.get("activities", [])):
        flat[f"activity-{i}-done"] = row.get("done", "")
    for i, row in enumerate(content.get("lines", [])):
        for name, value in row.items():
            flat[f"line-{i}-{name}"] = value
    for name in ("results_text", "contribution", "interest", "other_income", "information"):
        flat[name] = content.get(name, "")
    return flat


class FundsReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FundsReturnSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["agreement", "report"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return FundsReturn.objects.none()
        # A return is seen by whoever sees its agreement's reports (the same rule, on the same path).
        visible = FundsReturn.objects.filter(visible_reports_q(self.request.user)).values("pk")
        return FundsReturn.objects.filter(pk__in=visible).select_related("agreement").order_by("pk")

    @extend_schema(request=RecordReturnSerializer, responses=FundsReturnSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record a payment back (officials); a partial payment keeps the return open."""
        funds_return = self.get_object()
        body = RecordReturnSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        saved = services.funds_return_record(funds_return=funds_return, actor=request.user, **body.validated_data)
        return Response(self.get_serializer(saved).data)


def register(router):
    """Add this app's viewsets to ``router`` (called from config/urls.py)."""
    router.register("reports", ReportViewSet, basename="report")
    router.register("returns", FundsReturnViewSet, basename="funds-return")
