from django.db.models import QuerySet

from .models import JourneyGroup


def journey_group_list() -> QuerySet[JourneyGroup]:
    return JourneyGroup.objects.order_by("position", "name")
