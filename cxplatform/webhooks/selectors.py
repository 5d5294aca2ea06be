"""Reads: the subscriptions with their delivery figures, and a subscription's deliveries."""

from __future__ import annotations

from django.db.models import Count, Max, Q, QuerySet

from cxplatform.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription


def subscription_list() -> QuerySet[WebhookSubscription]:
    """Each subscription with its owner, its deliveries counted by outcome and the last delivery's time."""
    return (
        WebhookSubscription.objects.select_related("owner")
        .annotate(
            delivered_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.SUCCEEDED)),
            failing_count=Count(
                "deliveries", filter=Q(deliveries__status__in=[DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP])
            ),
            last_delivery_at=Max("deliveries__created_at"),
        )
        .order_by("name", "id")
    )


def delivery_list(*, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-created_at", "-id")
