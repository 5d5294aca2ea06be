"""Writes to journeys, personas, channels and maps. Every function is keyword-only and atomic."""

from .errors import StaleVersion
from .future_state import journey_create_future_state
from .journeys import (
    channel_create,
    channel_delete,
    channel_update,
    journey_create,
    journey_delete,
    journey_update,
    persona_create,
    persona_delete,
    persona_update,
)
from .map import (
    finding_create,
    finding_delete,
    finding_update,
    journey_reorder,
    stage_create,
    stage_delete,
    stage_move,
    stage_update,
    touchpoint_create,
    touchpoint_delete,
    touchpoint_move,
    touchpoint_update,
)

__all__ = [
    "StaleVersion",
    "channel_create",
    "channel_delete",
    "channel_update",
    "finding_create",
    "finding_delete",
    "finding_update",
    "journey_create",
    "journey_create_future_state",
    "journey_delete",
    "journey_reorder",
    "journey_update",
    "persona_create",
    "persona_delete",
    "persona_update",
    "stage_create",
    "stage_delete",
    "stage_move",
    "stage_update",
    "touchpoint_create",
    "touchpoint_delete",
    "touchpoint_move",
    "touchpoint_update",
]
