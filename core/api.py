"""REST glue: errors as JSON with a stable code, transitions as POST actions."""

import datetime

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import DateTimeField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, permissions, serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .roles import is_approver, is_official
from .validators import validate_plausible_date


def _flatten(detail):
    if isinstance(detail, dict):
        return {key: [str(m) for m in (value if isinstance(value, list) else [value])] for key, value in detail.items()}
    if isinstance(detail, list):
        return {"__all__": [str(m) for m in detail]}
    return {"__all__": [str(detail)]}


def exception_handler(exc, context):
    """Every error is ``{"code", "message", "errors"}``; bad input is a 4xx with a human message."""
    if isinstance(exc, DomainError):
        return Response(exc.as_dict(), status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        body = {"code": "too_large", "message": _("The data sent is too large."), "errors": {}}
        return Response(body, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Not found."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        body = {"code": "invalid", "message": _("The data sent is not valid."), "errors": errors}
    else:
        detail = getattr(exc, "detail", "")
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        body = {"code": code, "message": str(detail), "errors": {}}
    response.data = body
    return response


class ReadOrStaffWrite(permissions.BasePermission):
    """Anyone reads; only officials and the approver write (the service then checks the exact rule)."""

    message = gettext_lazy("Only officials or the approver may change this.")

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return is_official(request.user) or is_approver(request.user)


class LocalDateTimeField(serializers.DateTimeField):
    """A date-time read on the Warsaw clock; a naive time the clock skips or repeats is refused.

    DRF cannot tell, under zoneinfo, that 02:30 on the spring-forward night does not exist or that
    02:30 on the autumn night happens twice; a deadline must never silently move by an hour.
    """

    default_error_messages = {
        "nonexistent": gettext_lazy("This time does not exist in Warsaw (the clocks go forward); give another time."),
        "ambiguous": gettext_lazy(
            "This time happens twice in Warsaw (the clocks go back); give the UTC offset, e.g. +02:00 or +01:00."
        ),
    }

    def enforce_timezone(self, value):
        try:
            validate_plausible_date(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc  # also spares the overflow below
        if timezone.is_naive(value):
            tz = self.default_timezone() or timezone.get_current_timezone()
            first, second = value.replace(tzinfo=tz, fold=0), value.replace(tzinfo=tz, fold=1)
            if first.utcoffset() != second.utcoffset():
                back = first.astimezone(datetime.UTC).astimezone(tz).replace(tzinfo=None)
                self.fail("nonexistent" if back != value else "ambiguous")
        return super().enforce_timezone(value)


class ModelSerializer(serializers.ModelSerializer):
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        DateTimeField: LocalDateTimeField,
    }


class Pagination(LimitOffsetPagination):
    """``?limit=`` at most 500; an offset beyond any real list gives an empty page, not a database error."""

    max_limit = 500
    max_offset = 10**9

    def get_offset(self, request):
        return min(super().get_offset(request), self.max_offset)
