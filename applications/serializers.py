from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api import LocalDateTimeField, ModelSerializer
from core.transitions import available_transitions

from .completeness import SECTIONS, offer_blockers
from .models import Application, ApplicationVersion, FormalCheck
from .rules import APPLICATION_TRANSITION_CHECKS, EDITABLE_STATES


def storable_text_problem(value):
    """Why ``value`` (any JSON) holds text PostgreSQL cannot store (a NUL or a lone surrogate), else ``None``."""
    if isinstance(value, str):
        if "\x00" in value:
            return _("Text must not contain the NUL character.")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return _("Text must be valid Unicode.")
        return None
    if isinstance(value, dict):
        value = [*value.keys(), *value.values()]
    if isinstance(value, list):
        for item in value:
            problem = storable_text_problem(item)
            if problem:
                return problem
    return None


def user_name(user):
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


class BlockerSerializer(serializers.Serializer):
    section = serializers.CharField(
        help_text="Where to fix it: a section of the offer (content/<section>/) or “attachments”."
    )
    text = serializers.CharField()


def blockers_of(application):
    """What still blocks submitting ``application`` while it can be changed (else nothing)."""
    if application.status not in EDITABLE_STATES:
        return []
    return [{"section": blocker.section, "text": blocker.text} for blocker in offer_blockers(application)]


class ApplicationSerializer(ModelSerializer):
    available_transitions = serializers.SerializerMethodField()
    content = serializers.JSONField(
        read_only=True,
        help_text="Sections II–VII of the offer as typed (write them with PUT …/content/<section>/).",
    )
    blockers = serializers.SerializerMethodField(
        help_text="What still blocks the submission, while the offer can be changed (else empty)."
    )
    versions_count = serializers.SerializerMethodField(help_text="How many times the offer has been submitted.")

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
            "versions_count",
            "blockers",
            "content",
        ]
        read_only_fields = ["status", "awarded_amount", "submitted_at", "confirmation_number", "correction_due"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, application):
        request = self.context.get("request")
        return available_transitions(application, getattr(request, "user", None), APPLICATION_TRANSITION_CHECKS)

    @extend_schema_field(BlockerSerializer(many=True))
    def get_blockers(self, application):
        return blockers_of(application)

    def get_versions_count(self, application) -> int:
        counted = getattr(application, "versions_count", None)
        return application.versions.count() if counted is None else counted


class SectionContentSerializer(serializers.Serializer):
    """One section of the offer as stored, with what still blocks the submission (documentation only)."""

    section = serializers.ChoiceField(choices=list(SECTIONS))
    title = serializers.CharField(help_text="The offer's title (section III's “title” renames the offer).")
    requested_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    content = serializers.JSONField(help_text="The section as stored: text as typed, rows, booleans.")
    blockers = BlockerSerializer(many=True)


class ApplicationVersionSerializer(ModelSerializer):
    submitted_by = serializers.SerializerMethodField()
    offer_sha256 = serializers.CharField(source="offer_document.sha256", read_only=True)
    confirmation_sha256 = serializers.CharField(source="confirmation_document.sha256", read_only=True)
    links = serializers.SerializerMethodField()

    class Meta:
        model = ApplicationVersion
        fields = [
            "number",
            "title",
            "requested_amount",
            "submitted_at",
            "submitted_by",
            "offer_sha256",
            "confirmation_sha256",
            "links",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by(self, version):
        return user_name(version.submitted_by)

    @extend_schema_field(
        serializers.DictField(
            child=serializers.URLField(), help_text="Keys: self, offer_pdf, confirmation_pdf (the PDFs as frozen)."
        )
    )
    def get_links(self, version):
        request = self.context.get("request")
        kwargs = {"application_pk": version.application_id, "number": version.number}
        return {
            "self": reverse("application-version-detail", kwargs=kwargs, request=request),
            "offer_pdf": reverse("application-version-offer-pdf", kwargs=kwargs, request=request),
            "confirmation_pdf": reverse("application-version-confirmation-pdf", kwargs=kwargs, request=request),
        }


class ApplicationVersionDetailSerializer(ApplicationVersionSerializer):
    content = serializers.JSONField(read_only=True, help_text="The offer's sections as submitted in this version.")

    class Meta(ApplicationVersionSerializer.Meta):
        fields = [*ApplicationVersionSerializer.Meta.fields, "content"]
        read_only_fields = fields


class ChecklistAnswerSerializer(serializers.Serializer):
    """One answer of the formal check, in the order of the call's ``formal_requirements``."""

    met = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True)
    requirement = serializers.CharField(
        required=False, help_text="Optional: the requirement's text; refused when the call's checklist has changed."
    )


class FormalCheckItemSerializer(serializers.Serializer):
    requirement = serializers.CharField()
    met = serializers.BooleanField()
    note = serializers.CharField(allow_blank=True)


class FormalCheckSerializer(ModelSerializer):
    version = serializers.IntegerField(source="version.number", read_only=True, allow_null=True)
    outcome_display = serializers.CharField(source="get_outcome_display", read_only=True)
    items = FormalCheckItemSerializer(many=True, read_only=True)
    defects = serializers.ListField(child=serializers.CharField(), read_only=True)
    checked_by = serializers.SerializerMethodField()

    class Meta:
        model = FormalCheck
        fields = [
            "id",
            "version",
            "outcome",
            "outcome_display",
            "items",
            "reason",
            "defects",
            "correction_due",
            "checked_by",
            "checked_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_checked_by(self, check):
        return user_name(check.checked_by)


@extend_schema_field(ChecklistAnswerSerializer(many=True))
class ChecklistField(serializers.JSONField):
    """The answers to the call's formal requirements. Their shape is checked by
    :func:`applications.services.formal_checklist_items`, whose refusal names the call's requirements."""

    def to_internal_value(self, data):
        data = super().to_internal_value(data)
        problem = storable_text_problem(data)
        if problem:
            raise serializers.ValidationError(problem)
        return data


CHECKLIST_HELP = 'One answer per requirement of the call\'s formal_requirements, in order: {"met": bool, "note": str}.'


class AcceptFormallySerializer(serializers.Serializer):
    checklist = ChecklistField(
        required=False, help_text=CHECKLIST_HELP + " Required when the call lists requirements; all must be met."
    )


class ReturnForCorrectionSerializer(serializers.Serializer):
    defects = serializers.ListField(child=serializers.CharField(max_length=1000), max_length=100)
    due = LocalDateTimeField()
    checklist = ChecklistField(required=False, help_text=CHECKLIST_HELP)


class ReasonRequiredSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)


class RejectFormallySerializer(ReasonRequiredSerializer):
    checklist = ChecklistField(required=False, help_text=CHECKLIST_HELP)


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=4000)
