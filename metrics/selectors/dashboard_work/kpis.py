"""The dashboard's custom KPIs against their targets."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from metrics.models import Direction, KpiStatus
from metrics.selectors.custom_kpis import kpi_list


def _kpi_scope_q(*, group_id: int | None, journey_id: int | None, channel_id: int | None) -> Q:
    """KPIs of the scope's journeys, plus the organisation-wide ones (no journey). With a channel: the KPIs of
    that channel (their own, else their touchpoint's), plus organisation-wide KPIs that name no channel at all."""
    organisation_wide = Q(journey__isnull=True)
    condition = Q()
    if group_id is not None:
        condition &= Q(journey__group_id=group_id) | organisation_wide
    if journey_id is not None:
        condition &= Q(journey_id=journey_id) | organisation_wide
    if channel_id is not None:
        no_channel = Q(channel__isnull=True, touchpoint__channel__isnull=True)
        condition &= (
            Q(channel_id=channel_id)
            | Q(channel__isnull=True, touchpoint__channel_id=channel_id)
            | (organisation_wide & no_channel)
        )
    return condition


def custom_kpi_overview(
    *, group_id: int | None = None, journey_id: int | None = None, channel_id: int | None = None
) -> dict[str, Any]:
    """The custom KPIs in scope, by name, each with its latest value and status against its target, and the
    number of KPIs per status (every status, in KpiStatus order). One query."""
    kpis = (
        kpi_list()
        .select_related("touchpoint__channel")
        .filter(_kpi_scope_q(group_id=group_id, journey_id=journey_id, channel_id=channel_id))
    )
    rows = []
    for kpi in kpis:
        channel = kpi.channel or (kpi.touchpoint.channel if kpi.touchpoint else None)
        rows.append(
            {
                "id": kpi.pk,
                "name": kpi.name,
                "unit": kpi.unit,
                "direction": kpi.direction,
                "direction_label": str(Direction(kpi.direction).label),
                "target": kpi.target,
                "latest_value": kpi.latest_value,
                "latest_period": kpi.latest_period,
                "status": kpi.status,
                "status_label": str(KpiStatus(kpi.status).label),
                "journey_id": kpi.journey_id,
                "journey": kpi.journey.name if kpi.journey else None,
                "touchpoint": kpi.touchpoint.name if kpi.touchpoint else None,
                "channel": channel.label if channel else None,
                "owner": (kpi.owner.get_full_name() or kpi.owner.get_username()) if kpi.owner else None,
            }
        )
    by_status = [
        {"status": value, "label": str(label), "count": sum(1 for row in rows if row["status"] == value)}
        for value, label in KpiStatus.choices
    ]
    return {"rows": rows, "by_status": by_status, "total": len(rows)}
