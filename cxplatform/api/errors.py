"""Errors as JSON: DRF's own errors, what the services refuse, and the 404/500 of requests under /api/ that never
reach a DRF view.

Where a service's refusal becomes an answer, for every app's API (REST_FRAMEWORK's EXCEPTION_HANDLER):
- `StaleVersion` (cxplatform.lib.versioning): 409 `{detail, code: "stale_version", current}`, `current` being the
  object as it is now, rendered by the view (`render_current`, cxplatform.api.viewsets.ServiceViewSetMixin), or
  null when it was deleted;
- a `Conflict` (cxplatform.lib.errors; journeys' HasDependents is one): 409 `{detail, code, **details()}`;
- Django's `ValidationError` from a service: 400 keyed by field, like a serializer's (its non-field errors under
  `non_field_errors`).
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, JsonResponse
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from cxplatform.lib.errors import Conflict
from cxplatform.lib.versioning import StaleVersion


def exception_handler(exc, context):
    if isinstance(exc, StaleVersion):
        render_current = getattr(context["view"], "render_current", None)
        if render_current is None:
            return None  # a view that can meet a stale edit derives from ServiceViewSetMixin
        body = {"detail": str(exc.message), "code": "stale_version", "current": render_current(exc.current)}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Conflict):
        body = {"detail": str(exc.message), "code": exc.code, **exc.details()}
        return Response(body, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(field_errors(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data["code"] = getattr(detail, "code", None)
    return response


def field_errors(exc: DjangoValidationError) -> dict:
    """A service's ValidationError as DRF's field-keyed error body."""
    detail = serializers.as_serializer_error(exc)
    if NON_FIELD_ERRORS in detail:
        detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
    return detail


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def api_not_found(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)


def api_server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
