from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api import ModelSerializer

from .fields import TYPED_MAX_LENGTH
from .models import Organisation, Sphere
from .rules import ORGANISATION_ACTION_CHECKS


def _identifier(help_text):
    # Formatting is accepted on input; the service normalises and validates (checksums, duplicates).
    return serializers.CharField(required=False, allow_blank=True, max_length=TYPED_MAX_LENGTH, help_text=help_text)


class OrganisationSerializer(ModelSerializer):
    krs = _identifier("KRS number: 10 digits (leading zeros may be left out); only for register_type krs.")
    nip = _identifier("NIP: 10 digits with a valid check digit; hyphens, spaces and a PL prefix are accepted.")
    regon = _identifier("REGON: 9 or 14 digits with valid check digits.")
    spheres = serializers.SlugRelatedField(
        many=True, slug_field="code", queryset=Sphere.objects.all(), required=False, help_text="Art. 4 sphere codes."
    )
    available_transitions = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "legal_form",
            "register_type",
            "krs",
            "register_number",
            "nip",
            "regon",
            "address",
            "city",
            "email",
            "phone",
            "website",
            "description",
            "spheres",
            "verified_at",
            "available_transitions",
        ]
        read_only_fields = ["verified_at"]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, organisation):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return [name for name, check in ORGANISATION_ACTION_CHECKS.items() if check(user, organisation)]


class UnverifySerializer(serializers.Serializer):
    reason = serializers.CharField(default="", allow_blank=True, max_length=4000)
