"""Key-driver analysis of a journey: which touchpoints move the NPS of the customers who met them.

For each touchpoint, the respondents (SurveyResponse.respondent, non-empty) who gave both a journey NPS and a
score at that touchpoint in the period are *linked*. Per respondent, their NPS is the mean of their journey-level
NPS answers (touchpoint empty, metric NPS), and their touchpoint score the mean of their answers at the
touchpoint, each normalised to 0-100 of its metric's scale (CSAT 1-5, CES 1-7, NPS 0-10: METRIC_SCALES).

- Importance: Pearson's r between touchpoint score and NPS over the linked respondents, with their number n and
  whether it is significant at 5% (two-sided Student t with n − 2 degrees of freedom).
- Performance: the mean normalised touchpoint score (0-100) of the linked respondents; beside it the raw
  CSAT (% scoring 4-5) and CES mean of their answers.
- Too little data is said, not hidden: fewer than DRIVER_MIN_LINKED (default 30) linked respondents in all, and
  the analysis is not shown; a touchpoint with fewer than DRIVER_MIN_PER_TOUCHPOINT (default 10) has no
  importance ("too few linked respondents"); one where everybody gave the same score (or the same NPS) has
  no correlation ("no variation").
- Quadrants split at the median performance and the median importance of the analysed touchpoints.
  **Fix first**: the touchpoints in the high-importance, low-performance quadrant (r at or above the median,
  performance below the median) whose r is positive and significant, ranked by priority r × (100 − performance):
  the stronger the link to NPS and the more room to improve, the higher.

Queries: two, whatever the data size: the sums per touchpoint in one aggregate (served in respondent order by
the index response_journey_respondent, metrics migration 0003), and the touchpoints' names.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cxplatform.lib import generations
from journeys.models import Journey, Touchpoint, channel_label
from metrics.models import METRIC_BUCKETS, METRIC_SCALES, Metric, SurveyResponse

ALPHA = 0.05

ANALYSED = "analysed"
TOO_FEW = "too_few"
NO_VARIANCE = "no_variance"
STATUS_LABELS: dict[str, Promise] = {
    ANALYSED: _("Analysed"),
    TOO_FEW: _("Too few linked respondents"),
    NO_VARIANCE: _("No variation: everyone gave the same score"),
}

FIX_FIRST = "fix_first"
KEEP_UP = "keep_up"
LOW_PRIORITY = "low_priority"
OVERKILL = "overkill"
QUADRANT_LABELS: dict[str, Promise] = {
    FIX_FIRST: _("Fix first"),
    KEEP_UP: _("Keep up"),
    LOW_PRIORITY: _("Low priority"),
    OVERKILL: _("Possible overkill"),
}


def min_linked() -> int:
    return settings.DRIVER_MIN_LINKED


def min_per_touchpoint() -> int:
    # A correlation needs at least three pairs for its t-test (n − 2 degrees of freedom).
    return settings.DRIVER_MIN_PER_TOUCHPOINT


# Student's t, two-sided, through the regularized incomplete beta function (Numerical Recipes, 6.4).


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    tiny, eps = 1e-300, 1e-15
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 100_000):
        for numerator in (
            m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            delta = d * c
            result *= delta
        if abs(delta - 1.0) < eps:
            break
    return result


def regularized_incomplete_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), for a, b > 0 and 0 <= x <= 1."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_two_sided_p(t: float, df: int) -> float:
    """P(|T| >= |t|) for Student's t with `df` degrees of freedom."""
    if math.isinf(t):
        return 0.0
    return min(max(regularized_incomplete_beta(df / 2.0, 0.5, df / (df + t * t)), 0.0), 1.0)


def correlation_p_value(r: float, n: int) -> float:
    """Two-sided p of Pearson's r over n pairs: t = r·sqrt((n − 2) / (1 − r²)), n − 2 degrees of freedom."""
    if n < 3:
        raise ValueError("A correlation's p-value needs at least three pairs.")
    if abs(r) >= 1.0:
        return 0.0
    return t_two_sided_p(r * math.sqrt((n - 2) / (1.0 - r * r)), n - 2)


