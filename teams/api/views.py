"""The teams API: reads go through teams.selectors, writes through teams.services, rules in teams.permissions."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.versioning import versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from teams import services
from teams.filters import ActionFilter
from teams.models import ImprovementAction, Mandate
from teams.permissions import can_propose_mandate
from teams.selectors import (
    action_comment_list,
    action_list,
    action_transition_list,
    department_list,
    mandate_list,
    membership_list,
    team_list,
)

from .permissions import NOT_YOUR_TEAM, ActionPermission, IsAdminOrReadOnly, MandatePermission
from .serializers import (
    ActionCommentSerializer,
    ActionSerializer,
    ActionTransitionRequestSerializer,
    ActionTransitionResultSerializer,
    ActionTransitionSerializer,
    DepartmentSerializer,
    MandateDecisionSerializer,
    MandateSerializer,
    MembershipSerializer,
    TeamSerializer,
)

# Organisation: admins write, everyone reads.


class DepartmentViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """The organisation's silos: marketing, sales, service, operations, finance, IT..."""

    serializer_class = DepartmentSerializer
    permission_classes = [IsAuthenticated, IsAdminOrReadOnly]
    search_fields = ["name"]

    def get_queryset(self):
        return department_list()

    def perform_create(self, serializer):
        serializer.instance = services.department_create(**serializer.validated_data)


class TeamViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Multidisciplinary teams with their members and the journey groups they own."""

    serializer_class = TeamSerializer
    permission_classes = [IsAuthenticated, IsAdminOrReadOnly]
    search_fields = ["name", "description"]

    def get_queryset(self):
        return team_list()

    def perform_create(self, serializer):
        serializer.instance = self.fresh(services.team_create(**serializer.validated_data))

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        groups = data.pop("journey_groups", None)
        team = services.team_update(team=serializer.instance, journey_groups=groups, **data)
        serializer.instance = self.fresh(team)


class MembershipViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Who is in which team, in which role, with which share of their time."""

    serializer_class = MembershipSerializer
    permission_classes = [IsAuthenticated, IsAdminOrReadOnly]
    filterset_fields = ["team", "user"]

    def get_queryset(self):
        return membership_list()

    def perform_create(self, serializer):
        serializer.instance = self.fresh(services.membership_create(**serializer.validated_data))

    def perform_destroy(self, instance):
        services.membership_delete(membership=instance)


# Mandates: a team's CX editors propose, managers decide.


class MandateViewSet(
    ServiceViewSetMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """What management grants a team: budget, time, priority, sponsor, period. A mandate starts as proposed."""

    serializer_class = MandateSerializer
    permission_classes = [IsAuthenticated, MandatePermission]
    filterset_fields = ["team", "status"]
    ordering_fields = ["starts_on", "created_at", "budget"]

    def get_queryset(self):
        return mandate_list()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        team = data.pop("team")
        if not can_propose_mandate(self.request.user, team):
            raise PermissionDenied(NOT_YOUR_TEAM)
        serializer.instance = self.fresh(services.mandate_create(team=team, **data))

    @extend_schema(
        request=MandateDecisionSerializer,
        responses={200: MandateSerializer, 400: OpenApiResponse(description=_("The mandate was already decided."))},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk=None) -> Response:
        """Approve or reject a proposed mandate (managers and admins). A decision is final."""
        mandate: Mandate = self.get_object()
        decision = MandateDecisionSerializer(data=request.data)
        decision.is_valid(raise_exception=True)
        services.mandate_decide(mandate=mandate, by=request.user, **decision.validated_data)
        return Response(self.get_serializer(self.fresh(mandate)).data)


# Improvement actions.


@versioned_schema(ActionSerializer)
class ActionViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Improvement actions, filtered by team, journey, touchpoint, assignee, status and `overdue`.

    Edits send the `version` they are based on (409 when stale). The status moves only through `transition/`.
    """

    serializer_class = ActionSerializer
    permission_classes = [IsAuthenticated, ActionPermission]
    filterset_class = ActionFilter
    search_fields = ["title", "description"]
    ordering_fields = ["due_date", "impact", "effort", "progress", "created_at", "updated_at"]

    def get_queryset(self):
        return action_list()

    def perform_create(self, serializer):
        data = {key: value for key, value in serializer.validated_data.items() if key != "version"}
        action = services.action_create(created_by=self.request.user, own_team_only=True, **data)
        serializer.instance = self.fresh(action)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        version = data.pop("version")
        action = services.action_update(action=serializer.instance, expected_version=version, **data)
        serializer.instance = self.fresh(action)

    def perform_destroy(self, instance):
        services.action_delete(action=instance, expected_version=self.delete_version())

    @extend_schema(
        request=ActionTransitionRequestSerializer,
        responses={
            200: ActionTransitionResultSerializer,
            400: OpenApiResponse(description=_("The action cannot move from its status to that one.")),
        },
    )
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk=None) -> Response:
        """Move the action to another status (its team's CX editors, its assignee, admins); the move is recorded."""
        action: ImprovementAction = self.get_object()
        move = ActionTransitionRequestSerializer(data=request.data)
        move.is_valid(raise_exception=True)
        transition = services.action_transition(action=action, to_status=move.validated_data["status"], by=request.user)
        body = {
            "action": self.get_serializer(self.fresh(action)).data,
            "transition": ActionTransitionSerializer(transition).data,
        }
        return Response(body)

    @extend_schema(responses=ActionTransitionSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def transitions(self, request: Request, pk=None) -> Response:
        """The action's status history, oldest first: from, to, by whom, when."""
        rows = action_transition_list(action=self.get_object())
        return Response(ActionTransitionSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=ActionCommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=ActionCommentSerializer, responses={201: ActionCommentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filter_backends=[])
    def comments(self, request: Request, pk=None) -> Response:
        """The action's comments, oldest first; its team's CX editors, its assignee and admins add one."""
        action: ImprovementAction = self.get_object()
        if request.method == "GET":
            return Response(ActionCommentSerializer(action_comment_list(action=action), many=True).data)
        comment = ActionCommentSerializer(data=request.data)
        comment.is_valid(raise_exception=True)
        created = services.action_comment_add(action=action, author=request.user, text=comment.validated_data["text"])
        return Response(ActionCommentSerializer(created).data, status=status.HTTP_201_CREATED)
