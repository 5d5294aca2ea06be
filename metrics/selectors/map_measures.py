"""What the journey map shows of the measured experience (settings.MAP_MEASURES names
metrics.views.map_measures.map_measures, which reads the period from the map's query string and calls
measured_map here).

For the period chosen on the map (last 90 days by default), per touchpoint
its NPS, CSAT and CES with n, the low-sample flag, the target that applies (metrics.selectors.targets) and how
the figure stands against it (formulas.target_status, with the figure's 95% margin); and the measured emotion
that the map's emotion lane draws beside the designed one.

Measured emotion: the mean CSAT (1-5) or CES (1-7) score mapped linearly onto the map's −2..+2 scale
(formulas.emotion_from_mean); a touchpoint with both gets the n-weighted average of the two. NPS is left out of
the curve: "would you recommend us" speaks of the whole relationship, not of the moment at the touchpoint (it
is still shown on the card when a touchpoint has NPS responses, and for the whole journey in the map header).

Reads snapshots only, in two queries whatever the size of the map or of the data: the targets, and the cells
of the journey in the period summed per touchpoint.

What the unhappy customers say (issue 17): per touchpoint, its top negative theme in the period (the negative
theme most mentioned among its low-bucket responses: detractors, CSAT 1-2, CES 1-3; when at least
TOP_COMPLAINT_MIN_MENTIONS of them mention it) with how many of those mention it, in one more query
(metrics.themes.selectors.touchpoint_top_themes); the number of unhappy customers comes from the snapshot cells already read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.formats import get_format

from journeys.models import Journey
from metrics import formatting, formulas
from metrics.models import Metric
from metrics.periods import ReportPeriod
from metrics.selectors.kpis import kpi_counts
from metrics.selectors.targets import TargetIndex, target_index
from metrics.themes.selectors import touchpoint_top_themes

DEFAULT_PERIOD = "90d"
# A touchpoint's top complaint is shown once this many of its unhappy customers mention it ("1 of 4" is noise).
TOP_COMPLAINT_MIN_MENTIONS = 3
# The order the figures are shown in, and the metrics whose mean is drawn as the measured emotion.
METRICS = (Metric.NPS, Metric.CSAT, Metric.CES)
EMOTION_METRICS = (Metric.CSAT, Metric.CES)


@dataclass(slots=True)
class Figure:
    """One metric of one scope in the period. `score` is the value on the metric's reporting scale (the one its
    target uses): NPS score (−100..100), CSAT % satisfied, CES mean (1..7); `text` shows it ("+12", "72%",
    "5.1"), `n_text` the count, both in the active language's number format."""

    metric: str
    label: str
    score: float | None
    text: str
    n: int
    n_text: str
    low_sample: bool
    margin: float | None
    target: Decimal | None
    target_text: str
    status: str | None  # formulas.TARGET_MET / TARGET_NEAR / TARGET_MISSED, None without a target


@dataclass(slots=True)
class MeasuredEmotion:
    """A touchpoint's measured emotion on the −2..+2 scale, from `n` CSAT and CES responses; `text` names the
    figures it comes from ("CSAT 72% · n=140 · CES 5.1 · n=80")."""

    value: float
    n: int
    text: str


@dataclass(slots=True)
class TopComplaint:
    """A touchpoint's top negative theme in the period: `mentions` of its `unhappy` low-bucket responses (with
    or without a comment) mention it; `url` leads to the theme on the touchpoint (its figures, trend and quotes)."""

    theme_id: int
    name: str
    colour: str
    mentions: int
    unhappy: int
    mentions_text: str
    unhappy_text: str
    url: str


@dataclass
class MapMeasures:
    period: ReportPeriod
    # Per touchpoint id, the metrics with responses in the period, in METRICS order (no entry: no responses).
    touchpoints: dict[int, list[Figure]] = field(default_factory=dict)
    emotions: dict[int, MeasuredEmotion] = field(default_factory=dict)
    # The whole journey: every response of the period, with or without a touchpoint.
    journey: list[Figure] = field(default_factory=list)
    # Per touchpoint id, its top negative theme in the period (no entry: no such mention).
    themes: dict[int, TopComplaint] = field(default_factory=dict)
    # The period's form the map header shows (with its errors), when the period was read from a query string.
    form: Any = None

    @property
    def query(self) -> dict[str, str]:
        """The query-string parameters that choose this period again (for links to other pages)."""
        return self.period.query()


