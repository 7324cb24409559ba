"""REST API for the register of organisations: reads for everyone (verified ones only, officials see all),
writes and verification for officials."""

import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ReadOrStaffWrite

from . import selectors, services
from .models import Organisation, Sphere
from .rules import visible_organisations_q
from .serializers import OrganisationSerializer, UnverifySerializer


class OrganisationFilter(django_filters.FilterSet):
    sphere = django_filters.ModelChoiceFilter(
        field_name="spheres",
        to_field_name="code",
        queryset=Sphere.objects.all(),
        label="Sphere of public benefit (art. 4 code, e.g. 17)",
    )
    q = django_filters.CharFilter(method="search", label="Name (any case, Polish letters optional), KRS, NIP or REGON")

    class Meta:
        model = Organisation
        fields = ["sphere", "q", "legal_form", "register_type"]

    def search(self, queryset, name, value):
        return selectors.organisation_search(queryset, query=value)


class OrganisationViewSet(viewsets.ModelViewSet):
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilter
    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [ReadOrStaffWrite]

    def get_queryset(self):
        return (
            Organisation.objects.filter(visible_organisations_q(self.request.user))
            .prefetch_related("spheres")
            .order_by("name_ascii", "pk")
        )

    def perform_create(self, serializer):
        serializer.instance = services.organisation_save(actor=self.request.user, data=serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.organisation_save(
            actor=self.request.user, data=serializer.validated_data, organisation=serializer.instance
        )

    def _respond(self, organisation):
        return Response(self.get_serializer(self.get_queryset().get(pk=organisation.pk)).data)

    @extend_schema(request=None, responses=OrganisationSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._respond(services.organisation_verify(organisation=self.get_object(), actor=request.user))

    @extend_schema(request=UnverifySerializer, responses=OrganisationSerializer)
    @action(detail=True, methods=["post"])
    def unverify(self, request, pk=None):
        organisation = self.get_object()
        body = UnverifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._respond(
            services.organisation_unverify(organisation=organisation, actor=request.user, **body.validated_data)
        )
