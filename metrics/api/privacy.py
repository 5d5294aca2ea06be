"""/api/v1/personal-data/: a respondent's data for admins (metrics.privacy.subjects, the pages' services).

The key travels in the POST body, never in the URL: URLs end up in access logs, proxies and the audit trail's
`path`. So all three endpoints are POSTs, even the two that read; a GET gets 405 saying so.

- POST personal-data/ {"key"}: what is stored, counted, and the respondent keys it is stored under;
- POST personal-data/export/ {"key"}: everything stored (the JSON the page downloads);
- POST personal-data/erase/ {"key", "confirm": true}: the erasure; its counts.
Each is recorded in the audit trail (personal_data_search / _export / _erase) by counts and key digest.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cxplatform.accounts.roles import is_admin
from metrics.privacy.subjects import MAX_QUERY_LENGTH, clean_query, subject_erase, subject_export, subject_search


class IsAdmin(permissions.BasePermission):
    message = gettext_lazy("Only admins can see and erase personal data.")

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_admin(request.user)


class KeySerializer(serializers.Serializer):
    key = serializers.CharField(
        max_length=MAX_QUERY_LENGTH,
        trim_whitespace=True,
        allow_blank=True,
        help_text=gettext_lazy("A respondent key (exact, ignoring case) or an e-mail address."),
    )

    def validate_key(self, value: str) -> str:
        try:
            return clean_query(value)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["key"]) from None


class EraseSerializer(KeySerializer):
    confirm = serializers.BooleanField(help_text=gettext_lazy("true: erase, this cannot be undone."))

    def validate_confirm(self, value: bool) -> bool:
        if not value:
            raise serializers.ValidationError(_("Send confirm: true to erase; this cannot be undone."))
        return value


class CountsSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    comments = serializers.IntegerField()
    followups = serializers.IntegerField()
    followups_active = serializers.IntegerField()
    deliveries = serializers.IntegerField()
    webhook_deliveries = serializers.IntegerField()


class SearchResultSerializer(serializers.Serializer):
    respondent_keys = serializers.ListField(child=serializers.CharField())
    counts = CountsSerializer()


class ErasedSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    comments = serializers.IntegerField()
    followups_closed = serializers.IntegerField()
    deliveries_emptied = serializers.IntegerField()
    webhook_deliveries_emptied = serializers.IntegerField()


class _PersonalDataView(APIView):
    permission_classes = [permissions.IsAuthenticated, IsAdmin]
    serializer_class = KeySerializer

    def http_method_not_allowed(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Response:
        # Not a get() answering 405: the schema would then document a GET.
        raise MethodNotAllowed(request.method or "", detail=_("Send the key in a POST body, never in the URL."))

    def _key(self, request: Request) -> str:
        serializer = self.serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data["key"]


class PersonalDataSearchView(_PersonalDataView):
    @extend_schema(request=KeySerializer, responses={200: SearchResultSerializer}, summary="Find a respondent's data")
    def post(self, request: Request) -> Response:
        subject = subject_search(self._key(request))
        return Response({"respondent_keys": list(subject.keys), "counts": subject.counts})


class PersonalDataExportView(_PersonalDataView):
    @extend_schema(request=KeySerializer, responses={200: OpenApiTypes.OBJECT}, summary="Export a respondent's data")
    def post(self, request: Request) -> Response:
        return Response(subject_export(self._key(request)))


class PersonalDataEraseView(_PersonalDataView):
    serializer_class = EraseSerializer

    @extend_schema(
        request=EraseSerializer,
        responses={200: ErasedSerializer, 400: OpenApiResponse(description="No key, or confirm is not true.")},
        summary="Erase a respondent's data",
    )
    def post(self, request: Request) -> Response:
        erased = subject_erase(self._key(request))
        return Response(erased.as_dict(), status=status.HTTP_200_OK)
