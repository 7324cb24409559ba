"""REST representations of reports and returns of funds."""

from rest_framework import serializers

from core.api import ModelSerializer
from core.transitions import available_transitions

from .content import report_blockers, report_settlement
from .models import FundsReturn, Report, ReportReview, ReportSubmission
from .rules import REPORT_TRANSITION_CHECKS


class SubmissionSerializer(ModelSerializer):
    class Meta:
        model = ReportSubmission
        fields = ["number", "submitted_at", "late"]


class ReviewSerializer(ModelSerializer):
    class Meta:
        model = ReportReview
        fields = ["outcome", "comments", "correction_due", "reviewed_at"]


class ReportSerializer(ModelSerializer):
    organisation = serializers.IntegerField(source="agreement.organisation_id", read_only=True)
    available_transitions = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField()
    settlement = serializers.SerializerMethodField()
    submissions = SubmissionSerializer(many=True, read_only=True)
    reviews = ReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Report
        fields = [
            "id",
            "agreement",
            "organisation",
            "kind",
            "status",
            "available_transitions",
            "period_start",
            "period_end",
            "due_on",
            "requested_at",
            "submitted_at",
            "late",
            "correction_due",
            "accepted_at",
            "content",
            "blockers",
            "settlement",
            "submissions",
            "reviews",
        ]
        read_only_fields = fields

    def get_available_transitions(self, report) -> list[str]:
        return available_transitions(report, self.context["request"].user, REPORT_TRANSITION_CHECKS)

    def get_blockers(self, report) -> list[str]:
        return report_blockers(report)

    def get_settlement(self, report) -> dict:
        return report_settlement(report).as_dict()


class PartialRequestSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    due_on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class FinalOpenSerializer(serializers.Serializer):
    agreement = serializers.IntegerField()


class ReportReturnSerializer(serializers.Serializer):
    comments = serializers.CharField(max_length=10000)
    correction_due = serializers.DateField(required=False, allow_null=True, default=None)


class ReportAcceptSerializer(serializers.Serializer):
    settle_excess = serializers.BooleanField(required=False, default=False)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")


class FundsReturnSerializer(ModelSerializer):
    class Meta:
        model = FundsReturn
        fields = [
            "id",
            "agreement",
            "report",
            "unused_amount",
            "excess_amount",
            "amount",
            "due_on",
            "returned_on",
            "returned_amount",
            "breakdown",
        ]
        read_only_fields = fields


class RecordReturnSerializer(serializers.Serializer):
    returned_on = serializers.DateField()
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
