"""The theme figures (contract; implemented in issue 17's analysis work).

Scope: a journey (or all journeys), optionally one stage, touchpoint or channel, and a period of days.
A theme's NPS impact compares the NPS of the NPS responses in scope that mention it with the NPS of those that do
not (with or without a comment), with the 95% margin of that difference
(1.96 x sqrt(se_with^2 + se_without^2), each se from DOMAIN.md's NPS margin). "Points of NPS this theme costs" is
the gain in the scope's NPS if its mentions scored like the rest: nps_without - nps_all
(= mentions / n x (nps_without - nps_with)); positive means the theme costs NPS. Ranked by that, highest first.

Written out, with p and d the promoter and detractor shares of a group of n NPS responses and
v = p + d - (p - d)^2 (the variance of one response's +1 / 0 / -1, as in DOMAIN.md's margin):

    nps_with    = 100 x (p_with - d_with)           over the NPS responses that mention the theme
    nps_without = 100 x (p_without - d_without)     over the other NPS responses in scope
    impact      = nps_with - nps_without
    margin      = 1.96 x 100 x sqrt(v_with / n_with + v_without / n_without)
    cost        = nps_without - nps_all = n_with / n x (nps_without - nps_with)

The same comparison is made for CSAT (top-2-box: the % of CSAT responses scoring 4 or 5, DOMAIN.md), with the
95% margin of a difference of two proportions:

    csat_with    = 100 x h_with / n_with            over the CSAT responses that mention the theme
    csat_without = 100 x h_without / n_without      over the other CSAT responses in scope
    csat_impact  = csat_with - csat_without
    csat_margin  = 1.96 x 100 x sqrt(p_with (1 - p_with) / n_with + p_without (1 - p_without) / n_without)
    csat_cost    = csat_without - csat_all

Programmes ask NPS at the journey level and CSAT (or CES) at touchpoints, so a touchpoint's scope often has no
NPS at all. The impact is shown on ONE metric per scope (ThemeFigure.impact_metric, ThemeSummary.impact_metric):
NPS when the scope has NPS responses, else CSAT when it has CSAT responses, else none. The generic properties of
a figure (impact_with, impact_without, impact, margin, cost, low_sample) read that metric, and the ranking uses
its cost.

Everything is counted in the database, in a number of queries that does not depend on the number of themes,
responses or months: ResponseTheme carries each mention's journey, touchpoint, channel, day, metric and score,
so a theme's figures are one GROUP BY over it; the totals of the scope (responses, comments, NPS) one aggregate
over SurveyResponse with the same filter (its comments: those with a Verbatim row, see HAS_COMMENT). A stage's
scope is its touchpoints.

Speed (issue 17): the counts read only columns that the scope indexes hold (COUNTED; metric, score, theme,
touchpoint, channel), so that PostgreSQL answers them with index-only scans of response_journey_day,
response_commented_scope and response_theme_journey_day instead of reading the wide rows (bench/themes_bench.py:
a journey's year among 1,000,000 responses, p95 about 250 -> 50 ms). Index-only scans need the visibility map,
which autovacuum keeps (it runs after bulk inserts).
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, TypedDict, cast

from django.db.models import Count, F, Func, Max, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import translation

from journeys.models import Touchpoint
from metrics import formulas
from metrics.models import METRIC_BUCKETS, Metric, ResponseTheme, Sentiment, SurveyResponse, Theme
from metrics.periods import month_start, next_month_start
from metrics.privacy.redaction import KINDS, Redactor

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

LAST_MONTH = date(9999, 12, 1)
# A response "with a comment": every such response has its Verbatim row (the tagging writes it at ingest and
# rebuilds it when the comment changes), so the two are the same set; the comment is tested on the response row
# the totals read anyway, since a join with the verbatims made the scope's totals 2.6 times slower (166 against
# 64 ms for a journey's year among 1,000,000 responses). A ResponseTheme row exists only for such a response, so
# a theme's share never exceeds 100%.
HAS_COMMENT = ~Q(comment="")
# A quote is a comment of at least this many words: "Slecht." tells the reader nothing.
QUOTE_MIN_WORDS = 5
# The quotes are chosen among this many of the theme's most recent mentions per quote asked.
QUOTE_CANDIDATES_PER_QUOTE = 20
# Bucket keys of ThemeFigure.buckets, with the metric and score range of each.
BUCKETS: dict[str, tuple[str, int, int]] = {
    "detractors": (Metric.NPS, 0, 6),
    "passives": (Metric.NPS, 7, 8),
    "promoters": (Metric.NPS, 9, 10),
    "csat_low": (Metric.CSAT, 1, 2),
    "csat_high": (Metric.CSAT, 4, 5),
    "ces_low": (Metric.CES, 1, 3),
    "ces_high": (Metric.CES, 5, 7),
}


@dataclass(frozen=True)
class Scope:
    day_from: date
    day_to: date
    journey_id: int | None = None
    stage_id: int | None = None
    touchpoint_id: int | None = None
    channel_id: int | None = None

    def filters(self, prefix: str = "") -> dict[str, Any]:
        """Field lookups of this scope on SurveyResponse or ResponseTheme (they name the fields alike), under
        `prefix` ("mentions__" from Theme): to be passed to ONE filter() call, so that a multi-valued relation
        is joined once and the annotations count the rows the filter kept."""
        lookups: dict[str, Any] = {f"{prefix}day__gte": self.day_from, f"{prefix}day__lte": self.day_to}
        if self.journey_id is not None:
            lookups[f"{prefix}journey_id"] = self.journey_id
        if self.touchpoint_id is not None:
            lookups[f"{prefix}touchpoint_id"] = self.touchpoint_id
        if self.stage_id is not None:
            lookups[f"{prefix}touchpoint_id__in"] = Touchpoint.all_objects.filter(stage_id=self.stage_id).values("pk")
        if self.channel_id is not None:
            lookups[f"{prefix}channel_id"] = self.channel_id
        return lookups


def impact_metric_of(totals: Mapping[str, Any]) -> str | None:
    """The metric a scope's theme impact is shown on: NPS when it has NPS responses, else CSAT when it has CSAT
    responses, else None."""
    if totals.get("nps_n"):
        return Metric.NPS.value
    if totals.get("csat_n"):
        return Metric.CSAT.value
    return None


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
    nps_impact: float | None = None  # nps_with - nps_without
    nps_margin: float | None = None  # 95% margin of the impact
    nps_cost: float | None = None  # points of NPS this theme costs (positive: it costs)
    without_n: int = 0  # NPS responses in scope that do not mention it
    csat_n: int = 0  # CSAT responses that mention it
    csat_without_n: int = 0  # CSAT responses in scope that do not
    csat_with: float | None = None  # % of csat_n scoring 4-5
    csat_without: float | None = None
    csat_impact: float | None = None  # csat_with - csat_without, in points
    csat_margin: float | None = None  # 95% margin of the impact
    csat_cost: float | None = None  # points of CSAT this theme costs (positive: it costs)
    nps_low_sample: bool = False  # 0 < nps_n < KPI_MIN_SAMPLE (no NPS mention: no figure, no flag)
    csat_low_sample: bool = False  # 0 < csat_n < KPI_MIN_SAMPLE
    impact_metric: str | None = None  # "nps", "csat" or None: the metric of the generic properties below
    url: str = ""  # the theme's page in this scope (set by the analysis view)

    def _of(self, name: str) -> Any:
        return None if self.impact_metric is None else getattr(self, f"{self.impact_metric}_{name}")

    @property
    def impact_with(self) -> float | None:
        """The impact metric among the responses that mention the theme."""
        return self._of("with")

    @property
    def impact_without(self) -> float | None:
        return self._of("without")

    @property
    def impact_n(self) -> int:
        """The impact metric's responses that mention the theme."""
        return self._of("n") or 0

    @property
    def impact_without_n(self) -> int:
        if self.impact_metric == Metric.CSAT:
            return self.csat_without_n
        return self.without_n if self.impact_metric == Metric.NPS else 0

    @property
    def impact(self) -> float | None:
        """impact_with - impact_without, in points of the impact metric."""
        return self._of("impact")

    @property
    def margin(self) -> float | None:
        return self._of("margin")

    @property
    def cost(self) -> float | None:
        """Points of the impact metric this theme costs (positive: it costs)."""
        return self._of("cost")

    @property
    def low_sample(self) -> bool:
        """Some, but fewer than KPI_MIN_SAMPLE, responses of the impact metric mention it (none: no figure, no
        flag)."""
        return bool(self._of("low_sample"))

    @property
    def significant(self) -> bool:
        """The impact is further from 0 than its margin: not chance, at 95%."""
        return self.impact is not None and self.margin is not None and abs(self.impact) > self.margin


