"""The targets of NPS, CSAT and CES, and which one applies to a scope.

All targets are read in one query (a handful of rows) into a TargetIndex; the most specific target applies:
a touchpoint's own, else its journey's, else the organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet

from metrics.models import MetricTarget


def target_list() -> QuerySet[MetricTarget]:
    """Targets with their journey and touchpoint: the organisation's first, then by journey and touchpoint."""
    return MetricTarget.objects.select_related("journey", "touchpoint", "touchpoint__stage", "updated_by").order_by(
        F("journey__name").asc(nulls_first=True),
        F("touchpoint__stage__position").asc(nulls_first=True),
        F("touchpoint__position").asc(nulls_first=True),
        "metric",
        "id",
    )


@dataclass
class TargetIndex:
    organisation: dict[str, Decimal] = field(default_factory=dict)
    journeys: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    touchpoints: dict[tuple[int, str], Decimal] = field(default_factory=dict)

    def get(self, metric: str, *, journey_id: int | None = None, touchpoint_id: int | None = None) -> Decimal | None:
        """The target that applies to `metric` in the scope (touchpoint, else journey, else organisation)."""
        if touchpoint_id is not None and (touchpoint_id, metric) in self.touchpoints:
            return self.touchpoints[(touchpoint_id, metric)]
        if journey_id is not None and (journey_id, metric) in self.journeys:
            return self.journeys[(journey_id, metric)]
        return self.organisation.get(metric)


def target_index() -> TargetIndex:
    """Every target, in one query."""
    index = TargetIndex()
    for metric, journey_id, touchpoint_id, value in MetricTarget.objects.values_list(
        "metric", "journey_id", "touchpoint_id", "value"
    ):
        if touchpoint_id is not None:
            index.touchpoints[(touchpoint_id, metric)] = value
        elif journey_id is not None:
            index.journeys[(journey_id, metric)] = value
        else:
            index.organisation[metric] = value
    return index
