"""The theme figures (contract; implemented in issue 17's analysis work).

Scope: a journey (or all journeys), optionally one stage, touchpoint or channel, and a period of days.
A theme's NPS impact compares the NPS of the NPS responses in scope that mention it with the NPS of those that do
not (with or without a comment), with the 95% margin of that difference
(1.96 x sqrt(se_with^2 + se_without^2), each se from DOMAIN.md's NPS margin). "Points of NPS this theme costs" is
the gain in the scope's NPS if its mentions scored like the rest: nps_without - nps_all
(= mentions / n x (nps_without - nps_with)); positive means the theme costs NPS. Ranked by that, highest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from metrics.models import Theme


@dataclass(frozen=True)
class Scope:
    day_from: date
    day_to: date
    journey_id: int | None = None
    stage_id: int | None = None
    touchpoint_id: int | None = None
    channel_id: int | None = None


@dataclass
class ThemeFigure:
    theme: Theme
    mentions: int  # responses in scope whose comment carries the theme (any metric)
    share: float  # % of the responses in scope with a comment
    # Mentions by bucket: detractors / passives / promoters (NPS), csat_low (1-2) / csat_high (4-5),
    # ces_low (1-3) / ces_high (5-7).
    buckets: dict[str, int] = field(default_factory=dict)
    nps_n: int = 0  # NPS responses that mention it
    nps_with: float | None = None
    nps_without: float | None = None
    impact: float | None = None  # nps_with - nps_without
    margin: float | None = None  # 95% margin of the impact
    cost: float | None = None  # points of NPS this theme costs (positive: it costs)
    low_sample: bool = False  # nps_n below KPI_MIN_SAMPLE


@dataclass
class ThemeSummary:
    scope: Scope
    responses: int  # responses in scope
    commented: int  # of which with a comment
    nps_n: int
    nps: float | None  # the scope's NPS
    figures: list[ThemeFigure]  # ranked: highest cost first, then mentions


@dataclass(frozen=True)
class Quote:
    response_id: int
    text: str  # redacted of personal data
    metric: str
    score: int
    day: date
    touchpoint: str  # its name, or ""


@dataclass(frozen=True)
class TopTheme:
    theme: Theme
    mentions: int  # among the touchpoint's low-bucket responses (detractors, CSAT 1-2, CES 1-3)
    share: float  # % of the touchpoint's low-bucket responses with a comment


def theme_summary(scope: Scope) -> ThemeSummary:
    raise NotImplementedError


def theme_trend(scope: Scope, theme_ids: list[int]) -> dict[int, list[tuple[date, int, float]]]:
    """Per theme, per month (first day) in scope: mentions and % of the month's comments."""
    raise NotImplementedError


def theme_quotes(scope: Scope, theme_id: int, *, limit: int = 3) -> list[Quote]:
    """Representative quotes: recent, varied (different scores and touchpoints first), redacted."""
    raise NotImplementedError


def top_negative_themes(*, journey_id: int, day_from: date, day_to: date) -> dict[int, TopTheme]:
    """Per touchpoint of the journey: its most mentioned negative-sentiment theme among low-bucket responses."""
    raise NotImplementedError
