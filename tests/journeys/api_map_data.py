"""Helpers of the journeys API map tests (test_api_map_edits, test_api_whole_map)."""

from journeys.models import Journey


def stage_names(journey: Journey) -> list[str]:
    return list(journey.stages.order_by("position").values_list("name", flat=True))
