"""REST API of the annual programme reports: the published ones, read-only, for everyone.

``/api/v1/programme-reports/`` lists them; ``/api/v1/programme-reports/<year>/`` gives one with its figures
(amounts as strings with two decimal places, exact).
"""

from django.conf import settings
from django.urls import reverse
from rest_framework import serializers, viewsets

from .models import ProgrammeReport


class ProgrammeReportSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="programme.year", read_only=True)
    title = serializers.CharField(source="programme.title", read_only=True)
    pdf = serializers.SerializerMethodField()
    pdf_sha256 = serializers.CharField(source="document.sha256", read_only=True, default=None)

    class Meta:
        model = ProgrammeReport
        fields = ["year", "title", "published_at", "pdf", "pdf_sha256"]
        read_only_fields = fields

    def get_pdf(self, report) -> str:
        return settings.SITE_URL + reverse("annual:report_pdf", args=[report.programme.year])


class ProgrammeReportDetailSerializer(ProgrammeReportSerializer):
    figures = serializers.JSONField(source="data", read_only=True)

    class Meta(ProgrammeReportSerializer.Meta):
        fields = [*ProgrammeReportSerializer.Meta.fields, "figures"]
        read_only_fields = fields


class ProgrammeReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Published programme reports (art. 5a ust. 3), newest first; one by its programme's year."""

    lookup_field = "programme__year"
    lookup_url_kwarg = "year"
    lookup_value_regex = r"\d{4}"
    filterset_fields = []

    def get_queryset(self):
        return (
            ProgrammeReport.objects.filter(published_at__isnull=False)
            .select_related("programme", "document")
            .order_by("-programme__year")
        )

    def get_serializer_class(self):
        return ProgrammeReportDetailSerializer if self.action == "retrieve" else ProgrammeReportSerializer


def register(router):
    """Add the programme reports to ``router`` (call from config/urls.py)."""
    router.register("programme-reports", ProgrammeReportViewSet, basename="programme-report")
