from rest_framework import viewsets

from teams.selectors import department_list, team_list

from .serializers import DepartmentSerializer, TeamSerializer


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet):
    """The organisation's silos: marketing, sales, service, operations, finance, IT..."""

    serializer_class = DepartmentSerializer
    search_fields = ["name"]

    def get_queryset(self):
        return department_list()


class TeamViewSet(viewsets.ReadOnlyModelViewSet):
    """Multidisciplinary teams with their members and the journey groups they own."""

    serializer_class = TeamSerializer
    search_fields = ["name", "description"]

    def get_queryset(self):
        return team_list()
