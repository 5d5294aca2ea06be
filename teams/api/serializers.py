"""Shapes in and out of the teams API. Business rules live in teams.services and teams.permissions."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cxplatform.api.versioning import VersionedSerializer
from journeys.models import JourneyGroup
from teams.models import (
    ActionComment,
    ActionStatus,
    ActionTransition,
    Department,
    ImprovementAction,
    Mandate,
    Membership,
    Team,
)

User = get_user_model()


def _user_name(user) -> str | None:
    return str(user) if user is not None else None


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "slug", "name"]


# Choice fields that are only ever output are plain strings beside a *_display label, so that each choice set
# is documented once in the OpenAPI schema (by the field clients send), without renaming settings.


class TeamMemberSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.CharField(read_only=True)

    class Meta:
        model = Membership
        fields = ["user", "name", "role", "allocation"]


class TeamSerializer(serializers.ModelSerializer):
    journey_groups = serializers.PrimaryKeyRelatedField(
        many=True,
        queryset=JourneyGroup.objects.all(),
        required=False,
        help_text=_("The ids of the journey groups the team owns; its CX editors edit their journeys."),
    )
    members = TeamMemberSerializer(source="memberships", many=True, read_only=True)

    class Meta:
        model = Team
        fields = ["id", "slug", "name", "description", "journey_groups", "members"]


class MembershipSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    user_name = serializers.SerializerMethodField()
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "team", "team_name", "user", "user_name", "role", "role_display", "allocation"]

    def get_user_name(self, membership: Membership) -> str:
        return str(membership.user)


class MandateSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    sponsor = serializers.PrimaryKeyRelatedField(queryset=User.objects.all(), allow_null=True, required=False)
    sponsor_name = serializers.SerializerMethodField()
    priority_display = serializers.CharField(source="get_priority_display", read_only=True)
    status = serializers.CharField(read_only=True, help_text=_("proposed, approved or rejected (by decide/)."))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    decided_by_name = serializers.SerializerMethodField()

    class Meta:
        model = Mandate
        fields = [
            "id",
            "team",
            "team_name",
            "sponsor",
            "sponsor_name",
            "budget",
            "hours",
            "time_percent",
            "priority",
            "priority_display",
            "starts_on",
            "ends_on",
            "status",
            "status_display",
            "decided_by",
            "decided_by_name",
            "decided_at",
            "decision_note",
            "created_at",
        ]
        # A mandate starts as proposed; only decide/ changes its status and these.
        read_only_fields = ["decided_by", "decided_at", "decision_note", "created_at"]

    def get_sponsor_name(self, mandate: Mandate) -> str | None:
        return _user_name(mandate.sponsor)

    def get_decided_by_name(self, mandate: Mandate) -> str | None:
        return _user_name(mandate.decided_by)


class MandateDecisionSerializer(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("true approves the mandate, false rejects it."))
    note = serializers.CharField(allow_blank=True, default="")


class ActionSerializer(VersionedSerializer):
    status = serializers.CharField(read_only=True, help_text=_("Changed only through transition/."))
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    is_quick_win = serializers.BooleanField(read_only=True)
    is_overdue = serializers.BooleanField(read_only=True)
    journey_name = serializers.CharField(source="journey.name", read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, allow_null=True)
    touchpoint_name = serializers.CharField(source="touchpoint.name", read_only=True, allow_null=True)
    team_name = serializers.CharField(source="team.name", read_only=True, allow_null=True)
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        allow_null=True,
        required=False,
        help_text=_("A process owner; they are emailed when the action is assigned to them."),
    )
    assignee_name = serializers.SerializerMethodField()
    created_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ImprovementAction
        fields = [
            "id",
            "title",
            "description",
            "journey",
            "journey_name",
            "stage",
            "stage_name",
            "touchpoint",
            "touchpoint_name",
            "finding",
            "team",
            "team_name",
            "assignee",
            "assignee_name",
            "status",
            "status_display",
            "impact",
            "effort",
            "is_quick_win",
            "progress",
            "due_date",
            "is_overdue",
            "sprint",
            "expected_investment",
            "expected_gains",
            "created_by",
            "created_by_name",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_by", "created_at", "updated_at"]
        extra_kwargs = {
            "journey": {
                "required": False,
                "help_text": _("Follows from the finding, touchpoint or stage when one of them is given."),
            },
            "team": {"help_text": _("Defaults to a team that owns the journey's group.")},
        }

    def get_assignee_name(self, action: ImprovementAction) -> str | None:
        return _user_name(action.assignee)

    def get_created_by_name(self, action: ImprovementAction) -> str | None:
        return _user_name(action.created_by)

    def validate(self, attrs):
        attrs = super().validate(attrs)
        # status is read-only, so DRF would silently ignore it; say where a status change goes instead.
        current = self.instance.status if self.instance is not None else ActionStatus.PROPOSED
        if "status" in self.initial_data and self.initial_data["status"] != current:
            raise serializers.ValidationError(
                {"status": _("The status cannot be changed here; POST the new status to this action's transition/.")}
            )
        return attrs


class ActionTransitionSerializer(serializers.ModelSerializer):
    from_status = serializers.CharField(read_only=True)
    to_status = serializers.CharField(read_only=True)
    from_status_display = serializers.CharField(source="get_from_status_display", read_only=True)
    to_status_display = serializers.CharField(source="get_to_status_display", read_only=True)
    by_name = serializers.SerializerMethodField()

    class Meta:
        model = ActionTransition
        fields = ["id", "from_status", "from_status_display", "to_status", "to_status_display", "by", "by_name", "at"]
        read_only_fields = fields

    def get_by_name(self, transition: ActionTransition) -> str | None:
        return _user_name(transition.by)


class ActionTransitionRequestSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices, help_text=_("The status to move the action to."))


class ActionTransitionResultSerializer(serializers.Serializer):
    action = ActionSerializer(read_only=True)
    transition = ActionTransitionSerializer(read_only=True)


class ActionCommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()

    class Meta:
        model = ActionComment
        fields = ["id", "author", "author_name", "text", "created_at"]
        read_only_fields = ["author", "created_at"]

    def get_author_name(self, comment: ActionComment) -> str | None:
        return _user_name(comment.author)