def critical_r(n: int, alpha: float = ALPHA) -> float:
    """The smallest |r| that is significant at `alpha` (two-sided) over n pairs."""
    low, high = 0.0, 1.0
    for _step in range(60):
        middle = (low + high) / 2
        low, high = (low, middle) if correlation_p_value(middle, n) < alpha else (middle, high)
    return high


# The analysis


@dataclass
class DriverRow:
    """One touchpoint: `importance` (r), `p_value` and `quadrant` only when `status` is ANALYSED."""

    touchpoint_id: int
    name: str
    stage: str
    channel: str
    n: int = 0
    importance: float | None = None
    p_value: float | None = None
    significant: bool = False
    performance: float | None = None  # mean normalised score, 0-100
    csat_n: int = 0
    csat_percent: float | None = None  # % of the linked respondents' CSAT answers scoring 4-5
    ces_n: int = 0
    ces_mean: float | None = None
    status: str = TOO_FEW
    quadrant: str | None = None
    priority: float | None = None  # r × (100 − performance), for the fix-first ranking
    rank: int | None = None  # 1, 2, ... on the fix-first list
    # What its unhappy customers say: set by the page (metrics.views.drivers), {"theme", "url"} each.
    themes: list[dict] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS[self.quadrant]) if self.quadrant else ""


@dataclass
class DriverAnalysis:
    journey: Journey
    date_from: date
    date_to: date
    nps_respondents: int  # respondents with a journey NPS in the period
    linked_respondents: int  # of those, the ones with a score at one of the journey's touchpoints too
    min_linked: int
    min_per_touchpoint: int
    rows: list[DriverRow] = field(default_factory=list)  # every touchpoint, in map order
    median_performance: float | None = None
    median_importance: float | None = None

    @property
    def analysed(self) -> list[DriverRow]:
        return [row for row in self.rows if row.status == ANALYSED]

    @property
    def fix_first(self) -> list[DriverRow]:
        ranked = [(row.rank, row) for row in self.rows if row.rank is not None]
        return [row for _rank, row in sorted(ranked, key=lambda pair: pair[0])]

    @property
    def sufficient(self) -> bool:
        return self.linked_respondents >= self.min_linked and bool(self.analysed)

    @property
    def reason(self) -> str:
        """Why the data cannot support the analysis, in plain words ("" when it can)."""
        if self.linked_respondents == 0:
            return str(
                _(
                    "No respondent gave both an NPS for this journey and a score for one of its touchpoints in "
                    "this period. The analysis links the two through the respondent key of the survey responses."
                )
            )
        if self.linked_respondents < self.min_linked:
            return ngettext(
                "Only %(linked)s respondent gave both an NPS for this journey and a touchpoint score in this "
                "period; the analysis needs at least %(minimum)s. Choose a longer period or wait for more "
                "responses.",
                "Only %(linked)s respondents gave both an NPS for this journey and a touchpoint score in this "
                "period; the analysis needs at least %(minimum)s. Choose a longer period or wait for more "
                "responses.",
                self.linked_respondents,
            ) % {"linked": self.linked_respondents, "minimum": self.min_linked}
        if not self.analysed:
            return str(
                _(
                    "No touchpoint has at least %(minimum)s linked respondents with varying scores in this "
                    "period. Choose a longer period or wait for more responses."
                )
                % {"minimum": self.min_per_touchpoint}
            )
        return ""


def _normalised_sql() -> str:
    """A response's score on 0-100 of its metric's scale, as a double (the scales are constants, not input)."""
    cases = " ".join(
        f"WHEN '{metric}' THEN CAST(score - {low} AS DOUBLE PRECISION) * 100 / {high - low}"
        for metric, (low, high) in METRIC_SCALES.items()
    )
    return f"CASE metric {cases} END"


