"""What every journeys viewset shares: who may write, the map as the current of a stale move, and the delete
contract (a version is required, and a delete can be refused for what depends on the object)."""

from django.db import models
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework.permissions import IsAuthenticated

from cxplatform.api.versioning import VERSION_PARAMETER, StaleVersionSerializer
from cxplatform.api.viewsets import ServiceViewSetMixin
from journeys.api.permissions import CanEditJourneysOrReadOnly
from journeys.api.serializers import HasDependentsSerializer, JourneyMapSerializer
from journeys.models import Journey
from journeys.selectors import journey_map

DELETE_CONFLICT = OpenApiResponse(
    PolymorphicProxySerializer(
        component_name="DeleteConflict",
        serializers=[StaleVersionSerializer, HasDependentsSerializer],
        resource_type_field_name=None,
    ),
    description=gettext_lazy(
        "Someone else changed it first, or survey responses, improvement actions or follow-up cases depend on it "
        "(archive it instead); nothing was deleted."
    ),
)
# A journeys DELETE must name its version, and is refused (HasDependents) while something depends on the object.
REFUSABLE_DELETE = extend_schema(parameters=[VERSION_PARAMETER], responses={204: None, 409: DELETE_CONFLICT})


def without(data: dict, *names: str) -> dict:
    return {key: value for key, value in data.items() if key not in names}


class JourneysAPIMixin(ServiceViewSetMixin):
    """Permissions, and the current of a stale edit, for every journeys endpoint that writes.

    The errors themselves (StaleVersion 409, HasDependents 409, a service's ValidationError 400) are answered by
    cxplatform.api.errors.
    """

    permission_classes = [IsAuthenticated, CanEditJourneysOrReadOnly]

    def render_current(self, current: models.Model | None):
        if isinstance(current, Journey) and self.conflict_shows_map():
            # The order of the map was stale: what the client needs to redo the move is the whole map.
            return JourneyMapSerializer(journey_map(journey_id=current.pk)).data
        return super().render_current(current)

    def conflict_shows_map(self) -> bool:
        return True
