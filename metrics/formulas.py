"""The metric definitions of DOMAIN.md, computed from bucket counts and sums (what a snapshot holds).

Every function takes counts, never responses, so the dashboards and the API read snapshots only.
Scores are rounded for display (one decimal); `score` / `mean` is None when n is 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

Z_95 = 1.96


def min_sample() -> int:
    return getattr(settings, "KPI_MIN_SAMPLE", 30)


@dataclass(frozen=True)
class Counts:
    """n responses of one metric: `low` / `high` bucket counts, `total` sum of scores, `total_sq` of squares."""

    n: int = 0
    low: int = 0
    high: int = 0
    total: int = 0
    total_sq: int = 0

    @property
    def mid(self) -> int:
        return self.n - self.low - self.high

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.n + other.n,
            self.low + other.low,
            self.high + other.high,
            self.total + other.total,
            self.total_sq + other.total_sq,
        )


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value + 0.0, digits)


def nps_margin_of_error(promoters: int, detractors: int, n: int) -> float | None:
    """95% margin: 1.96 x 100 x sqrt((p + d - (p - d)^2) / n), p and d the promoter and detractor shares."""
    if n == 0:
        return None
    p, d = promoters / n, detractors / n
    variance = max(p + d - (p - d) ** 2, 0.0)
    return Z_95 * 100 * math.sqrt(variance / n)


def nps(c: Counts) -> dict:
    score = None if c.n == 0 else 100 * (c.high - c.low) / c.n
    return {
        "n": c.n,
        "promoters": c.high,
        "passives": c.mid,
        "detractors": c.low,
        "score": _round(score),
        "margin_of_error": _round(nps_margin_of_error(c.high, c.low, c.n)),
    }


def _mean(c: Counts) -> float | None:
    return None if c.n == 0 else c.total / c.n


def mean_margin_of_error(c: Counts) -> float | None:
    """95% margin of a mean: 1.96 x s / sqrt(n), s the sample standard deviation (None below n = 2)."""
    if c.n < 2:
        return None
    variance = (c.total_sq - c.total * c.total / c.n) / (c.n - 1)
    return Z_95 * math.sqrt(max(variance, 0.0) / c.n)


def proportion_margin_of_error(hits: int, n: int) -> float | None:
    """95% margin of a percentage: 1.96 x 100 x sqrt(p (1 - p) / n)."""
    if n == 0:
        return None
    p = hits / n
    return Z_95 * 100 * math.sqrt(p * (1 - p) / n)


def csat(c: Counts) -> dict:
    """CSAT = % scoring 4 or 5 (top-2-box); the mean is shown beside it, never instead."""
    return {
        "n": c.n,
        "score": _round(None if c.n == 0 else 100 * c.high / c.n),
        "mean": _round(_mean(c), 2),
    }


def ces(c: Counts) -> dict:
    """CES 2.0: the mean (1-7, higher is easier) and the % scoring 5-7."""
    return {
        "n": c.n,
        "mean": _round(_mean(c), 2),
        "pct_easy": _round(None if c.n == 0 else 100 * c.high / c.n),
    }


def is_low_sample(n: int) -> bool:
    """Below the minimum sample (KPI_MIN_SAMPLE, default 30) a figure is shown, flagged as a low sample."""
    return n < min_sample()


def roi(gains: Decimal | None, investment: Decimal) -> Decimal | None:
    """ROI = (gains - investment) / investment x 100%, one decimal; None without gains or investment."""
    if gains is None or not investment:
        return None
    return ((gains - investment) / investment * 100).quantize(Decimal("0.1"))


TARGET_MET = "met"
TARGET_NEAR = "near"
TARGET_MISSED = "missed"


def target_status(value: float | None, target: float | Decimal | None, margin: float | None = None) -> str | None:
    """How a figure stands against its target (higher is better for NPS, CSAT and CES alike):

    - "met": the figure reaches the target;
    - "near": it falls short, but by no more than its 95% margin, so the shortfall may be chance;
    - "missed": it falls short by more than its margin (or has no margin to speak for it);
    - None: there is no figure or no target.
    """
    if value is None or target is None:
        return None
    target = float(target)
    if value >= target:
        return TARGET_MET
    if margin is not None and value + margin >= target:
        return TARGET_NEAR
    return TARGET_MISSED


# --- measured emotion (issue 6: the map shows measured experience) ---
def emotion_from_mean(metric: str, mean: float) -> float:
    """The mean score of `metric` mapped linearly from its scale (models.METRIC_SCALES) onto the map's designed
    emotion scale, −2..+2: the lowest score gives −2, the highest +2, the middle of the scale 0. Rounded to two
    decimals. CSAT 1-5: a mean of 4 gives +1.0; CES 1-7: a mean of 5.5 gives +1.0.

    The journey map draws this as the measured curve beside the designed one; a touchpoint with both CSAT and
    CES responses gets the n-weighted average of its two mapped means (metrics.selectors.map_measures).
    """
    from metrics.models import METRIC_SCALES  # formulas stays free of model imports at load time

    lowest, highest = METRIC_SCALES[metric]
    return round(-2 + 4 * (mean - lowest) / (highest - lowest) + 0.0, 2)


@dataclass(frozen=True)
class Headline:
    """What a page shows of one metric: the figure (NPS score, CSAT % satisfied, CES mean), its 95% margin,
    and the figure beside it (the CSAT mean, the CES % easy; None for NPS)."""

    n: int
    value: float | None
    margin: float | None
    secondary: float | None


def headline(metric: str, c: Counts) -> Headline:
    if metric == "nps":
        figures = nps(c)
        return Headline(c.n, figures["score"], figures["margin_of_error"], None)
    if metric == "csat":
        figures = csat(c)
        return Headline(c.n, figures["score"], _round(proportion_margin_of_error(c.high, c.n)), figures["mean"])
    figures = ces(c)
    return Headline(c.n, figures["mean"], _round(mean_margin_of_error(c), 2), figures["pct_easy"])
