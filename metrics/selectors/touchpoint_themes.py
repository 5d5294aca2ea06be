"""What the unhappy customers of each touchpoint of a journey say (issue 17): per touchpoint, its most mentioned
negative themes among its low-bucket responses (detractors, CSAT 1-2, CES 1-3) in a period.

One query whatever the number of touchpoints and themes: the mentions of the journey's active negative themes
by unhappy customers, grouped by touchpoint and theme, with the themes' names and colours. The choice of the
top theme is that of metrics.themes.selectors.top_negative_themes (most mentions; ties to the lower theme id),
which reads the same in three queries. Used by the measured map (each card's top complaint) and the key-driver
page (each driver's top themes).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count
from django.utils import translation

from metrics.models import ResponseTheme, Sentiment
from metrics.themes.selectors import low_bucket_q


@dataclass(frozen=True, slots=True)
class TouchpointTheme:
    theme_id: int
    name: str  # in the active language
    colour: str
    mentions: int  # by the touchpoint's unhappy customers in the period


def touchpoint_top_themes(
    *, journey_id: int, date_from: datetime.date, date_to: datetime.date, limit: int = 1
) -> dict[int, list[TouchpointTheme]]:
    """Per touchpoint of the journey with such mentions, its `limit` negative themes most mentioned by its unhappy
    customers in [date_from, date_to], most mentioned first. One query."""
    rows = (
        ResponseTheme.objects.filter(
            low_bucket_q(),
            journey_id=journey_id,
            touchpoint_id__isnull=False,
            day__gte=date_from,
            day__lte=date_to,
            theme__active=True,
            theme__sentiment=Sentiment.NEGATIVE,
        )
        .values_list("touchpoint_id", "theme_id", "theme__name_en", "theme__name_nl", "theme__colour")
        .annotate(n=Count("pk"))
        .order_by()
    )
    dutch = (translation.get_language() or "en").startswith("nl")
    found: dict[int, list[TouchpointTheme]] = {}
    for touchpoint_id, theme_id, name_en, name_nl, colour, n in rows:
        found.setdefault(touchpoint_id, []).append(
            TouchpointTheme(theme_id=theme_id, name=name_nl if dutch else name_en, colour=colour, mentions=n)
        )
    for themes in found.values():
        themes.sort(key=lambda theme: (-theme.mentions, theme.theme_id))
        del themes[limit:]
    return found