@dataclass
class ThemeSummary:
    scope: Scope
    responses: int  # responses in scope
    commented: int  # of which with a comment
    nps_n: int
    nps: float | None  # the scope's NPS
    figures: list[ThemeFigure]  # ranked: highest cost first, then mentions
    csat_n: int = 0
    csat: float | None = None  # the scope's CSAT (% 4-5)
    impact_metric: str | None = None  # "nps", "csat" or None (impact_metric_of)


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


def _bucket_q(metric: str, low: int, high: int, prefix: str = "") -> Q:
    return Q(**{f"{prefix}metric": metric, f"{prefix}score__gte": low, f"{prefix}score__lte": high})


def low_bucket_q(prefix: str = "") -> Q:
    """Detractors (NPS 0-6), CSAT 1-2 and CES 1-3 (models.METRIC_BUCKETS)."""
    condition = Q()
    for metric, (low, _high) in METRIC_BUCKETS.items():
        condition |= Q(**{f"{prefix}metric": metric, f"{prefix}score__lte": low})
    return condition


def _nps(promoters: int, detractors: int, n: int) -> float | None:
    return None if n == 0 else 100 * (promoters - detractors) / n


def _variance(promoters: int, detractors: int, n: int) -> float:
    p, d = promoters / n, detractors / n
    return max(p + d - (p - d) ** 2, 0.0)


