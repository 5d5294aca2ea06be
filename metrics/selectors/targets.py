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
        return self.applying(metric, journey_id=journey_id, touchpoint_id=touchpoint_id)[1]

    def applying(
        self, metric: str, *, journey_id: int | None = None, touchpoint_id: int | None = None
    ) -> tuple[str | None, Decimal | None]:
        """Which target applies, and its value: ("touchpoint" | "journey" | "organisation", value), or (None, None)."""
        if touchpoint_id is not None and (touchpoint_id, metric) in self.touchpoints:
            return "touchpoint", self.touchpoints[(touchpoint_id, metric)]
        if journey_id is not None and (journey_id, metric) in self.journeys:
            return "journey", self.journeys[(journey_id, metric)]
        if metric in self.organisation:
            return "organisation", self.organisation[metric]
        return None, None

    def after_removal(self, target: MetricTarget) -> tuple[str | None, Decimal | None]:
        """What applies to `target`'s scope once it is removed: the next less specific target (see applying)."""
        if target.touchpoint_id is not None:
            return self.applying(target.metric, journey_id=target.journey_id)
        if target.journey_id is not None:
            return self.applying(target.metric)
        return None, None


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
