"""The journeys API: reads go through journeys.selectors, writes through journeys.services.

catalogue: journey groups, personas, channels; journeys: journeys, their map, reorder and future state; map:
stages, touchpoints, findings; archive: archive, restore and archived of journeys, stages and touchpoints;
base: what every journeys viewset shares (permissions, the map as a stale move's current, the delete contract).
"""

from .catalogue import ChannelViewSet, JourneyGroupViewSet, PersonaViewSet
from .journeys import JourneyViewSet
from .map import FindingViewSet, StageViewSet, TouchpointViewSet

__all__ = [
    "ChannelViewSet",
    "FindingViewSet",
    "JourneyGroupViewSet",
    "JourneyViewSet",
    "PersonaViewSet",
    "StageViewSet",
    "TouchpointViewSet",
]
