"""The values every breakdown of the scores is made of: a metric's figure (with its margin and its verdict
against a target), a row of figures, a headline tile and the heatmap's cells. The dashboard, the summary and
the CSV export read them; metric_figure turns the snapshot counts into a figure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from metrics import formulas
from metrics.models import Metric


@dataclass(frozen=True)
class MetricFigure:
    """One metric of one row: the figure (NPS score, CSAT %, CES mean), its 95% margin, n, and the mean
    beside a CSAT % (and the % easy beside a CES mean)."""

    metric: str
    n: int
    value: float | None
    margin: float | None
    secondary: float | None = None  # CSAT: mean 1-5; CES: % scoring 5-7
    target: float | None = None
    target_status: str | None = None

    @property
    def low_sample(self) -> bool:
        return self.n > 0 and formulas.is_low_sample(self.n)


def metric_figure(metric: str, counts: formulas.Counts, target: Decimal | None = None) -> MetricFigure:
    """The figure of `metric` from its counts, with the verdict against `target` (None: no target)."""
    figure = formulas.headline(metric, counts)
    target_value = None if target is None else float(target)
    return MetricFigure(
        metric,
        counts.n,
        figure.value,
        figure.margin,
        figure.secondary,
        target_value,
        formulas.target_status(figure.value, target_value, figure.margin),
    )


@dataclass
class Row:
    """A row of a breakdown (a stage, a touchpoint, a channel, a month...): a figure per metric."""

    key: Any
    label: str
    figures: dict[str, MetricFigure]
    context: str = ""  # e.g. the journey of a stage or touchpoint

    @property
    def low_sample(self) -> bool:
        return any(figure.low_sample for figure in self.figures.values())

    @property
    def n(self) -> int:
        return sum(figure.n for figure in self.figures.values())


@dataclass
class Tile:
    """A headline tile: the figure now, the one of the previous period of equal length and the change."""

    current: MetricFigure
    previous: MetricFigure

    @property
    def change(self) -> float | None:
        if self.current.value is None or self.previous.value is None:
            return None
        digits = 2 if self.current.metric == Metric.CES else 1
        return round(self.current.value - self.previous.value, digits)


@dataclass
class HeatmapCell:
    stage_id: int
    stage: str
    figure: MetricFigure | None


@dataclass
class Heatmap:
    """Journeys (rows) x stage positions (columns): each journey's own stage in each column."""

    journeys: list[tuple[int, str]]
    columns: int
    cells: dict[int, list[HeatmapCell | None]]
