from rest_framework import serializers

from teams.models import Department, Membership, Team


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "slug", "name"]


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")

    class Meta:
        model = Membership
        fields = ["user", "name", "role", "allocation"]


class TeamSerializer(serializers.ModelSerializer):
    journey_groups = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "slug", "name", "description", "journey_groups", "members"]