class _Builder:
    """Makes the figures of one map: the number format, labels, targets and minimum sample are read once, and
    each target's text made once, not once per touchpoint (a big map has thousands)."""

    def __init__(self, journey_id: int, targets: TargetIndex) -> None:
        self.journey_id = journey_id
        self.targets = targets
        self.decimal = str(get_format("DECIMAL_SEPARATOR"))
        self.thousands = str(get_format("THOUSAND_SEPARATOR"))
        self.labels: dict[str, str] = {metric: str(metric.label) for metric in METRICS}
        self.minimum = formulas.min_sample()  # formulas.is_low_sample, with the setting read once
        self.target_texts: dict[tuple[str, Decimal], str] = {}

    def fixed(self, value: float, digits: int, *, sign: bool = False) -> str:
        text = f"{value:{'+' if sign else ''}.{digits}f}".replace(".", self.decimal)
        return text.replace("-", "−")  # a real minus sign, as on the emotion scale

    def count(self, n: int) -> str:
        return f"{n:,}".replace(",", self.thousands)

    def target_text(self, metric: str, value: Decimal) -> str:
        if (metric, value) not in self.target_texts:
            self.target_texts[(metric, value)] = formatting.target_text(metric, value)
        return self.target_texts[(metric, value)]

    def figure(self, metric: str, counts: formulas.Counts, touchpoint_id: int | None) -> Figure:
        headline = formulas.headline(metric, counts)
        score, margin = headline.value, headline.margin
        assert score is not None  # figures() asks only for metrics with responses, which have a figure
        if metric == Metric.NPS:
            text = self.fixed(score, 0, sign=True)
        elif metric == Metric.CSAT:
            text = f"{self.fixed(score, 0)}%"
        else:
            text = self.fixed(score, 1)
        target = self.targets.get(metric, journey_id=self.journey_id, touchpoint_id=touchpoint_id)
        return Figure(
            metric=str(metric),
            label=self.labels[metric],
            score=score,
            text=text,
            n=counts.n,
            n_text=self.count(counts.n),
            low_sample=counts.n < self.minimum,
            margin=margin,
            target=target,
            target_text=self.target_text(metric, target) if target is not None else "",
            status=formulas.target_status(score, target, margin),
        )

    def figures(self, by_metric: Mapping[str, formulas.Counts], touchpoint_id: int | None = None) -> list[Figure]:
        """The figures of the metrics with responses, in METRICS order."""
        return [
            self.figure(metric, by_metric[metric], touchpoint_id)
            for metric in METRICS
            if metric in by_metric and by_metric[metric].n > 0
        ]


def measured_emotion(by_metric: Mapping[str, formulas.Counts]) -> tuple[float, int] | None:
    """The n-weighted average of the mapped CSAT and CES means, and its n; None without such responses."""
    parts = [
        (formulas.emotion_from_mean(metric, by_metric[metric].total / by_metric[metric].n), by_metric[metric].n)
        for metric in EMOTION_METRICS
        if metric in by_metric and by_metric[metric].n > 0
    ]
    if not parts:
        return None
    n = sum(count for _value, count in parts)
    return round(sum(value * count for value, count in parts) / n + 0.0, 2), n


def _summary_text(figures: list[Figure]) -> str:
    return " · ".join(f"{f.label} {f.text} · n={f.n_text}" for f in figures if f.metric in EMOTION_METRICS)


def measured_map(*, journey: Journey, period: ReportPeriod) -> MapMeasures:
    """The measured figures of `journey`'s map in `period`, and its touchpoints' top negative themes (three
    queries)."""
    measures = MapMeasures(period=period)
    counts = kpi_counts(journey=journey.pk, date_from=period.date_from, date_to=period.date_to, group_by="touchpoint")
    build = _Builder(journey.pk, target_index())
    totals: dict[str, list[formulas.Counts]] = {}
    for touchpoint_id, by_metric in counts.items():
        for metric, metric_counts in by_metric.items():
            totals.setdefault(metric, []).append(metric_counts)
        if touchpoint_id is None:
            continue
        figures = build.figures(by_metric, touchpoint_id)
        if not figures:
            continue
        measures.touchpoints[touchpoint_id] = figures
        emotion = measured_emotion(by_metric)
        if emotion is not None:
            value, n = emotion
            measures.emotions[touchpoint_id] = MeasuredEmotion(value, n, _summary_text(figures))
    measures.journey = build.figures({metric: _sum(parts) for metric, parts in totals.items()})
    unhappy = {
        touchpoint_id: sum(c.low for c in by_metric.values())
        for touchpoint_id, by_metric in counts.items()
        if touchpoint_id is not None
    }
    measures.themes = _top_themes(journey.pk, period, unhappy, build)
    return measures


def _top_themes(
    journey_id: int, period: ReportPeriod, unhappy: Mapping[int, int], build: _Builder
) -> dict[int, TopComplaint]:
    """Per touchpoint, the negative theme most mentioned by its unhappy customers in the period. One query."""
    found = touchpoint_top_themes(journey_id=journey_id, date_from=period.date_from, date_to=period.date_to)
    found = {pk: themes for pk, themes in found.items() if themes[0].mentions >= TOP_COMPLAINT_MIN_MENTIONS}
    if not found:
        return {}
    themes = {}
    for touchpoint_id, (top, *_rest) in found.items():
        total = max(unhappy.get(touchpoint_id, 0), top.mentions)  # the snapshots may lag behind a fresh ingest
        query = urlencode({"journey": journey_id, "touchpoint": touchpoint_id, **period.query()})
        themes[touchpoint_id] = TopComplaint(
            theme_id=top.theme_id,
            name=top.name,
            colour=top.colour,
            mentions=top.mentions,
            unhappy=total,
            mentions_text=build.count(top.mentions),
            unhappy_text=build.count(total),
            url=f"{reverse('metrics:theme-in-scope', args=[top.theme_id])}?{query}",
        )
    return themes


def _sum(parts: list[formulas.Counts]) -> formulas.Counts:
    return formulas.Counts(
        n=sum(c.n for c in parts),
        low=sum(c.low for c in parts),
        high=sum(c.high for c in parts),
        total=sum(c.total for c in parts),
        total_sq=sum(c.total_sq for c in parts),
    )
