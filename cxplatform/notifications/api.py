"""notifications/ in the API: one's own notifications (newest first, `?unread=true` for the unread ones), mark
one read, mark all read. Nobody sees or marks anyone else's."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from cxplatform.notifications import selectors, services
from cxplatform.notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(read_only=True, help_text=_("What happened, in the request's language."))

    class Meta:
        model = Notification
        fields = ["id", "kind", "actor", "message", "about", "excerpt", "url", "created_at", "read_at"]
        read_only_fields = fields


MARKED = inline_serializer("NotificationsMarked", fields={"marked": serializers.IntegerField()})


@extend_schema(parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description=_("Only the unread ones."))])
class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Your notifications: mentions in comments, comments on what you own."""

    serializer_class = NotificationSerializer
    filter_backends: list = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a user
            return Notification.objects.none()
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true")
        return selectors.notification_list(user=self.request.user, unread_only=unread)

    @extend_schema(
        request=None,
        responses={200: NotificationSerializer, 404: OpenApiResponse(description=_("Not yours, or gone."))},
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = self.get_object()
        services.notification_mark_read(user=request.user, notification_id=notification.pk)
        notification.refresh_from_db()
        return Response(self.get_serializer(notification).data)

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})
