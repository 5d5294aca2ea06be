"""What other apps say about a map, through settings, so that journeys imports neither teams nor metrics.

- settings.MAP_DEPENDENTS: dotted paths of callables `(*, journey_id=None, stage_id=None, touchpoint_id=None)
  -> list[tuple[int, str]]`, each giving (count, "12,304 survey responses") of what depends on one journey,
  stage (through its touchpoints too) or touchpoint. A journey, stage or touchpoint with dependents is
  archived, never deleted.
- settings.MAP_STRUCTURE_CHANGED: a dotted path of a callable `(*, journey_ids: list[int]) -> None`, called in
  the transaction of every change to the shape of those journeys (a touchpoint or stage deleted, archived,
  restored or moved to another stage; a journey archived, restored or deleted), so that the figures per stage
  and touchpoint are brought up to date as after an ingest.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.module_loading import import_string


def map_dependents(*, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None):
    """Every (count, phrase) of what depends on the object, only those with a count above 0."""
    found = []
    for path in getattr(settings, "MAP_DEPENDENTS", ()):
        found += import_string(path)(journey_id=journey_id, stage_id=stage_id, touchpoint_id=touchpoint_id)
    return [(count, phrase) for count, phrase in found if count]


def structure_changed(*, journey_ids: list[int]) -> None:
    path = getattr(settings, "MAP_STRUCTURE_CHANGED", None)
    if path and journey_ids:
        import_string(path)(journey_ids=sorted(set(journey_ids)))
