from rest_framework import viewsets

from journeys.selectors import journey_group_list

from .serializers import JourneyGroupSerializer


class JourneyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """The lifecycle groups of journeys: becoming, being and staying a customer."""

    serializer_class = JourneyGroupSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return journey_group_list()
