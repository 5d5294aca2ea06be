"""webhooks/ in the API, admins only: the subscriptions (list, create, read, change, delete, pause, resume, send a
test event) and each one's deliveries (webhooks/<id>/deliveries/, newest first; re-send one)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from cxplatform.api.viewsets import ServiceViewSetMixin
from cxplatform.webhooks import selectors, services
from cxplatform.webhooks.events import SUBSCRIBABLE
from cxplatform.webhooks.models import BodyFormat, WebhookDelivery, WebhookSubscription
from cxplatform.webhooks.permissions import can_manage_webhooks


class IsWebhookAdmin(permissions.BasePermission):
    message = _("Only admins manage webhooks.")

    def has_permission(self, request, view) -> bool:
        return can_manage_webhooks(request.user)


class SubscriptionSerializer(serializers.ModelSerializer):
    url = serializers.URLField(max_length=500, help_text=_("Where the events are POSTed (http:// or https://)."))
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=SUBSCRIBABLE), allow_empty=False, max_length=len(SUBSCRIBABLE)
    )
    body_format = serializers.ChoiceField(choices=BodyFormat.choices, default=BodyFormat.JSON)
    owner = serializers.SlugRelatedField(slug_field="username", read_only=True)
    delivered_count = serializers.IntegerField(read_only=True)
    failing_count = serializers.IntegerField(read_only=True)
    last_delivery_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = WebhookSubscription
        fields = [
            "id",
            "name",
            "url",
            "events",
            "body_format",
            "secret",
            "is_active",
            "paused_reason",
            "paused_at",
            "owner",
            "created_at",
            "updated_at",
            "delivered_count",
            "failing_count",
            "last_delivery_at",
        ]
        read_only_fields = ["secret", "is_active", "paused_reason", "paused_at", "created_at", "updated_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("http://", "https://")):
            raise serializers.ValidationError(_("Enter an http:// or https:// URL."))
        return value


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "event_type",
            "event_id",
            "payload",
            "status",
            "attempts",
            "next_attempt_at",
            "first_attempt_at",
            "last_attempt_at",
            "last_response_code",
            "last_error",
            "last_response_ms",
            "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


def _service(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as error:
        raise serializers.ValidationError(
            error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        ) from error


class WebhookSubscriptionViewSet(ServiceViewSetMixin, viewsets.ModelViewSet):
    """Webhook subscriptions: a URL sent the chosen events, signed as Standard Webhooks specifies (admins)."""

    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated, IsWebhookAdmin]
    filter_backends: list = []
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.subscription_list().order_by("name", "id")

    def get_serializer_class(self):
        if self.action in ("deliveries", "resend", "test"):
            return WebhookDeliverySerializer
        return SubscriptionSerializer

    def perform_create(self, serializer):
        serializer.instance = _service(
            services.subscription_create, owner=self.request.user, **serializer.validated_data
        )

    def create(self, request: Request, *args, **kwargs) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return Response(self.get_serializer(self.fresh(serializer.instance)).data, status=status.HTTP_201_CREATED)

    def update(self, request: Request, *args, **kwargs) -> Response:
        subscription = self.get_object()
        serializer = self.get_serializer(subscription, data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        _service(services.subscription_update, subscription=subscription, **serializer.validated_data)
        return Response(self.get_serializer(self.fresh(subscription)).data)

    def perform_destroy(self, instance):
        services.subscription_delete(subscription=instance)

    @extend_schema(request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def pause(self, request: Request, pk=None) -> Response:
        subscription = self.get_object()
        services.subscription_pause(subscription=subscription, reason=str(_("Paused through the API.")))
        return Response(SubscriptionSerializer(self.fresh(subscription)).data)

    @extend_schema(request=None, responses={200: SubscriptionSerializer})
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk=None) -> Response:
        subscription = self.get_object()
        services.subscription_resume(subscription=subscription)
        return Response(SubscriptionSerializer(self.fresh(subscription)).data)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer, 400: OpenApiResponse(description=_("The subscription is paused."))},
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk=None) -> Response:
        """Send the subscription a test event (queued; its delivery is answered)."""
        subscription = get_object_or_404(WebhookSubscription, pk=pk)
        delivery = _service(services.subscription_send_test, subscription=subscription, by=request.user)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses={200: WebhookDeliverySerializer(many=True)})
    @action(detail=True, methods=["get"])
    def deliveries(self, request: Request, pk=None) -> Response:
        """The subscription's deliveries, newest first, with their status, response code and attempts."""
        subscription = get_object_or_404(WebhookSubscription, pk=pk)
        page = self.paginate_queryset(selectors.delivery_list(subscription=subscription))
        return self.get_paginated_response(WebhookDeliverySerializer(page, many=True).data)

    @extend_schema(
        request=None,
        responses={202: WebhookDeliverySerializer, 400: OpenApiResponse(description=_("The subscription is paused."))},
    )
    @action(detail=True, methods=["post"], url_path=r"deliveries/(?P<delivery_id>[0-9]+)/resend")
    def resend(self, request: Request, pk=None, delivery_id=None) -> Response:
        """Send a delivery again (same message id, a new day of retries)."""
        delivery = get_object_or_404(
            WebhookDelivery.objects.select_related("subscription"), pk=delivery_id, subscription=pk
        )
        delivery = _service(services.delivery_resend, delivery=delivery)
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