def nps_impact(
    *, with_: tuple[int, int, int], total: tuple[int, int, int]
) -> tuple[float | None, float | None, float | None, float | None, float | None]:
    """(nps_with, nps_without, impact, margin, cost), unrounded, from (n, promoters, detractors) of the mentions
    and of all NPS responses in scope (the module docstring has the formulas). None where a group is empty."""
    n_w, p_w, d_w = with_
    n_all, p_all, d_all = total
    n_o, p_o, d_o = n_all - n_w, p_all - p_w, d_all - d_w
    nps_with, nps_without = _nps(p_w, d_w, n_w), _nps(p_o, d_o, n_o)
    if nps_with is None or nps_without is None:
        return nps_with, nps_without, None, None, None
    impact = nps_with - nps_without
    margin = formulas.Z_95 * 100 * math.sqrt(_variance(p_w, d_w, n_w) / n_w + _variance(p_o, d_o, n_o) / n_o)
    cost = nps_without - 100 * (p_all - d_all) / n_all
    return nps_with, nps_without, impact, margin, cost


def csat_impact(
    *, with_: tuple[int, int], total: tuple[int, int]
) -> tuple[float | None, float | None, float | None, float | None, float | None]:
    """(csat_with, csat_without, impact, margin, cost), unrounded, from (n, responses scoring 4-5) of the mentions
    and of all CSAT responses in scope (the module docstring has the formulas). None where a group is empty."""
    n_w, h_w = with_
    n_all, h_all = total
    n_o, h_o = n_all - n_w, h_all - h_w
    csat_with = None if n_w == 0 else 100 * h_w / n_w
    csat_without = None if n_o == 0 else 100 * h_o / n_o
    if csat_with is None or csat_without is None:
        return csat_with, csat_without, None, None, None
    p_w, p_o = h_w / n_w, h_o / n_o
    margin = formulas.Z_95 * 100 * math.sqrt(max(p_w * (1 - p_w), 0.0) / n_w + max(p_o * (1 - p_o), 0.0) / n_o)
    cost = csat_without - 100 * h_all / n_all
    return csat_with, csat_without, csat_with - csat_without, margin, cost


