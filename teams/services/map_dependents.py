"""settings.MAP_DEPENDENTS of the teams app: the improvement actions that keep a journey, stage or touchpoint
from being deleted (journeys archives it instead)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import ngettext

from teams.models import ImprovementAction


def map_dependents(
    *, journey_id: int | None = None, stage_id: int | None = None, touchpoint_id: int | None = None
) -> list[tuple[int, str]]:
    if journey_id is not None:
        actions = Q(journey_id=journey_id)
    elif stage_id is not None:
        actions = Q(stage_id=stage_id) | Q(touchpoint__stage_id=stage_id)
    else:
        actions = Q(touchpoint_id=touchpoint_id)
    count = ImprovementAction.objects.filter(actions).order_by().count()
    phrase = ngettext("%(count)s improvement action", "%(count)s improvement actions", count) % {
        "count": number_format(count, force_grouping=True)
    }
    return [(count, phrase)]
