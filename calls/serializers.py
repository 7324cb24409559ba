from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ModelSerializer
from core.transitions import available_transitions

from .enums import CallStatus, CancellationGround
from .models import AnnualProgramme, Call, Criterion, PublicTask
from .rules import CALL_TRANSITION_CHECKS


class ProgrammeSerializer(ModelSerializer):
    class Meta:
        model = AnnualProgramme
        fields = ["id", "year", "title", "resolution", "adopted_on", "objectives"]


class TaskSerializer(ModelSerializer):
    status = serializers.SerializerMethodField()
    sphere_code = serializers.CharField(source="sphere.code", read_only=True)
    calls = serializers.SerializerMethodField()

    class Meta:
        model = PublicTask
        fields = [
            "id",
            "programme",
            "number",
            "title",
            "description",
            "sphere",
            "sphere_code",
            "form",
            "mode",
            "planned_funds",
            "planned_quarter",
            "status",
            "calls",
        ]

    @extend_schema_field(serializers.CharField())
    def get_status(self, task):
        return task.progress(getattr(task, "visible_calls", None))

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_calls(self, task):
        return [c.pk for c in getattr(task, "visible_calls", [])]


class CriterionSerializer(ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "statutory", "name", "description", "max_points", "position"]
        read_only_fields = ["statutory"]


class CallSerializer(ModelSerializer):
    available_transitions = serializers.SerializerMethodField()
    announcement_url = serializers.SerializerMethodField()
    announcement_sha256 = serializers.CharField(source="announcement.sha256", read_only=True, default=None)
    criteria = CriterionSerializer(many=True, read_only=True)
    form = serializers.CharField(source="task.form", read_only=True)
    sphere_code = serializers.CharField(source="task.sphere.code", read_only=True)
    formal_requirements = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The formal checklist as a list: the order in which a formal check answers it.",
    )
    required_attachment_list = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The attachments every offer must carry, as a list (an upload names one as its requirement).",
    )

    class Meta:
        model = Call
        fields = [
            "id",
            "task",
            "reference",
            "title",
            "status",
            "available_transitions",
            "form",
            "sphere_code",
            "task_type",
            "funds",
            "award_rules",
            "realisation_start",
            "realisation_end",
            "realisation_conditions",
            "offer_deadline",
            "procedure",
            "decision_by",
            "max_grant_share_percent",
            "max_admin_cost_percent",
            "allowed_cost_shift_percent",
            "min_score",
            "max_grant_per_offer",
            "requires_results_table",
            "required_attachments",
            "required_attachment_list",
            "formal_checklist",
            "formal_requirements",
            "published_bip_at",
            "published_board_at",
            "published_website_at",
            "announced_at",
            "cancellation_ground",
            "announcement_url",
            "announcement_sha256",
            "criteria",
        ]
        read_only_fields = ["status", "announced_at", "cancellation_ground"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, call):
        request = self.context.get("request")
        return available_transitions(call, getattr(request, "user", None), CALL_TRANSITION_CHECKS)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_announcement_url(self, call):
        if call.status == CallStatus.DRAFT:
            return None
        request = self.context.get("request")
        url = reverse("call_announcement", args=[call.pk])
        return request.build_absolute_uri(url) if request else url


class CancelSerializer(serializers.Serializer):
    ground = serializers.ChoiceField(choices=CancellationGround.choices)
    reason = serializers.CharField(max_length=4000)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