def _round(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 1)


def _pct(part: int, whole: int) -> float:
    return 0.0 if not whole else round(100 * part / whole, 1)


# What the counts count: a NOT NULL column that the scope indexes hold (response_journey_day, ...,
# response_theme_journey_day), so COUNT(score) = COUNT(*) and PostgreSQL reads the counts from the indexes alone
# (index-only scans); COUNT(id) would fetch every row from the table. (Count("*") takes no filter.)
COUNTED = "score"


def _score_counts() -> dict[str, Count]:
    lo, hi = METRIC_BUCKETS[Metric.NPS]
    return {
        "responses": Count(COUNTED),
        "nps_n": Count(COUNTED, filter=Q(metric=Metric.NPS)),
        "promoters": Count(COUNTED, filter=Q(metric=Metric.NPS, score__gte=hi)),
        "detractors": Count(COUNTED, filter=Q(metric=Metric.NPS, score__lte=lo)),
        "csat_n": Count(COUNTED, filter=Q(metric=Metric.CSAT)),
        "csat_high": Count(COUNTED, filter=_bucket_q(*BUCKETS["csat_high"])),
    }


def _total_counts() -> dict[str, Count]:
    return {**_score_counts(), "commented": Count(COUNTED, filter=HAS_COMMENT)}


def scope_totals(scope: Scope) -> dict[str, int]:
    """One query: responses, comments, NPS responses, promoters and detractors, CSAT responses and those
    scoring 4-5 in scope.

    The comments are counted in a subquery of their own over the responses with a comment (the partial index
    response_commented_scope), the rest over response_journey_day / response_touchpoint_day: both from the
    indexes alone. One aggregate over both (COUNT ... FILTER (WHERE comment <> '')) would read every row of the
    scope from the table for its comment (about 100 against 40 ms for a journey's year among 1,000,000)."""
    commented = (
        SurveyResponse.objects.filter(HAS_COMMENT, **scope.filters())
        .order_by()
        .annotate(n=Func(F(COUNTED), function="COUNT"))  # not an aggregate to Django: no GROUP BY
        .values("n")
    )
    return SurveyResponse.objects.filter(**scope.filters()).aggregate(
        **_score_counts(), commented=Coalesce(Max(Subquery(commented)), 0)
    )


class ThemeCounts(TypedDict):
    """What _mentioned_themes annotates on each theme: its mentions, NPS and CSAT mentions and mentions per
    bucket."""

    n_mentions: int
    n_nps: int
    n_csat: int
    detractors: int
    passives: int
    promoters: int
    csat_low: int
    csat_high: int
    ces_low: int
    ces_high: int


