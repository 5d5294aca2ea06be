"""Reads of survey connectors for the pages and the API: the sources with their last delivery and counts, a
source's deliveries (newest first, by status)."""

from __future__ import annotations

from datetime import datetime, time

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from metrics.models import Delivery, DeliveryStatus, SurveySource

# The deliveries to look at: rejected by the mapping or the map, or given up after a tool's API failed.
REJECTED = (DeliveryStatus.REJECTED, DeliveryStatus.FAILED)


def source_list() -> QuerySet[SurveySource]:
    """Every source, by name, annotated with `last_delivery_at`, `delivery_count`, `stored_count`,
    `rejected_count` (rejected or failed: the ones to look at) and `responses_created` (summed). One query."""
    return SurveySource.objects.select_related("created_by").annotate(
        last_delivery_at=Max("deliveries__received_at"),
        delivery_count=Count("deliveries"),
        stored_count=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.STORED)),
        rejected_count=Count("deliveries", filter=Q(deliveries__status__in=REJECTED)),
        responses_created=Coalesce(Sum("deliveries__responses_created"), 0),
    )


def source_list_with_today() -> QuerySet[SurveySource]:
    """source_list() with today's deliveries counted too (`stored_today`, `rejected_today`: since midnight, local
    time). One query."""
    midnight = timezone.make_aware(datetime.combine(timezone.localdate(), time.min))
    today = Q(deliveries__received_at__gte=midnight)
    return source_list().annotate(
        stored_today=Count("deliveries", filter=today & Q(deliveries__status=DeliveryStatus.STORED)),
        rejected_today=Count("deliveries", filter=today & Q(deliveries__status__in=REJECTED)),
    )


def source_get(*, pk: int) -> SurveySource:
    """One source, annotated as in source_list; SurveySource.DoesNotExist."""
    return source_list().get(pk=pk)


def delivery_list(*, source: SurveySource, status: str | None = None) -> QuerySet[Delivery]:
    """The source's deliveries, newest first, those of one status when `status` is given (paginate it)."""
    deliveries = Delivery.objects.filter(source=source).order_by("-received_at", "-id")
    if status:
        deliveries = deliveries.filter(status=status)
    return deliveries


def delivery_get(*, source: SurveySource, pk: int) -> Delivery:
    """One delivery of the source; Delivery.DoesNotExist (also for another source's)."""
    return Delivery.objects.select_related("source").get(source=source, pk=pk)


def latest_webhook_body(*, source: SurveySource) -> str | None:
    """The payload of the source's latest webhook delivery (what the mapping page starts from), or None."""
    return (
        Delivery.objects.filter(source=source, origin="webhook")
        .order_by("-received_at", "-id")
        .values_list("body", flat=True)
        .first()
    )
