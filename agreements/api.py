"""REST API of agreements: each person sees the agreements the pages show them (officials and the
approver all, members their organisations'); officials change drafts and run the transitions."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from applications.attachment_api import AnyAcceptNegotiation
from applications.document_views import stored_document_response
from core.errors import DomainError
from core.permissions import require

from . import services
from .rules import AGREEMENT_TRANSITION_CHECKS, can_edit_draft, can_give_bank_account, can_record_payment
from .selectors import agreement_list
from .serializers import (
    AgreementBankAccountSerializer,
    AgreementFileUploadSerializer,
    AgreementReopenSerializer,
    AgreementSerializer,
    AgreementSignSerializer,
    AgreementTerminateSerializer,
    AgreementUpdateSerializer,
    TranchePaymentSerializer,
    TranchesSerializer,
)
from .views import agreement_file_response


class AgreementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = AgreementSerializer
    permission_classes = [permissions.IsAuthenticated]
    filterset_fields = ["status", "organisation", "application", "small_grant"]

    def get_queryset(self):
        return (
            agreement_list(user=self.request.user)
            .select_related("document")
            .prefetch_related("tranches", "annexes", "files__annex")
        )

    def _respond(self, agreement):
        return Response(self.get_serializer(self.get_queryset().get(pk=agreement.pk)).data)

    def _body(self, body_class):
        body = body_class(data=self.request.data)
        body.is_valid(raise_exception=True)
        return body.validated_data

    def _transition(self, name, service, body_class=None):
        """Permission first (before reading the body), then the body, then the service."""
        agreement = self.get_object()
        require(AGREEMENT_TRANSITION_CHECKS[name](self.request.user, agreement))
        kwargs = self._body(body_class) if body_class is not None else {}
        return self._respond(service(agreement=agreement, actor=self.request.user, **kwargs))

    @extend_schema(request=AgreementUpdateSerializer, responses=AgreementSerializer)
    def partial_update(self, request, pk=None):
        """Change a draft (officials): any of the fields of ``AgreementUpdateSerializer``."""
        agreement = self.get_object()
        require(can_edit_draft(request.user, agreement))
        data = self._body(AgreementUpdateSerializer)
        return self._respond(services.agreement_update(agreement=agreement, actor=request.user, **data))

    @extend_schema(request=AgreementBankAccountSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def bank_account(self, request, pk=None):
        """The organisation's account (Polish IBAN) and its sole-holder declaration, while a draft."""
        agreement = self.get_object()
        require(can_give_bank_account(request.user, agreement))
        data = self._body(AgreementBankAccountSerializer)
        return self._respond(
            services.agreement_bank_account(
                agreement=agreement, actor=request.user, iban=data["iban"], declared=data["account_holder_declared"]
            )
        )

    @extend_schema(request=TranchesSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["put"])
    def tranches(self, request, pk=None):
        """Replace the planned tranches of a draft; they must add up to the grant to the grosz."""
        agreement = self.get_object()
        require(can_edit_draft(request.user, agreement))
        data = self._body(TranchesSerializer)
        return self._respond(
            services.agreement_tranches_save(agreement=agreement, actor=request.user, tranches=data["tranches"])
        )

    @extend_schema(request=TranchePaymentSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def payment(self, request, pk=None):
        """Record the payment of tranche ``number`` of a signed agreement (officials)."""
        agreement = self.get_object()
        require(can_record_payment(request.user, agreement))
        data = self._body(TranchePaymentSerializer)
        tranche = agreement.tranches.filter(number=data["number"]).first()
        if tranche is None:
            raise DomainError(
                _("There is no such tranche."),
                code="no_such_tranche",
                errors={"number": [_("There is no such tranche.")]},
            )
        services.tranche_record_payment(
            tranche=tranche, actor=request.user, paid_on=data["paid_on"], paid_amount=data["paid_amount"]
        )
        return self._respond(agreement)

    @extend_schema(request={"multipart/form-data": AgreementFileUploadSerializer}, responses=AgreementSerializer)
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def upload(self, request, pk=None):
        """Upload the signed agreement (while ready for signing) or a signed annex (``annex``: its number):
        a PDF by its content; the organisation's members or an official."""
        agreement = self.get_object()
        data = self._body(AgreementFileUploadSerializer)
        annex = None
        if data.get("annex"):
            annex = agreement.annexes.filter(number=data["annex"]).first()
            if annex is None:
                message = _("There is no such annex.")
                raise DomainError(message, code="no_such_annex", errors={"annex": [message]})
        services.agreement_file_add(agreement=agreement, actor=request.user, upload=data["file"], annex=annex)
        return self._respond(agreement)

    @extend_schema(request=None, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def mark_ready(self, request, pk=None):
        """Freeze the PDF and notify the organisation; refused with ``agreement_incomplete`` and what is missing."""
        return self._transition("mark_ready", services.agreement_mark_ready)

    @extend_schema(request=AgreementReopenSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._transition("reopen", services.agreement_reopen, AgreementReopenSerializer)

    @extend_schema(request=AgreementSignSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Record the signing (``uploaded``: a signed PDF was uploaded; ``in_office`` with ``signed_on``);
        the offer goes into realisation."""
        return self._transition("sign", services.agreement_sign, AgreementSignSerializer)

    @extend_schema(request=AgreementTerminateSerializer, responses=AgreementSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        return self._transition("terminate", services.agreement_terminate, AgreementTerminateSerializer)

    @extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The agreement PDF.")},
    )
    @action(detail=True, methods=["get"], content_negotiation_class=AnyAcceptNegotiation)
    def pdf(self, request, pk=None):
        """The agreement as frozen when it became ready for signing (header X-Content-SHA256)."""
        agreement = self.get_object()
        if agreement.document is None:
            raise NotFound(_("The agreement's PDF is made when it is ready for signing."))
        return stored_document_response(agreement.document, f"umowa-{agreement.pk}.pdf")

    @extend_schema(
        request=None,
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="A signed file.")},
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"files/(?P<file_pk>[0-9]+)",
        url_name="file",
        content_negotiation_class=AnyAcceptNegotiation,
        filter_backends=[],
    )
    def file(self, request, pk=None, file_pk=None):
        """A signed file of the agreement (header X-Content-SHA256)."""
        file = self.get_object().files.filter(pk=file_pk).first()
        if file is None:
            raise NotFound(_("There is no such file."))
        return agreement_file_response(file)


def register(router):
    """Add this app's viewsets to ``router`` (called from config/urls.py)."""
    router.register("agreements", AgreementViewSet, basename="agreement")
