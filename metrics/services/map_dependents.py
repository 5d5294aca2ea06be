"""settings.MAP_DEPENDENTS of the metrics app: the survey responses and follow-up cases that keep a journey,
stage or touchpoint from being deleted (journeys archives it instead)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import ngettext

from journeys.models import Touchpoint
from metrics.models import FollowUpCase, SurveyResponse


def map_dependents(
    *, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None
) -> list[tuple[int, str]]:
    if journey_id is not None:
        responses, cases = Q(journey_id=journey_id), Q(touchpoint__journey_id=journey_id)
    elif stage_id is not None:
        # Archived touchpoints of the stage too: deleting the stage would delete them.
        touchpoints = Touchpoint.all_objects.filter(stage_id=stage_id).values("id")
        responses, cases = Q(touchpoint_id__in=touchpoints), Q(touchpoint__stage_id=stage_id)
    else:
        responses, cases = Q(touchpoint_id=touchpoint_id), Q(touchpoint_id=touchpoint_id)
    n_responses = SurveyResponse.objects.filter(responses).order_by().count()
    n_cases = FollowUpCase.objects.filter(cases).order_by().count()
    return [
        (
            n_responses,
            ngettext("%(count)s survey response", "%(count)s survey responses", n_responses)
            % {"count": number_format(n_responses, force_grouping=True)},
        ),
        (
            n_cases,
            ngettext("%(count)s follow-up case", "%(count)s follow-up cases", n_cases)
            % {"count": number_format(n_cases, force_grouping=True)},
        ),
    ]
