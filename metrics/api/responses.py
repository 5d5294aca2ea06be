"""responses/ (GET a filtered list, POST one object or a list) and responses/import/ (a CSV file).

Reads go through metrics.selectors.responses, writes through metrics.services.responses; who may load
responses is metrics.permissions.can_ingest_responses, as on the import page.
"""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from journeys.api.keys import (
    JOURNEY_REF_HELP,
    TOUCHPOINT_REF_HELP,
    JourneyRefFilter,
    KeyedFilterSet,
    TouchpointRefFilter,
)
from journeys.models import Journey, Touchpoint
from metrics.ingest.pipeline import MAX_UPLOAD_BYTES, Problem
from metrics.models import Metric, SurveyResponse
from metrics.permissions import NOT_AN_INGESTER, can_ingest_responses
from metrics.selectors.responses import response_list
from metrics.services.response_imports import preset_mapping, responses_import_table
from metrics.services.responses import IngestRefused, responses_create

from .response_serializers import (
    ImportResultSerializer,
    IngestResultSerializer,
    ResponseInSerializer,
    ResponseSerializer,
)

TRUE_WORDS = {"1", "true", "yes", "on"}


class CanIngestOrReadOnly(permissions.BasePermission):
    message = NOT_AN_INGESTER

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or can_ingest_responses(request.user)


class ResponseFilter(KeyedFilterSet):
    journey = JourneyRefFilter(queryset=Journey.all_objects.all(), help_text=JOURNEY_REF_HELP)
    touchpoint = TouchpointRefFilter(queryset=Touchpoint.all_objects.all(), help_text=TOUCHPOINT_REF_HELP)
    channel = django_filters.CharFilter(field_name="channel__slug", label=gettext_lazy("Channel (key)"))
    metric = django_filters.ChoiceFilter(choices=Metric.choices)
    source = django_filters.CharFilter()
    respondent = django_filters.CharFilter()
    # By local day (settings.TIME_ZONE), both ends included, as the KPI periods are.
    from_ = django_filters.DateFilter(field_name="day", lookup_expr="gte", label=gettext_lazy("From (day)"))
    to = django_filters.DateFilter(field_name="day", lookup_expr="lte", label=gettext_lazy("To (day)"))

    class Meta:
        model = SurveyResponse
        fields = ["journey", "touchpoint", "channel", "metric", "source", "respondent"]


# "from" is a Python keyword: the filter is declared as from_ and read (and documented) as ?from=.
ResponseFilter.base_filters["from"] = ResponseFilter.base_filters.pop("from_")


def problem_body(refused: IngestRefused, *, position: str) -> dict:
    """400 body: {"detail", "code", "errors": [{position, field, message}], "error_count"}."""
    return {
        "detail": _("Nothing was stored."),
        "code": "invalid_responses",
        "errors": [problem_dict(problem, position=position) for problem in refused.problems],
        "error_count": refused.error_count,
    }


def problem_dict(problem: Problem, *, position: str) -> dict:
    return {position: problem.position, "field": problem.field, "message": problem.message}


class ResponseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Survey responses, newest first, filtered by journey, touchpoint, channel (key), metric, source,
    respondent and local day (`from`, `to`, both included). POST stores responses (CX editors and admins)."""

    serializer_class = ResponseSerializer
    permission_classes = [permissions.IsAuthenticated, CanIngestOrReadOnly]
    filterset_class = ResponseFilter
    ordering_fields = ["responded_at", "score", "id"]

    def get_queryset(self):
        return response_list()

    @extend_schema(
        request=ResponseInSerializer(many=True),
        responses={
            201: IngestResultSerializer,
            200: OpenApiResponse(IngestResultSerializer, description=gettext_lazy("Every response was a re-send.")),
            400: OpenApiResponse(description=gettext_lazy("Nothing was stored: errors per item (index, field).")),
        },
    )
    def create(self, request: Request) -> Response:
        """One response object, or a list of up to 10,000: all or nothing. A response whose (source,
        external_id) is already stored with the same values is counted under `duplicates` and not stored again."""
        try:
            result = responses_create(records=request.data)
        except IngestRefused as refused:
            return Response(problem_body(refused, position="index"), status=status.HTTP_400_BAD_REQUEST)
        body = {"created": result.created, "duplicates": result.duplicates}
        if isinstance(request.data, dict):
            body["id"] = result.id
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class ResponseImportView(APIView):
    """A CSV or Excel (.xlsx) file of responses (multipart field `file`; UTF-8, comma or semicolon; dates ISO or
    dd-mm-yyyy). Its header is the JSON field names, or anything when `preset` names a column mapping saved on
    the import page (then problems name the file's own lines and column headers). All or nothing, unless
    `skip_invalid` is true: then the valid lines are stored and the rejected ones listed."""

    permission_classes = [permissions.IsAuthenticated, CanIngestOrReadOnly]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {
                "type": "object",
                "properties": {
                    "file": {
                        "type": "string",
                        "format": "binary",
                        "description": "A CSV (UTF-8, comma or semicolon) or an Excel workbook (.xlsx, first sheet).",
                    },
                    "skip_invalid": {"type": "boolean"},
                    "preset": {
                        "type": "string",
                        "description": "The name of an import preset (a saved column mapping): the file may then "
                        "have any header. Without it the header must be the response fields. An unknown name is a "
                        "400 naming the field `preset`.",
                    },
                },
                "required": ["file"],
            }
        },
        responses={
            201: ImportResultSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description=gettext_lazy("Nothing was stored.")),
        },
    )
    def post(self, request: Request) -> Response:
        upload = request.FILES.get("file")
        if upload is None:
            return self._refused(None, "file", _("Send the CSV or .xlsx file in the multipart field “file”."))
        if upload.size > MAX_UPLOAD_BYTES:
            message = _("The file is larger than %(mb)d MB: import it with manage.py import_responses.") % {
                "mb": MAX_UPLOAD_BYTES // (1024 * 1024)
            }
            return self._refused(None, "file", message)
        skip_invalid = str(request.data.get("skip_invalid", "")).strip().lower() in TRUE_WORDS
        mapping = None
        preset = request.data.get("preset")
        if preset not in (None, ""):
            try:
                mapping = preset_mapping(str(preset))
            except ValidationError as error:
                return self._refused(None, "preset", " ".join(error.message_dict["preset"]))
        try:
            result = responses_import_table(
                file=upload.file, name=upload.name or "", mapping=mapping, skip_invalid=skip_invalid
            )
        except IngestRefused as refused:
            return Response(problem_body(refused, position="line"), status=status.HTTP_400_BAD_REQUEST)
        body = {
            "created": result.created,
            "duplicates": result.duplicates,
            "rejected": result.rejected,
            "error_count": result.error_count,
            "errors": [problem_dict(problem, position="line") for problem in result.problems],
            "followups_opened": result.followups_opened,
        }
        return Response(body, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)

    def _refused(self, line: int | None, field: str, message: str) -> Response:
        refused = IngestRefused([Problem(line, field, message)])
        return Response(problem_body(refused, position="line"), status=status.HTTP_400_BAD_REQUEST)
