"""The inner loop: follow-up cases for detractors and dissatisfied customers."""

from __future__ import annotations

from django.db.models import QuerySet

from metrics.models import SurveyResponse


def followups_open_for(*, responses: QuerySet[SurveyResponse]) -> int:
    """Open a case for each NPS 0-6 / CSAT 1-2 response in `responses` that names a touchpoint and has no
    case yet, set-based (one INSERT ... SELECT). Returns the number of cases opened."""
    raise NotImplementedError  # the follow-up helper writes this