def _mentioned_themes(
    scope: Scope, theme_ids: Collection[int] | None = None
) -> QuerySet[WithAnnotations[Theme, ThemeCounts]]:
    """The active themes mentioned in scope, each with its counts (one query: a join of Theme with its mentions
    in scope and one GROUP BY theme with conditional counts)."""
    counts = {
        name: Count(f"mentions__{COUNTED}", filter=_bucket_q(metric, low, high, "mentions__"))
        for name, (metric, low, high) in BUCKETS.items()
    }
    themes = Theme.objects.all() if theme_ids is None else Theme.objects.filter(pk__in=list(theme_ids))
    mentioned = (
        themes.filter(active=True, **scope.filters("mentions__"))
        .annotate(
            n_mentions=Count(f"mentions__{COUNTED}"),
            n_nps=Count(f"mentions__{COUNTED}", filter=Q(mentions__metric=Metric.NPS)),
            n_csat=Count(f"mentions__{COUNTED}", filter=Q(mentions__metric=Metric.CSAT)),
            **counts,
        )
        .order_by()
    )
    # The stubs cannot see the bucket counts annotated through **counts (the keys of BUCKETS).
    return cast("QuerySet[WithAnnotations[Theme, ThemeCounts]]", mentioned)


def theme_figure(
    theme: Theme, mentions: int, buckets: dict[str, int], nps_n: int, totals: Mapping[str, Any], *, csat_n: int = 0
) -> ThemeFigure:
    """A theme's figures from its counts (its NPS and CSAT mentions: nps_n, csat_n) and the totals of its scope
    (responses, commented, nps_n, promoters, detractors, csat_n, csat_high: scope_totals)."""
    with_ = (nps_n, buckets["promoters"], buckets["detractors"])
    nps_with, nps_without, impact, margin, cost = nps_impact(
        with_=with_, total=(totals["nps_n"], totals["promoters"], totals["detractors"])
    )
    all_csat = totals.get("csat_n", 0)
    c_with, c_without, c_impact, c_margin, c_cost = csat_impact(
        with_=(csat_n, buckets["csat_high"]), total=(all_csat, totals.get("csat_high", 0))
    )
    return ThemeFigure(
        theme=theme,
        mentions=mentions,
        share=_pct(mentions, totals["commented"]),
        buckets=buckets,
        nps_n=nps_n,
        nps_with=_round(nps_with),
        nps_without=_round(nps_without),
        nps_impact=_round(impact),
        nps_margin=_round(margin),
        nps_cost=_round(cost),
        without_n=totals["nps_n"] - nps_n,
        csat_n=csat_n,
        csat_without_n=all_csat - csat_n,
        csat_with=_round(c_with),
        csat_without=_round(c_without),
        csat_impact=_round(c_impact),
        csat_margin=_round(c_margin),
        csat_cost=_round(c_cost),
        nps_low_sample=nps_n > 0 and formulas.is_low_sample(nps_n),
        csat_low_sample=csat_n > 0 and formulas.is_low_sample(csat_n),
        impact_metric=impact_metric_of(totals),
    )


def rank_key(figure: ThemeFigure) -> tuple:
    """Highest cost (in points of the figure's impact metric) first (no cost last), then most mentions, then
    name."""
    cost = figure.cost
    return (cost is None, -(cost or 0.0), -figure.mentions, figure.theme.name_en.lower(), figure.theme.pk)


def theme_summary(scope: Scope, *, theme_ids: Collection[int] | None = None) -> ThemeSummary:
    """Every active theme mentioned in scope (or those of `theme_ids` only) with its figures, ranked by the points
    of the impact metric (NPS, else CSAT: impact_metric_of) it costs (then by mentions, then name). Two queries:
    the scope's totals and the themes with their counts."""
    totals = scope_totals(scope)
    figures = [
        theme_figure(
            theme,
            theme.n_mentions,
            {name: getattr(theme, name) for name in BUCKETS},
            theme.n_nps,
            totals,
            csat_n=theme.n_csat,
        )
        for theme in _mentioned_themes(scope, theme_ids)
    ]
    figures.sort(key=rank_key)
    return ThemeSummary(
        scope=scope,
        responses=totals["responses"],
        commented=totals["commented"],
        nps_n=totals["nps_n"],
        nps=_round(_nps(totals["promoters"], totals["detractors"], totals["nps_n"])),
        figures=figures,
        csat_n=totals["csat_n"],
        csat=None if not totals["csat_n"] else _round(100 * totals["csat_high"] / totals["csat_n"]),
        impact_metric=impact_metric_of(totals),
    )


