"""The dashboard's "What customers say" (issue 17): the themes that cost the most points of NPS (of CSAT when the
scope has no NPS responses: theme_summary's impact metric) in the dashboard's scope and period
(metrics.themes.selectors.theme_summary), each with a short representative quote.

Three queries: the scope's totals and the themes with their counts (theme_summary), and the quotes of the themes
shown, all in one (the newest mentions of each, numbered per theme by a window function). Nothing is read for a
journey group without a journey: the themes are counted per journey, or for all journeys.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils.text import Truncator

from metrics.models import ResponseTheme
from metrics.themes.selectors import QUOTE_MIN_WORDS, Scope, ThemeFigure, quote_redactor, theme_summary

SHOWN = 5  # themes
QUOTE_CANDIDATES = 4  # the newest mentions of each theme read, of which the first long enough is quoted
QUOTE_CHARS = 160


@dataclass
class ThemeCost:
    figure: ThemeFigure
    quote: str = ""


@dataclass
class CustomerVoice:
    """`themes`: at most SHOWN, highest cost first; `commented` of `responses` in scope have a comment.
    `per_group`: a journey group was chosen without a journey (nothing was read)."""

    themes: list[ThemeCost] = field(default_factory=list)
    responses: int = 0
    commented: int = 0
    per_group: bool = False
    impact_metric: str | None = None  # "nps", "csat" (no NPS in scope) or None: what the costs are points of


def customer_voice(
    *,
    group_id: int | None,
    journey_id: int | None,
    channel_id: int | None,
    date_from: datetime.date,
    date_to: datetime.date,
) -> CustomerVoice:
    if group_id is not None and journey_id is None:
        return CustomerVoice(per_group=True)
    scope = Scope(day_from=date_from, day_to=date_to, journey_id=journey_id, channel_id=channel_id)
    summary = theme_summary(scope)
    costly = [f for f in summary.figures if f.cost is not None and f.cost > 0][:SHOWN]
    quotes = _quotes(scope, [f.theme.pk for f in costly]) if costly else {}
    return CustomerVoice(
        themes=[ThemeCost(figure=f, quote=quotes.get(f.theme.pk, "")) for f in costly],
        responses=summary.responses,
        commented=summary.commented,
        impact_metric=summary.impact_metric,
    )


def _quotes(scope: Scope, theme_ids: list[int]) -> dict[int, str]:
    """Per theme, its newest comment in scope of at least QUOTE_MIN_WORDS words among its QUOTE_CANDIDATES newest
    (else the newest), redacted of personal data and shortened. One query."""
    rows = (
        ResponseTheme.objects.filter(theme_id__in=theme_ids, **scope.filters())
        .exclude(response__comment="")
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("theme_id")], order_by=[F("day").desc(), F("response_id").desc()])
        )
        .filter(rank__lte=QUOTE_CANDIDATES)
        .order_by("theme_id", "rank")
        .values_list("theme_id", "response__comment")
    )
    candidates: dict[int, list[str]] = {}
    for theme_id, comment in rows:
        candidates.setdefault(theme_id, []).append(comment)
    redact = quote_redactor()
    quotes = {}
    for theme_id, comments in candidates.items():
        chosen = next((c for c in comments if len(c.split()) >= QUOTE_MIN_WORDS), comments[0])
        quotes[theme_id] = Truncator(redact(chosen)).chars(QUOTE_CHARS)
    return quotes
