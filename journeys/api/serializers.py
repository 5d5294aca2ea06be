from rest_framework import serializers

from journeys.models import JourneyGroup


class JourneyGroupSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyGroup
        fields = ["id", "slug", "name", "description", "position"]