def _aggregate_sql() -> str:
    """The sums of every touchpoint of a journey in one pass over its responses, without a join.

    `per_respondent`: one row per respondent and touchpoint with their mean normalised score, and one per
    respondent with touchpoint NULL holding their mean NPS (also on 0-100: a linear rescaling leaves r as it is).
    `paired`: each row with the respondent's NPS beside it (a window over the respondent, which the planner
    serves from the same sort as the grouping, whatever its row estimates) and how many touchpoints they rated.
    The result: per touchpoint the sums over linked respondents; the row with touchpoint NULL counts the
    respondents with an NPS (n) and those of them who rated a touchpoint too (the last column).
    """
    table = connection.ops.quote_name(SurveyResponse._meta.db_table)
    csat, ces, nps = Metric.CSAT.value, Metric.CES.value, Metric.NPS.value
    csat_high = METRIC_BUCKETS[Metric.CSAT][1]
    return f"""
        SELECT touchpoint_id, COUNT(*),
               SUM(x), SUM(y), SUM(x * y), SUM(x * x), SUM(y * y), MIN(x), MAX(x), MIN(y), MAX(y),
               SUM(csat_n), SUM(csat_high), SUM(ces_n), SUM(ces_total),
               SUM(CASE WHEN touchpoints > 0 THEN 1 ELSE 0 END)
        FROM (
            SELECT touchpoint_id, x, csat_n, csat_high, ces_n, ces_total,
                   MAX(CASE WHEN touchpoint_id IS NULL THEN x END) OVER (PARTITION BY respondent) AS y,
                   COUNT(touchpoint_id) OVER (PARTITION BY respondent) AS touchpoints
            FROM (
                SELECT respondent, touchpoint_id, AVG({_normalised_sql()}) AS x,
                       SUM(CASE WHEN metric = '{csat}' THEN 1 ELSE 0 END) AS csat_n,
                       SUM(CASE WHEN metric = '{csat}' AND score >= {csat_high} THEN 1 ELSE 0 END) AS csat_high,
                       SUM(CASE WHEN metric = '{ces}' THEN 1 ELSE 0 END) AS ces_n,
                       SUM(CASE WHEN metric = '{ces}' THEN score ELSE 0 END) AS ces_total
                FROM {table}
                WHERE journey_id = %s AND day >= %s AND day <= %s AND respondent <> ''
                  AND (touchpoint_id IS NOT NULL OR metric = '{nps}')
                GROUP BY respondent, touchpoint_id
            ) per_respondent
        ) paired
        WHERE y IS NOT NULL
        GROUP BY touchpoint_id
    """  # noqa: S608 (table name and constants only; the input goes in as parameters)


def _sums(*, journey_id: int, date_from: date, date_to: date) -> tuple[int, int, dict[int, tuple]]:
    """(respondents with an NPS, linked respondents, {touchpoint id: its sums}) in one query, which reads every
    response of the journey in the period (half a second for a year of a large journey): the result is cached
    under the data generation, so it is read again only after the data changed."""
    seconds = settings.REPORT_CACHE_SECONDS
    if not seconds:
        return _read_sums(journey_id=journey_id, date_from=date_from, date_to=date_to)
    key = f"driver-sums:{generations.current()}:{journey_id}:{date_from.isoformat()}:{date_to.isoformat()}"
    sums = cache.get(key)
    if sums is None:
        sums = _read_sums(journey_id=journey_id, date_from=date_from, date_to=date_to)
        cache.set(key, sums, seconds)
    return sums


def _read_sums(*, journey_id: int, date_from: date, date_to: date) -> tuple[int, int, dict[int, tuple]]:
    ops = connection.ops
    params = [journey_id, ops.adapt_datefield_value(date_from), ops.adapt_datefield_value(date_to)]
    nps_respondents = linked = 0
    per_touchpoint: dict[int, tuple] = {}
    with connection.cursor() as cursor:
        cursor.execute(_aggregate_sql(), params)
        for touchpoint_id, n, *rest, with_touchpoints in cursor.fetchall():
            if touchpoint_id is None:
                nps_respondents, linked = int(n), int(with_touchpoints)
            else:
                per_touchpoint[touchpoint_id] = (int(n), *rest)
    return nps_respondents, linked, per_touchpoint


