"""comments/: the comment threads of journeys, stages, touchpoints, findings and improvement actions.

Everyone who can read a journey reads and writes its comments (journeys.permissions); only its author edits a
comment (sending the version it is based on); its author or an admin deletes it. Writes go through
journeys.comments.services, like the pages'."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import permissions, serializers, viewsets
from rest_framework.exceptions import ValidationError

from cxplatform.api.versioning import VersionedSerializer, versioned_schema
from cxplatform.api.viewsets import ServiceViewSetMixin
from journeys.comments import services
from journeys.comments.models import Comment, CommentTargetKind
from journeys.comments.selectors import comment_list
from journeys.comments.targets import NoSuchTarget
from journeys.permissions import can_change_comment, can_delete_comment, can_read_journey


class CommentSerializer(VersionedSerializer):
    kind = serializers.ChoiceField(
        choices=CommentTargetKind.choices,
        source="thread.kind",
        help_text=gettext_lazy("What the comment is on; with object_id. Set on creation only."),
    )
    object_id = serializers.IntegerField(
        min_value=1,
        max_value=2147483647,
        source="thread.object_id",
        help_text=gettext_lazy("The id of the journey, stage, touchpoint, finding or improvement action."),
    )
    author_name = serializers.SerializerMethodField()
    mentions = serializers.SlugRelatedField(slug_field="username", many=True, read_only=True)
    resolved = serializers.SerializerMethodField(
        help_text=gettext_lazy("Whether the thread this comment is in is resolved.")
    )
    text = serializers.CharField(max_length=Comment._meta.get_field("text").max_length, allow_blank=False)

    class Meta:
        model = Comment
        fields = [
            "id",
            "journey",
            "kind",
            "object_id",
            "author",
            "author_name",
            "text",
            "mentions",
            "resolved",
            "created_at",
            "edited_at",
            "version",
        ]
        read_only_fields = ["journey", "author", "created_at", "edited_at"]

    def get_author_name(self, comment: Comment) -> str:
        author = comment.author
        return (author.get_full_name() or author.username) if author is not None else ""

    def get_resolved(self, comment: Comment) -> bool:
        return comment.thread.resolved_at is not None

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if self.instance is not None and "thread" in attrs:
            thread = attrs["thread"]
            if (
                thread.get("kind", self.instance.thread.kind) != self.instance.thread.kind
                or thread.get("object_id", self.instance.thread.object_id) != self.instance.thread.object_id
            ):
                raise ValidationError({"kind": [_("A comment stays on what it was written on.")]})
        return attrs


class CommentFilter(django_filters.FilterSet):
    journey = django_filters.NumberFilter(field_name="journey_id", label=gettext_lazy("Journey"))
    stage = django_filters.NumberFilter(method="filter_target", label=gettext_lazy("Stage"))
    touchpoint = django_filters.NumberFilter(method="filter_target", label=gettext_lazy("Touchpoint"))
    finding = django_filters.NumberFilter(method="filter_target", label=gettext_lazy("Finding"))
    action = django_filters.NumberFilter(method="filter_target", label=gettext_lazy("Improvement action"))
    about_journey = django_filters.NumberFilter(
        method="filter_about_journey", label=gettext_lazy("The thread on the journey itself")
    )

    class Meta:
        model = Comment
        fields = ["journey", "stage", "touchpoint", "finding", "action", "about_journey"]

    def filter_target(self, queryset, name, value):
        return queryset.filter(thread__kind=name, thread__object_id=value)

    def filter_about_journey(self, queryset, name, value):
        return queryset.filter(thread__kind=CommentTargetKind.JOURNEY, thread__object_id=value)


class CanComment(permissions.BasePermission):
    """Everyone who can read journeys reads and adds comments; the author edits; the author or an admin
    deletes."""

    message = gettext_lazy("Only signed-in, active users can comment.")

    def has_permission(self, request, view) -> bool:
        return can_read_journey(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in permissions.SAFE_METHODS:
            return True
        if request.method == "DELETE":
            self.message = _("Only its author or an admin can delete a comment.")
            return can_delete_comment(request.user, obj)
        self.message = _("Only its author can change a comment.")
        return can_change_comment(request.user, obj)


@versioned_schema(CommentSerializer)
class CommentViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Comments on journeys and what is on their maps, and on improvement actions; filter by object."""

    serializer_class = CommentSerializer
    filterset_class = CommentFilter
    permission_classes = [permissions.IsAuthenticated, CanComment]
    search_fields = ["text"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return comment_list()

    def perform_create(self, serializer):
        thread = serializer.validated_data["thread"]
        try:
            comment = services.comment_add(
                author=self.request.user,
                kind=thread["kind"],
                object_id=thread["object_id"],
                text=serializer.validated_data["text"],
            )
        except NoSuchTarget:
            raise ValidationError({"object_id": [_("There is no such object to comment on.")]}) from None
        serializer.instance = self.fresh(comment)

    def perform_update(self, serializer):
        data = serializer.validated_data
        text = data.get("text", serializer.instance.text)
        comment = services.comment_edit(comment=serializer.instance, text=text, expected_version=data["version"])
        serializer.instance = self.fresh(comment)

    def perform_destroy(self, instance):
        services.comment_delete(comment=instance, by=self.request.user, expected_version=self.delete_version())
