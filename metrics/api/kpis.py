"""The custom-KPI API: `kpis/` and, under each KPI, `measurements/` and `measurements/import/`.

Reads go through metrics.selectors.custom_kpis (the status is computed in the database), writes through
metrics.services.kpis, rules in metrics.permissions: managers and admins define KPIs; managers, CX editors and
admins record measurements; everyone reads.
"""

from __future__ import annotations

from functools import partial

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ParseError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.parsers import JSONParser
from cxplatform.api.versioning import versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from metrics.forms.kpis import KpiFilter
from metrics.permissions import NOT_A_KPI_MANAGER, NOT_A_MEASURER, can_manage_kpis, can_record_measurements
from metrics.selectors.custom_kpis import kpi_list, measurement_list
from metrics.services.kpi_csv import ImportRefused, LineProblem, measurements_import_csv
from metrics.services.kpis import (
    ItemProblem,
    MeasurementInput,
    MeasurementsRejected,
    kpi_create,
    kpi_delete,
    kpi_update,
    measurement_problems,
    measurements_record,
)

from .kpi_serializers import (
    KpiSerializer,
    MeasurementBatchRefusedSerializer,
    MeasurementImportRefusedSerializer,
    MeasurementImportRequestSerializer,
    MeasurementImportResultSerializer,
    MeasurementInputSerializer,
    MeasurementSerializer,
)

MAX_BATCH = 5_000


class KpiPermission(permissions.BasePermission):
    """Everyone reads; measurements are recorded by can_record_measurements, the rest by can_manage_kpis."""

    def has_permission(self, request, view) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if view.action in ("measurements", "import_measurements"):
            allowed, self.message = can_record_measurements(request.user), NOT_A_MEASURER
        else:
            allowed, self.message = can_manage_kpis(request.user), NOT_A_KPI_MANAGER
        return allowed


