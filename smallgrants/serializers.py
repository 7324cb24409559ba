from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.reverse import reverse

from applications.serializers import storable_text_problem
from calls.enums import TaskForm
from core.api import LocalDateTimeField, ModelSerializer
from core.transitions import available_transitions
from organisations.models import Organisation, Sphere

from .models import SmallGrant, SmallGrantComment
from .rules import EDITABLE_STATES, SMALL_GRANT_TRANSITION_CHECKS, is_staff


class SmallGrantSerializer(ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    programme_year = serializers.IntegerField(source="programme.year", read_only=True)
    sphere = serializers.SlugRelatedField(slug_field="code", read_only=True)
    content = serializers.JSONField(
        read_only=True, help_text="The simplified offer as typed (see smallgrants.content)."
    )
    available_transitions = serializers.SerializerMethodField()
    blockers = serializers.SerializerMethodField(help_text="What still blocks submission (drafts only).")
    offer_pdf = serializers.SerializerMethodField()

    class Meta:
        model = SmallGrant
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "programme_year",
            "sphere",
            "form",
            "title",
            "status",
            "realisation_start",
            "realisation_end",
            "requested_amount",
            "content",
            "submitted_at",
            "publish_by",
            "published_at",
            "comments_until",
            "decision_reason",
            "offer_pdf",
            "blockers",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_available_transitions(self, obj) -> list[str]:
        return available_transitions(obj, self.context["request"].user, SMALL_GRANT_TRANSITION_CHECKS)

    def get_blockers(self, obj) -> list[str]:
        from .services import submission_blockers

        return [str(b) for b in submission_blockers(obj)] if obj.status in EDITABLE_STATES else []

    def get_offer_pdf(self, obj) -> str | None:
        if obj.offer_document_id is None:
            return None
        return reverse("smallgrants:pdf", args=[obj.pk], request=self.context.get("request"))


class SmallGrantCreateSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    title = serializers.CharField(max_length=300)
    sphere = serializers.SlugRelatedField(slug_field="code", queryset=Sphere.objects.all())
    form = serializers.ChoiceField(choices=TaskForm.choices, default=TaskForm.SUPPORTING)
    realisation_start = serializers.DateField()
    realisation_end = serializers.DateField(required=False, allow_null=True)


def _validate_text(value):
    problem = storable_text_problem(value)
    if problem:
        raise serializers.ValidationError(problem)
    return value


class SmallGrantUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=300, required=False, allow_blank=True, validators=[_validate_text])
    sphere = serializers.SlugRelatedField(slug_field="code", queryset=Sphere.objects.all(), required=False)
    form = serializers.ChoiceField(choices=TaskForm.choices, required=False)
    content = serializers.DictField(
        required=False,
        help_text="Parts of the simplified offer to replace (period, contact, task, activities, lines, sources, "
        "other, declarations), stored as typed.",
    )

    def validate_content(self, value):
        allowed = {"period", "contact", "task", "activities", "lines", "sources", "other", "declarations"}
        unknown = sorted(set(value) - allowed)
        if unknown:
            raise serializers.ValidationError(
                _("Unknown parts of the offer: %(parts)s.") % {"parts": ", ".join(unknown)}
            )
        return _validate_text(value)


class SmallGrantOptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, validators=[_validate_text])


class SmallGrantReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, validators=[_validate_text])


class CommentSerializer(ModelSerializer):
    created_at = LocalDateTimeField(read_only=True)

    class Meta:
        model = SmallGrantComment
        fields = [
            "id",
            "author_name",
            "author_email",
            "text",
            "created_at",
            "status",
            "moderated_at",
            "moderation_note",
        ]
        read_only_fields = ["id", "created_at", "status", "moderated_at", "moderation_note"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        if not is_staff(self.context["request"].user):
            for private in ("author_email", "moderation_note"):
                data.pop(private, None)
        return data


class CommentCreateSerializer(serializers.Serializer):
    author_name = serializers.CharField(max_length=200, validators=[_validate_text])
    author_email = serializers.EmailField(required=False, allow_blank=True)
    text = serializers.CharField(max_length=5000, validators=[_validate_text])


class ModerateSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "hide"])
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)
