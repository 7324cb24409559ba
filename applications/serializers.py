from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import LocalDateTimeField, ModelSerializer
from core.transitions import available_transitions

from .models import Application
from .rules import APPLICATION_TRANSITION_CHECKS


class ApplicationSerializer(ModelSerializer):
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "call",
            "organisation",
            "title",
            "status",
            "available_transitions",
            "requested_amount",
            "awarded_amount",
            "submitted_at",
            "confirmation_number",
            "correction_due",
        ]
        read_only_fields = ["status", "awarded_amount", "submitted_at", "confirmation_number", "correction_due"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, application):
        request = self.context.get("request")
        return available_transitions(application, getattr(request, "user", None), APPLICATION_TRANSITION_CHECKS)


class ReturnForCorrectionSerializer(serializers.Serializer):
    defects = serializers.ListField(child=serializers.CharField(max_length=1000), max_length=100)
    due = LocalDateTimeField()


class ReasonRequiredSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
