"""settings.MAP_DEPENDENTS of the metrics app: the survey responses and follow-up cases that keep a journey,
stage or touchpoint from being deleted (journeys archives it instead)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import ngettext

from journeys.models import Touchpoint
from metrics.models import CustomKpi, FollowUpCase, SurveyResponse


def response_dependents(
    *, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None
) -> list[tuple[int, str]]:
    if journey_id is not None:
        responses = Q(journey_id=journey_id)
    elif stage_id is not None:
        # Archived touchpoints of the stage too: deleting the stage would delete them.
        responses = Q(touchpoint_id__in=Touchpoint.all_objects.filter(stage_id=stage_id).values("id"))
    else:
        responses = Q(touchpoint_id=touchpoint_id)
    count = SurveyResponse.objects.filter(responses).order_by().count()
    phrase = ngettext("%(count)s survey response", "%(count)s survey responses", count)
    return [(count, phrase % {"count": number_format(count, force_grouping=True)})]


def followup_dependents(
    *, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None
) -> list[tuple[int, str]]:
    if journey_id is not None:
        cases = Q(touchpoint__journey_id=journey_id)
    elif stage_id is not None:
        cases = Q(touchpoint__stage_id=stage_id)
    else:
        cases = Q(touchpoint_id=touchpoint_id)
    count = FollowUpCase.objects.filter(cases).order_by().count()
    phrase = ngettext("%(count)s follow-up case", "%(count)s follow-up cases", count)
    return [(count, phrase % {"count": number_format(count, force_grouping=True)})]


def kpi_dependents(
    *, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None
) -> list[tuple[int, str]]:
    """Custom KPIs with measurements on the journey or touchpoint: deleting it would delete them (CASCADE)."""
    if journey_id is not None:
        kpis = Q(journey_id=journey_id) | Q(touchpoint__journey_id=journey_id)
    elif stage_id is not None:
        kpis = Q(touchpoint__stage_id=stage_id)
    else:
        kpis = Q(touchpoint_id=touchpoint_id)
    count = CustomKpi.objects.filter(kpis, measurements__isnull=False).order_by().distinct().count()
    phrase = ngettext("%(count)s measured custom KPI", "%(count)s measured custom KPIs", count)
    return [(count, phrase % {"count": number_format(count, force_grouping=True)})]
