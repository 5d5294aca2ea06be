"""Reads of custom KPIs: each with its latest measurement and its status against the target, in one query.

The status rule lives in `status_expression`, a database expression, so that the list, the filter on status,
the detail page and the API all read the same verdict and no page runs a query per KPI:

- on track: the value meets the target in the KPI's direction (higher is better: value >= target);
- at risk: it misses the target by at most `tolerance` % of |target|;
- off track: it misses by more;
- no data: the KPI has no measurement yet.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    Expression,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Abs
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThanOrEqual

from metrics.models import CustomKpi, Direction, KpiMeasurement, KpiStatus

if TYPE_CHECKING:  # django-stubs' helper for annotated rows; a development dependency only
    from django_stubs_ext import WithAnnotations

AMOUNT = DecimalField(max_digits=14, decimal_places=4)


def status_expression(value: Expression | F, *, prefix: str = "") -> Case:
    """The status of `value` against the target, direction and tolerance of the KPI at `prefix` (e.g. "kpi__"
    for a measurement's KPI). A NULL value (no measurement) is "no data"."""
    target = F(f"{prefix}target")
    # x 0.01, not / 100: SQLite divides two whole numbers as integers (2 x 10 / 100 = 0).
    band = ExpressionWrapper(Abs(target) * F(f"{prefix}tolerance") * Value(Decimal("0.01")), output_field=AMOUNT)
    higher = Q(**{f"{prefix}direction": Direction.HIGHER})
    lower = Q(**{f"{prefix}direction": Direction.LOWER})
    at_least = ExpressionWrapper(target - band, output_field=AMOUNT)
    at_most = ExpressionWrapper(target + band, output_field=AMOUNT)
    return Case(
        When(IsNull(value, True), then=Value(KpiStatus.NO_DATA)),
        When(higher & Q(GreaterThanOrEqual(value, target)), then=Value(KpiStatus.ON_TRACK)),
        When(lower & Q(LessThanOrEqual(value, target)), then=Value(KpiStatus.ON_TRACK)),
        When(higher & Q(GreaterThanOrEqual(value, at_least)), then=Value(KpiStatus.AT_RISK)),
        When(lower & Q(LessThanOrEqual(value, at_most)), then=Value(KpiStatus.AT_RISK)),
        default=Value(KpiStatus.OFF_TRACK),
        output_field=CharField(),
    )


class LatestMeasurement(TypedDict):
    """What kpi_list annotates on each KPI."""

    latest_value: Decimal | None
    latest_period: datetime.date | None
    status: str  # KpiStatus


def _latest(field: str) -> Subquery:
    latest = KpiMeasurement.objects.filter(kpi=OuterRef("pk")).order_by("-period_start")
    return Subquery(latest.values(field)[:1])


def kpi_list() -> QuerySet[WithAnnotations[CustomKpi, LatestMeasurement]]:
    """KPIs with owner, journey, touchpoint and channel, `latest_value`, `latest_period` and `status`: one query
    (the latest measurement is a subquery on the (kpi, period_start) unique index)."""
    return (
        CustomKpi.objects.select_related("owner", "journey", "touchpoint", "channel")
        .annotate(latest_value=_latest("value"), latest_period=_latest("period_start"))
        .annotate(status=status_expression(F("latest_value")))
        .order_by("name", "id")
    )


def kpi_detail(*, pk: int) -> WithAnnotations[CustomKpi, LatestMeasurement]:
    """One KPI as the list shows it; raises CustomKpi.DoesNotExist."""
    return kpi_list().get(pk=pk)


def measurement_list(*, kpi: CustomKpi) -> QuerySet[KpiMeasurement]:
    """The KPI's measurements, latest period first, each with its own status against the KPI's target now."""
    return (
        KpiMeasurement.objects.filter(kpi=kpi)
        .select_related("kpi")
        .annotate(status=status_expression(F("value"), prefix="kpi__"))
        .order_by("-period_start", "-id")
    )
