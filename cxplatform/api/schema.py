"""The OpenAPI schema's error answers, documented once for every operation.

An operation can answer 400 (a parameter or the body is not valid), 401 (no or a bad token), 403 (the user may
not do this), 404 (no such object, or a page past the last) and 415 (a body of another media type than the
operation reads), and 429 (too many bad tokens from the caller's address, with Retry-After); the schema says so, with the bodies
cxplatform.api.errors gives them. An operation that documents one of these itself keeps its own; one that
documents only a description gets the default body. 409 is documented by the operations that can answer it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer, ValidationErrorSerializer

DEFAULT_ERRORS = {
    "400": OpenApiResponse(
        ValidationErrorSerializer,
        description=_("Not valid: the body is keyed by field (a list of messages each), or has detail and code."),
    ),
    "401": OpenApiResponse(
        ErrorSerializer,
        description=_("Not authenticated: send a valid token or log in (code token_expired: the token expired)."),
    ),
    "403": OpenApiResponse(
        ErrorSerializer, description=_("You may not do this (code token_read_only: a read-only token cannot write).")
    ),
    "404": OpenApiResponse(ErrorSerializer, description=_("Not found (or a page past the last).")),
    "415": OpenApiResponse(ErrorSerializer, description=_("The body is not of a media type this operation reads.")),
    "429": OpenApiResponse(
        ErrorSerializer,
        description=_("Too many bad tokens from your address: wait the seconds in Retry-After. Valid tokens pass."),
    ),
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": _("Seconds to wait before trying again.")}}


class AutoSchema(SpectacularAutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        parameters = operation.get("parameters", [])
        for code in self._error_codes(parameters, has_body="requestBody" in operation):
            default = DEFAULT_ERRORS[code]
            declared = responses.get(code)
            if declared is None:
                responses[code] = self._get_response_for_code(default, code)
            elif "content" not in declared:
                body = self._get_response_for_code(default.response, code)
                responses[code] = {**body, "description": declared.get("description") or default.description}
            if code == "429":
                responses[code] = {**responses[code], "headers": RETRY_AFTER}
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_codes(self, parameters: list[dict], *, has_body: bool) -> list[str]:
        """400 where something is sent (a body or a parameter), 404 where a path names an object or a list has
        pages, 415 where a body is read; 401, 403 and 429 where a user must be authenticated."""
        codes = []
        if has_body or any(p["in"] != "path" for p in parameters):
            codes.append("400")
        if self.get_auth():
            codes += ["401", "403", "429"]
        if any(p["in"] == "path" or p["name"] == "page" for p in parameters):
            codes.append("404")
        if has_body:
            codes.append("415")
        return codes


class ValidationErrorExtension(OpenApiSerializerExtension):
    """A 400 body is free-form (field: messages, possibly nested): only detail and code have a fixed type."""

    target_class = ValidationErrorSerializer

    def map_serializer(self, auto_schema, direction):
        return {
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "code": {"type": "string", "nullable": True},
            },
            "additionalProperties": {},
        }