def scope_months(scope: Scope) -> list[date]:
    """The first day of every month the scope touches."""
    months, month = [], month_start(scope.day_from)
    while month <= scope.day_to:
        months.append(month)
        if month >= LAST_MONTH:  # the next one would be past date.max
            break
        month = next_month_start(month)
    return months


def theme_trend(scope: Scope, theme_ids: list[int]) -> dict[int, list[tuple[date, int, float]]]:
    """Per theme, per month (first day) in scope: mentions and % of the month's comments.

    Every month of the scope is listed (0 mentions, 0.0% where none), so the chart's lines have no gaps.
    Two queries: the mentions per theme and month, the comments per month."""
    if not theme_ids:
        return {}
    mentions = {
        (row["theme_id"], row["month"]): row["n"]
        for row in ResponseTheme.objects.filter(theme_id__in=theme_ids, **scope.filters())
        .annotate(month=TruncMonth("day"))
        .values("theme_id", "month")
        .annotate(n=Count(COUNTED))
        .order_by()
    }
    comments = {
        row["month"]: row["n"]
        for row in SurveyResponse.objects.filter(HAS_COMMENT, **scope.filters())
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Count(COUNTED))
        .order_by()
    }
    months = scope_months(scope)
    trend: dict[int, list[tuple[date, int, float]]] = {}
    for theme_id in theme_ids:
        trend[theme_id] = [
            (
                month,
                mentions.get((theme_id, month), 0),
                _pct(mentions.get((theme_id, month), 0), comments.get(month, 0)),
            )
            for month in months
        ]
    return trend


def quote_redactor() -> Redactor:
    # Every kind, whatever the source redacted at the door: a quote is shown to everyone who reads the figures.
    return Redactor(KINDS)


def theme_quotes(scope: Scope, theme_id: int, *, limit: int = 3) -> list[Quote]:
    """Representative quotes: recent, varied (different scores and touchpoints first), redacted.

    One query: the theme's most recent mentions in scope with their comments (QUOTE_CANDIDATES_PER_QUOTE per
    quote asked). Comments shorter than QUOTE_MIN_WORDS words are passed over. The newest comment comes first;
    each next one is the newest with a score and a touchpoint not yet quoted, else with either new, else the
    newest left. Returned newest first."""
    if limit <= 0:
        return []
    rows = list(
        ResponseTheme.objects.filter(theme_id=theme_id, **scope.filters())
        .exclude(response__comment="")
        .order_by("-day", "-response_id")
        .values_list("response_id", "response__comment", "metric", "score", "day", "touchpoint_id", "touchpoint__name")[
            : limit * QUOTE_CANDIDATES_PER_QUOTE
        ]
    )
    candidates = [row for row in rows if len(row[1].split()) >= QUOTE_MIN_WORDS]
    chosen: list[tuple] = []
    scores: set[tuple[str, int]] = set()
    touchpoints: set[int | None] = set()
    for need_both in (True, False, None):
        for row in candidates:
            if len(chosen) >= limit:
                break
            if row in chosen:
                continue
            new_score, new_touchpoint = (row[2], row[3]) not in scores, row[5] not in touchpoints
            if (need_both is True and not (new_score and new_touchpoint)) or (
                need_both is False and not (new_score or new_touchpoint)
            ):
                continue
            chosen.append(row)
            scores.add((row[2], row[3]))
            touchpoints.add(row[5])
    chosen.sort(key=lambda row: (row[4], row[0]), reverse=True)
    redact = quote_redactor()
    return [
        Quote(response_id=row[0], text=redact(row[1]), metric=row[2], score=row[3], day=row[4], touchpoint=row[6] or "")
        for row in chosen
    ]


@dataclass(frozen=True, slots=True)
class TouchpointTheme:
    theme_id: int
    name: str  # in the active language
    colour: str
    mentions: int  # by the touchpoint's unhappy customers in the period