def _batch_refused(problems: list[ItemProblem], *, detail: str = "", code: str = "invalid_batch") -> Response:
    body = {
        "detail": detail
        or _("Nothing was stored: %(count)s problem(s) in the measurements sent.") % {"count": len(problems)},
        "code": code,
        "errors": [{"index": p.index, "field": p.field, "message": str(p.message)} for p in problems],
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _import_refused(problems: list[LineProblem]) -> Response:
    body = {
        "detail": _("Nothing was stored: %(count)s problem(s) in the file.") % {"count": len(problems)},
        "code": "invalid_file",
        "errors": [{"line": p.line, "field": p.field, "message": str(p.message)} for p in problems],
    }
    return Response(body, status=status.HTTP_400_BAD_REQUEST)


def _read_items(data: list) -> tuple[list[MeasurementInput], list[ItemProblem]]:
    """The items sent, checked: their shape here, the service's rules (digits, a period sent twice) on those
    with a good shape, so that every bad item is reported at once, with its index in the list sent."""
    items, indexes, problems = [], [], []
    for index, raw in enumerate(data):
        shape = MeasurementInputSerializer(data=raw)
        if shape.is_valid():
            items.append(MeasurementInput(**shape.validated_data))
            indexes.append(index)
            continue
        for field, messages in shape.errors.items():
            problems.extend(ItemProblem(index, field, str(message)) for message in messages)
    describe = partial(_item_name, indexes)
    for problem in measurement_problems(items, describe=describe):
        problems.append(ItemProblem(indexes[problem.index], problem.field, problem.message))
    return items, sorted(problems, key=lambda problem: problem.index)


def _item_name(indexes: list[int], position: int) -> str:
    return _("item %(index)s") % {"index": indexes[position]}


@versioned_schema(KpiSerializer)
class CustomKpiViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Custom KPIs with their latest value and status against the target (on_track, at_risk, off_track,
    no_data), filtered by `journey`, `kind` and `status`. Edits send the `version` they are based on."""

    serializer_class = KpiSerializer
    permission_classes = [permissions.IsAuthenticated, KpiPermission]
    filterset_class = KpiFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "target", "created_at", "latest_period"]
    # Digits only: "kpis/summary/" (another view, routed before this one) is never read as a KPI id.
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return kpi_list()

    def perform_create(self, serializer):
        data = {key: value for key, value in serializer.validated_data.items() if key != "version"}
        serializer.instance = self.fresh(kpi_create(**data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        serializer.instance = self.fresh(kpi_update(kpi=serializer.instance, expected_version=version, **data))

    def perform_destroy(self, instance):
        kpi_delete(kpi=instance, expected_version=self.delete_version())

    @extend_schema(methods=["GET"], responses=MeasurementSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=MeasurementInputSerializer,
        responses={
            # As sent: one object for one object, a list for a list (never a page).
            201: {
                "oneOf": [
                    {"$ref": "#/components/schemas/Measurement"},
                    {"type": "array", "items": {"$ref": "#/components/schemas/Measurement"}},
                ]
            },
            400: OpenApiResponse(MeasurementBatchRefusedSerializer, description=gettext_lazy("Nothing was stored.")),
        },
        description=gettext_lazy(
            "Send one measurement object or a list of them. A list is all or nothing: one bad item and nothing "
            "is stored; every bad item is reported with its index, field and message. Recording a period that "
            "already has a value replaces it."
        ),
    )
    # No KPI filters here (they are the list's): a bad ?kind= must not answer for the measurements sent.
    @action(detail=True, methods=["get", "post"], parser_classes=[JSONParser], filter_backends=[])
    def measurements(self, request: Request, pk=None) -> Response:
        """The KPI's measurements, latest period first, each with its status against the target."""
        kpi = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(measurement_list(kpi=kpi))
            return self.get_paginated_response(MeasurementSerializer(page, many=True).data)
        try:
            data = request.data if isinstance(request.data, list) else [request.data]
        except ParseError as error:
            return _batch_refused([], detail=str(error.detail), code="parse_error")
        if len(data) > MAX_BATCH:
            message = _("Send at most %(max)s measurements at once.") % {"max": MAX_BATCH}
            return _batch_refused([ItemProblem(MAX_BATCH, "non_field_errors", message)])
        items, problems = _read_items(data)
        if problems:
            return _batch_refused(problems)
        try:
            stored = measurements_record(kpi=kpi, items=items)
        except MeasurementsRejected as rejected:
            return _batch_refused(rejected.problems)
        periods = [row.period_start for row in stored]
        rows = MeasurementSerializer(measurement_list(kpi=kpi).filter(period_start__in=periods), many=True).data
        if not isinstance(request.data, list):
            return Response(rows[0], status=status.HTTP_201_CREATED)
        return Response(rows, status=status.HTTP_201_CREATED)

    @extend_schema(
        request={"multipart/form-data": MeasurementImportRequestSerializer},
        responses={
            200: MeasurementImportResultSerializer,
            400: OpenApiResponse(MeasurementImportRefusedSerializer, description=gettext_lazy("Nothing was stored.")),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="measurements/import",
        url_name="measurements-import",
        parser_classes=[MultiPartParser, FormParser],
        filter_backends=[],
    )
    def import_measurements(self, request: Request, pk=None) -> Response:
        """Record the measurements of a CSV file (field `file`; columns period,value[,note]), all or nothing:
        every bad line is reported with its number and the reason."""
        kpi = self.get_object()
        try:
            upload = request.FILES.get("file")
        except ParseError as error:
            return _import_refused([LineProblem(None, "file", str(error.detail))])
        if upload is None:
            return _import_refused([LineProblem(None, "file", _("Send the CSV file in the form field “file”."))])
        try:
            result = measurements_import_csv(kpi=kpi, file=upload)
        except ImportRefused as refused:
            return _import_refused(refused.problems)
        return Response(MeasurementImportResultSerializer(result).data)
