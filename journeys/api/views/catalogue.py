"""The lists the maps draw on: journey groups, personas and channels."""

from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy, ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status, viewsets
from rest_framework.exceptions import APIException

from journeys import services
from journeys.api.serializers import ChannelSerializer, JourneyGroupSerializer, PersonaSerializer
from journeys.selectors import channel_list, journey_group_list, persona_list

from .base import JourneysAPIMixin


class ChannelInUse(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "channel_in_use"


class JourneyGroupViewSet(viewsets.ReadOnlyModelViewSet):
    """The lifecycle groups of journeys: becoming, being and staying a customer."""

    serializer_class = JourneyGroupSerializer
    search_fields = ["name", "description"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return journey_group_list()


class PersonaViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Archetypal customers, with the number of journeys they appear in."""

    serializer_class = PersonaSerializer
    search_fields = ["name", "segment"]
    ordering_fields = ["name"]

    def get_queryset(self):
        return persona_list()

    def perform_create(self, serializer):
        serializer.instance = self.fresh(services.persona_create(**serializer.validated_data))

    def perform_update(self, serializer):
        persona = services.persona_update(persona=serializer.instance, **serializer.validated_data)
        serializer.instance = self.fresh(persona)

    def perform_destroy(self, instance):
        services.persona_delete(persona=instance)


class ChannelViewSet(JourneysAPIMixin, viewsets.ModelViewSet):
    """Where touchpoints happen: web, app, phone, store... A channel in use cannot be deleted."""

    serializer_class = ChannelSerializer
    search_fields = ["name", "slug"]
    ordering_fields = ["position", "name"]

    def get_queryset(self):
        return channel_list()

    def perform_create(self, serializer):
        serializer.instance = services.channel_create(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.channel_update(channel=serializer.instance, **serializer.validated_data)

    @extend_schema(
        responses={204: None, 409: OpenApiResponse(description=gettext_lazy("The channel is used by touchpoints."))}
    )
    def destroy(self, request, *args, **kwargs):
        return super().destroy(request, *args, **kwargs)

    def perform_destroy(self, instance):
        try:
            services.channel_delete(channel=instance)
        except ProtectedError as exc:
            count = len(exc.protected_objects)
            raise ChannelInUse(
                ngettext(
                    "The channel %(channel)s is used by %(count)d touchpoint. "
                    "Move it to another channel before deleting this one.",
                    "The channel %(channel)s is used by %(count)d touchpoints. "
                    "Move them to another channel before deleting this one.",
                    count,
                )
                % {"channel": instance.name, "count": count}
            ) from exc