def _fill(row: DriverRow, sums: tuple, minimum: float) -> None:
    n, sx, sy, sxy, sxx, syy, min_x, max_x, min_y, max_y, csat_n, csat_high, ces_n, ces_total = sums
    row.n = n
    row.performance = float(sx) / n
    row.csat_n, row.ces_n = int(csat_n or 0), int(ces_n or 0)
    row.csat_percent = 100.0 * int(csat_high) / row.csat_n if row.csat_n else None
    row.ces_mean = int(ces_total) / row.ces_n if row.ces_n else None
    if n < minimum:
        row.status = TOO_FEW
        return
    # Equal extremes say "no variation" exactly, where the sums below would leave a rounding residue.
    if min_x == max_x or min_y == max_y:
        row.status = NO_VARIANCE
        return
    sx, sy = float(sx), float(sy)
    cov = float(sxy) - sx * sy / n
    var_x = max(float(sxx) - sx * sx / n, 0.0)
    var_y = max(float(syy) - sy * sy / n, 0.0)
    if var_x <= 0.0 or var_y <= 0.0:
        row.status = NO_VARIANCE
        return
    row.status = ANALYSED
    row.importance = min(max(cov / math.sqrt(var_x * var_y), -1.0), 1.0)
    row.p_value = correlation_p_value(row.importance, n)
    row.significant = row.p_value < ALPHA


def _rank(rows: list[DriverRow]) -> tuple[float | None, float | None]:
    """Quadrants at the medians of the analysed rows, and the fix-first ranks; returns the two medians."""
    # An analysed row has its importance and its performance.
    analysed = [
        (row, row.importance, row.performance)
        for row in rows
        if row.status == ANALYSED and row.importance is not None and row.performance is not None
    ]
    if not analysed:
        return None, None
    median_performance = statistics.median(performance for _row, _importance, performance in analysed)
    median_importance = statistics.median(importance for _row, importance, _performance in analysed)
    candidates: list[tuple[float, DriverRow]] = []
    for row, importance, performance in analysed:
        important = importance >= median_importance
        low = performance < median_performance
        row.quadrant = {
            (True, True): FIX_FIRST,
            (True, False): KEEP_UP,
            (False, True): LOW_PRIORITY,
            (False, False): OVERKILL,
        }[(important, low)]
        row.priority = importance * (100.0 - performance)
        if row.quadrant == FIX_FIRST and row.significant and importance > 0:
            candidates.append((row.priority, row))
    candidates.sort(key=lambda candidate: (-candidate[0], candidate[1].touchpoint_id))
    for rank, (_priority, row) in enumerate(candidates, start=1):
        row.rank = rank
    return median_performance, median_importance


def driver_analysis(*, journey: Journey, date_from: date, date_to: date) -> DriverAnalysis:
    """The key-driver analysis of `journey` over the days [date_from, date_to] (see the module's docstring)."""
    nps_respondents, linked, sums = _sums(journey_id=journey.pk, date_from=date_from, date_to=date_to)
    touchpoints = (
        Touchpoint.objects.filter(journey=journey)
        .order_by("stage__position", "position", "id")
        .values_list("id", "name", "stage__name", "channel__name", "channel__name_nl")
    )
    minimum, overall_minimum = min_per_touchpoint(), min_linked()
    # Too few linked respondents in all: no importance for any touchpoint, however many it has.
    required = minimum if linked >= overall_minimum else math.inf
    rows = []
    for touchpoint_id, name, stage, channel, channel_nl in touchpoints:
        row = DriverRow(
            touchpoint_id=touchpoint_id, name=name, stage=stage, channel=channel_label(channel or "", channel_nl or "")
        )
        if touchpoint_id in sums:
            _fill(row, sums[touchpoint_id], required)
        rows.append(row)
    analysis = DriverAnalysis(
        journey=journey,
        date_from=date_from,
        date_to=date_to,
        nps_respondents=nps_respondents,
        linked_respondents=linked,
        min_linked=overall_minimum,
        min_per_touchpoint=minimum,
        rows=rows,
    )
    analysis.median_performance, analysis.median_importance = _rank(rows)
    return analysis
