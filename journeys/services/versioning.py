"""The journey's structure version: a reorder or move names the map shape it was based on."""

from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cxplatform.lib.versioning import StaleVersion
from journeys.models import Journey


def lock_structure(journey_model: type[Journey], journey_id: int, expected_structure_version: int | None) -> Journey:
    """Lock the journey row for a change to its shape; refuse when the caller's view of the shape is stale."""
    # The base manager: an archived journey is locked too (to restore it, or a stage or touchpoint of it).
    journey = journey_model._base_manager.select_for_update().get(pk=journey_id)
    if expected_structure_version is not None and journey.structure_version != expected_structure_version:
        raise StaleVersion(
            journey,
            _("Someone else changed the order of this map in the meantime. Nothing was moved; here is the latest map."),
        )
    return journey


def bump_structure(journey: Journey) -> None:
    type(journey).objects.filter(pk=journey.pk).update(structure_version=F("structure_version") + 1)
    journey.structure_version += 1
