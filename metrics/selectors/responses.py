"""Reads of survey responses."""

from __future__ import annotations

from django.db.models import QuerySet

from metrics.models import SurveyResponse


def response_list() -> QuerySet[SurveyResponse]:
    """Newest first; the channel comes along (its slug is shown), journey and touchpoint by id only."""
    return SurveyResponse.objects.select_related("channel").order_by("-responded_at", "-id")
