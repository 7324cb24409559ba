"""The agreement's representation in the API, and the bodies of its writes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from core.api import ModelSerializer
from core.transitions import available_transitions

from .enums import SigningMethod
from .models import Agreement, AgreementFile, Annex, Tranche
from .rules import AGREEMENT_TRANSITION_CHECKS
from .services import annex_change_rows


class TrancheSerializer(ModelSerializer):
    class Meta:
        model = Tranche
        fields = ["number", "amount", "due_on", "paid_on", "paid_amount", "recorded_at"]


class AgreementFileSerializer(ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="signed_agreement, signed_annex or other.")
    annex = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = AgreementFile
        fields = ["id", "kind", "annex", "original_name", "sha256", "size", "uploaded_at", "url"]

    def get_annex(self, file) -> int | None:
        return file.annex.number if file.annex_id else None

    def get_url(self, file) -> str:
        return reverse("agreement-file", args=[file.agreement_id, file.pk], request=self.context.get("request"))


class AnnexSerializer(ModelSerializer):
    signing_method = serializers.CharField(read_only=True, help_text="uploaded or in_office (blank before signing).")
    changed = serializers.SerializerMethodField(help_text="What the annex changes: key, line, before, after.")

    class Meta:
        model = Annex
        fields = ["number", "status", "subject", "changes", "previous", "changed", "signing_method", "signed_at"]

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_changed(self, annex):
        return [{k: str(v) for k, v in row.items()} for row in annex_change_rows(annex)]


class AgreementSerializer(ModelSerializer):
    signing_method = serializers.CharField(read_only=True, help_text="uploaded or in_office (blank before signing).")
    available_transitions = serializers.SerializerMethodField()
    tranches = TrancheSerializer(many=True, read_only=True)
    annexes = AnnexSerializer(many=True, read_only=True)
    files = AgreementFileSerializer(many=True, read_only=True)
    document_sha256 = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = [
            "id",
            "application",
            "small_grant",
            "organisation",
            "number",
            "status",
            "available_transitions",
            "form",
            "task_title",
            "realisation_start",
            "realisation_end",
            "grant_amount",
            "allowed_shift_percent",
            "iban",
            "account_holder_declared",
            "authority_representatives",
            "organisation_representatives",
            "place",
            "signing_method",
            "signed_at",
            "settled_at",
            "termination_reason",
            "document_sha256",
            "tranches",
            "annexes",
            "files",
            "offer_content",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_available_transitions(self, agreement):
        request = self.context.get("request")
        return available_transitions(agreement, getattr(request, "user", None), AGREEMENT_TRANSITION_CHECKS)

    def get_document_sha256(self, agreement) -> str | None:
        return agreement.document.sha256 if agreement.document_id else None


class AgreementUpdateSerializer(serializers.Serializer):
    """The fields of a draft an official may change (PATCH); the IBAN as typed."""

    number = serializers.CharField(max_length=60, required=False, allow_blank=True)
    place = serializers.CharField(max_length=120, required=False, allow_blank=True)
    authority_representatives = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    organisation_representatives = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    realisation_start = serializers.DateField(required=False)
    realisation_end = serializers.DateField(required=False)
    grant_amount = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    allowed_shift_percent = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    iban = serializers.CharField(max_length=60, required=False, allow_blank=True)
    account_holder_declared = serializers.BooleanField(required=False)


class AgreementBankAccountSerializer(serializers.Serializer):
    iban = serializers.CharField(max_length=60)
    account_holder_declared = serializers.BooleanField()


class TrancheInSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    due_on = serializers.DateField()


class TranchesSerializer(serializers.Serializer):
    tranches = TrancheInSerializer(many=True)


class TranchePaymentSerializer(serializers.Serializer):
    number = serializers.IntegerField(min_value=1, help_text="The tranche's number.")
    paid_on = serializers.DateField()
    paid_amount = serializers.DecimalField(max_digits=14, decimal_places=2)


class AgreementSignSerializer(serializers.Serializer):
    method = serializers.ChoiceField(choices=SigningMethod.choices)
    signed_on = serializers.DateField(required=False, allow_null=True, help_text="Required when signed in the office.")


class AgreementTerminateSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class AgreementReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class AgreementFileUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="The signed agreement or annex, a PDF.")
    annex = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="The annex's number, for a signed annex."
    )
