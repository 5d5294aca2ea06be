"""What other apps say about a map, so that journeys imports neither teams nor metrics: the extension points
MAP_DEPENDENTS and MAP_STRUCTURE_CHANGED (their contracts, and who provides them: cxplatform.lib.extension_points).
"""

from __future__ import annotations

from cxplatform.lib import extension_points


def map_dependents(*, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None):
    """Every (count, phrase) of what depends on the object, only those with a count above 0."""
    found = []
    for count_dependents in extension_points.providers(extension_points.MAP_DEPENDENTS):
        found += count_dependents(journey_id=journey_id, stage_id=stage_id, touchpoint_id=touchpoint_id)
    return [(count, phrase) for count, phrase in found if count]


def structure_changed(*, journey_ids: list[int]) -> None:
    """Tell the app that keeps figures per stage and touchpoint that the shape of these journeys changed."""
    changed = extension_points.provider(extension_points.MAP_STRUCTURE_CHANGED)
    if changed is not None and journey_ids:
        changed(journey_ids=sorted(set(journey_ids)))