def touchpoint_top_themes(
    *, journey_id: int, date_from: date, date_to: date, limit: int = 1
) -> dict[int, list[TouchpointTheme]]:
    """Per touchpoint of the journey with such mentions, its `limit` negative themes most mentioned by its unhappy
    customers (low-bucket responses: detractors, CSAT 1-2, CES 1-3) in [date_from, date_to], most mentioned first,
    ties to the lower theme id. One query whatever the number of touchpoints and themes (the measured map's top
    complaint, the key-driver page's themes)."""
    scope = Scope(day_from=date_from, day_to=date_to, journey_id=journey_id)
    rows = (
        ResponseTheme.objects.filter(
            low_bucket_q(),
            touchpoint_id__isnull=False,
            theme__active=True,
            theme__sentiment=Sentiment.NEGATIVE,
            **scope.filters(),
        )
        .values_list("touchpoint_id", "theme_id", "theme__name_en", "theme__name_nl", "theme__colour")
        .annotate(n=Count(COUNTED))
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


def top_negative_themes(*, journey_id: int, day_from: date, day_to: date) -> dict[int, TopTheme]:
    """Per touchpoint of the journey: its most mentioned negative-sentiment theme among low-bucket responses
    (touchpoint_top_themes), with its share of those responses' comments. Three queries: the mentions, the
    touchpoints' low-bucket comments, the themes. A touchpoint without such a mention is left out."""
    scope = Scope(day_from=day_from, day_to=day_to, journey_id=journey_id)
    best = {
        touchpoint_id: top
        for touchpoint_id, (top,) in touchpoint_top_themes(
            journey_id=journey_id, date_from=day_from, date_to=day_to
        ).items()
    }
    if not best:
        return {}
    commented = dict(
        SurveyResponse.objects.filter(low_bucket_q(), HAS_COMMENT, touchpoint_id__in=list(best), **scope.filters())
        .values_list("touchpoint_id")
        .annotate(n=Count(COUNTED))
        .order_by()
    )
    themes = Theme.objects.in_bulk({top.theme_id for top in best.values()})
    return {
        touchpoint_id: TopTheme(
            theme=themes[top.theme_id], mentions=top.mentions, share=_pct(top.mentions, commented.get(touchpoint_id, 0))
        )
        for touchpoint_id, top in best.items()
        if top.theme_id in themes
    }


__all__ = [
    "BUCKETS",
    "GROUP_BYS",
    "Quote",
    "Scope",
    "ThemeBreakdownRow",
    "ThemeFigure",
    "ThemeSummary",
    "ThemeTouchpoint",
    "TopTheme",
    "TouchpointTheme",
    "csat_impact",
    "impact_metric_of",
    "low_bucket_q",
    "nps_impact",
    "quote_redactor",
    "scope_totals",
    "theme_breakdown",
    "theme_figure",
    "theme_quotes",
    "theme_summary",
    "theme_touchpoints",
    "theme_trend",
    "top_negative_themes",
    "touchpoint_top_themes",
]


@dataclass
class ThemeBreakdownRow:
    key: int | date | None  # the touchpoint's id (None: responses about no touchpoint) or the month's first day
    label: str  # the touchpoint's name, or the month as YYYY-MM
    figure: ThemeFigure  # against the totals of this touchpoint or month


GROUP_BYS = ("theme", "touchpoint", "month")


def theme_breakdown(scope: Scope, group_by: str) -> list[ThemeBreakdownRow]:
    """Per touchpoint or per month of the scope, each active theme mentioned there with its figures against that
    touchpoint's or month's own totals (NPS and CSAT with vs without, their margins, the costs; each row's impact
    metric from those totals), in touchpoint-name or month
    order, then ranked. Three queries: the totals per key, the mentions per (key, theme), the themes."""
    if group_by not in ("touchpoint", "month"):
        raise ValueError(f"group_by must be touchpoint or month, not {group_by!r}")
    counts = {
        name: Count(COUNTED, filter=_bucket_q(metric, low, high)) for name, (metric, low, high) in BUCKETS.items()
    }
    responses = SurveyResponse.objects.filter(**scope.filters())
    mentions = ResponseTheme.objects.filter(theme__active=True, **scope.filters())
    if group_by == "month":
        responses, mentions = responses.annotate(key=TruncMonth("day")), mentions.annotate(key=TruncMonth("day"))
        label_fields: tuple[str, ...] = ()
    else:
        responses = responses.annotate(key=F("touchpoint_id"), key_label=F("touchpoint__name"))
        mentions = mentions.annotate(key=F("touchpoint_id"))
        label_fields = ("key_label",)
    totals = {row["key"]: row for row in responses.values("key", *label_fields).annotate(**_total_counts()).order_by()}
    # Mappings: the stubs' row type lacks the bucket counts annotated through **counts.
    rows: Sequence[Mapping[str, Any]] = list(
        mentions.values("key", "theme_id")
        .annotate(
            n=Count(COUNTED),
            n_nps=Count(COUNTED, filter=Q(metric=Metric.NPS)),
            n_csat=Count(COUNTED, filter=Q(metric=Metric.CSAT)),
            **counts,
        )
        .order_by()
    )
    themes = Theme.objects.in_bulk({row["theme_id"] for row in rows})
    breakdown = []
    for row in rows:
        total = totals.get(row["key"])
        if total is None or row["theme_id"] not in themes:
            continue  # a mention whose response is gone (erased meanwhile): nothing to set it against
        key = row["key"]
        label = key.strftime("%Y-%m") if group_by == "month" else (total.get("key_label") or "")
        figure = theme_figure(
            themes[row["theme_id"]],
            row["n"],
            {name: row[name] for name in BUCKETS},
            row["n_nps"],
            total,
            csat_n=row["n_csat"],
        )
        breakdown.append(ThemeBreakdownRow(key=key, label=label, figure=figure))
    if group_by == "month":
        breakdown.sort(key=lambda r: (r.key, rank_key(r.figure)))
    else:
        breakdown.sort(key=lambda r: (r.key is None, r.label.lower(), r.key or 0, rank_key(r.figure)))
    return breakdown


@dataclass(frozen=True)
class ThemeTouchpoint:
    touchpoint_id: int
    name: str
    journey_id: int
    group_id: int  # the journey's group (a journey always has one)
    journey: str
    stage: str
    mentions: int
    detractors: int  # of which NPS detractors


def theme_touchpoints(scope: Scope, theme_id: int, *, limit: int = 5) -> list[ThemeTouchpoint]:
    """The touchpoints where the theme is mentioned most in scope (then by name). One query."""
    lo, _hi = METRIC_BUCKETS[Metric.NPS]
    rows = (
        ResponseTheme.objects.filter(theme_id=theme_id, touchpoint_id__isnull=False, **scope.filters())
        .values(
            "touchpoint_id",
            "touchpoint__name",
            "touchpoint__journey_id",
            "touchpoint__journey__group_id",
            "touchpoint__journey__name",
            "touchpoint__stage__name",
        )
        .annotate(n=Count(COUNTED), detractors=Count(COUNTED, filter=Q(metric=Metric.NPS, score__lte=lo)))
        .order_by("-n", "touchpoint__name", "touchpoint_id")[:limit]
    )
    return [
        ThemeTouchpoint(
            touchpoint_id=row["touchpoint_id"],
            name=row["touchpoint__name"],
            journey_id=row["touchpoint__journey_id"],
            group_id=row["touchpoint__journey__group_id"],
            journey=row["touchpoint__journey__name"],
            stage=row["touchpoint__stage__name"],
            mentions=row["n"],
            detractors=row["detractors"],
        )
        for row in rows
    ]
