"""Reads of business cases: their gains and ROI (summed in the database), and the before/after effect of the
improvement action on its touchpoint's scores, read from the daily KPI snapshots (never the responses)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

from django.db.models import (
    Case,
    CharField,
    DecimalField,
    ExpressionWrapper,
    F,
    Max,
    Prefetch,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from metrics import formulas
from metrics.formulas import Counts
from metrics.models import BusinessCase, BusinessCaseGain, GainType, KpiSnapshot, Metric, Period
from teams.models import ActionStatus, ActionTransition, ImprovementAction

if TYPE_CHECKING:  # django-stubs' helper for annotated rows; a development dependency only
    from django_stubs_ext import WithAnnotations

MONEY = DecimalField(max_digits=16, decimal_places=2)
RATIO = DecimalField(max_digits=20, decimal_places=6)
DEFAULT_EFFECT_WEEKS = BusinessCase._meta.get_field("effect_weeks").default


class CaseSums(TypedDict):
    """What business_case_list annotates on each case."""

    expected_gains: Decimal
    realised_gains: Decimal | None  # NULL until a realised amount is entered
    expected_roi_value: Decimal | None
    realised_roi_value: Decimal | None


def _roi_expression(gains: Combinable) -> ExpressionWrapper:
    """(gains - investment) / investment x 100, for sorting; the figure shown is formulas.roi's."""
    return ExpressionWrapper((gains - F("investment")) * Value(100) / F("investment"), output_field=RATIO)


def business_case_list() -> QuerySet[WithAnnotations[BusinessCase, CaseSums]]:
    """Cases with their action (journey, touchpoint, team), gains (one more query), `expected_gains` and
    `realised_gains` summed in the database (realised is NULL until a realised amount is entered), and
    `expected_roi_value` / `realised_roi_value` to sort by."""
    expected = Coalesce(Sum("gains__expected"), Value(Decimal("0")), output_field=MONEY)
    return (
        BusinessCase.objects.select_related("action__journey", "action__touchpoint", "action__team")
        .prefetch_related(Prefetch("gains", queryset=BusinessCaseGain.objects.order_by("type")))
        .annotate(expected_gains=expected, realised_gains=Sum("gains__realised", output_field=MONEY))
        .annotate(
            expected_roi_value=_roi_expression(F("expected_gains")),
            realised_roi_value=_roi_expression(F("realised_gains")),
        )
        .order_by("action__title", "id")
    )


def business_case_for_action(*, action: ImprovementAction) -> BusinessCase | None:
    return business_case_list().filter(action=action).first()


@dataclass(frozen=True)
class Roi:
    expected: Decimal | None
    realised: Decimal | None  # None: no realised gain entered yet


def case_roi(case: WithAnnotations[BusinessCase, CaseSums]) -> Roi:
    """The ROI figures of a case read through business_case_list (its sums are annotated)."""
    realised = formulas.roi(case.realised_gains, case.investment) if case.realised_gains is not None else None
    return Roi(expected=formulas.roi(case.expected_gains, case.investment), realised=realised)


def gain_rows(case: BusinessCase | None) -> list[dict]:
    """One row per gain type, in GainType's order, with its expected and realised amount (0 / None if absent)."""
    stored = {gain.type: gain for gain in case.gains.all()} if case is not None else {}
    rows = []
    for value, label in GainType.choices:
        gain = stored.get(value)
        rows.append(
            {
                "type": value,
                "label": str(label),
                "expected": gain.expected if gain else Decimal("0"),
                "realised": gain.realised if gain else None,
            }
        )
    return rows


# The before/after effect


@dataclass(frozen=True)
class Figure:
    """One metric in one window: n responses, the figure (NPS score, CSAT %, CES mean) and its 95% margin."""

    n: int
    value: float | None
    margin: float | None

    @property
    def low_sample(self) -> bool:
        return formulas.is_low_sample(self.n)


@dataclass(frozen=True)
class EffectRow:
    metric: str
    label: str
    unit: str
    before: Figure
    after: Figure
    change: float | None  # after - before; None when either window has no responses


@dataclass(frozen=True)
class Effect:
    """The touchpoint's scores in `weeks` weeks before the day the action was done and as many weeks after
    (the day itself, half before and half after, belongs to neither). `reason` says why there is none yet."""

    weeks: int
    reason: str = ""
    done_at: datetime.datetime | None = None
    before_from: datetime.date | None = None
    before_to: datetime.date | None = None
    after_from: datetime.date | None = None
    after_to: datetime.date | None = None
    after_complete: bool = False
    rows: list[EffectRow] = field(default_factory=list)


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value + 0.0, digits)


def _figure(metric: str, c: Counts) -> Figure:
    figure = formulas.headline(metric, c)
    return Figure(c.n, figure.value, figure.margin)


METRIC_ROWS = [
    (Metric.NPS, gettext_lazy("NPS"), "", 1),
    (Metric.CSAT, gettext_lazy("CSAT (% satisfied)"), "%", 1),
    (Metric.CES, gettext_lazy("CES (mean, 1-7)"), "", 2),
]


def done_at(*, action: ImprovementAction) -> datetime.datetime | None:
    """When the action was (last) moved to done."""
    moves = ActionTransition.objects.filter(action=action, to_status=ActionStatus.DONE)
    return moves.aggregate(at=Max("at"))["at"]


def action_effect(*, action: ImprovementAction, weeks: int = DEFAULT_EFFECT_WEEKS) -> Effect:
    """The before/after effect on the action's touchpoint: two queries (the time it was done; the snapshot
    cells summed per metric and window)."""
    if action.touchpoint_id is None:
        return Effect(weeks, reason=_("The action names no touchpoint, so there are no scores to compare."))
    if action.status != ActionStatus.DONE:
        return Effect(weeks, reason=_("The action is not done yet: its effect is measured from the day it is done."))
    moment = done_at(action=action)
    if moment is None:
        return Effect(weeks, reason=_("There is no record of when the action was done."))
    cells = effect_cells(touchpoint_id=action.touchpoint_id, day=timezone.localdate(moment), weeks=weeks)
    counts = {(cell["metric"], cell["window"]): cell_counts(cell) for cell in cells}
    return effect_of(weeks=weeks, moment=moment, counts=counts, today=timezone.localdate())


# The window and cell code action_effect shares with the dashboard (metrics.selectors.dashboard_work), which
# reads the cells of many actions' windows in one query.


@dataclass(frozen=True)
class Windows:
    before_from: datetime.date
    before_to: datetime.date
    after_from: datetime.date
    after_to: datetime.date


def effect_windows(day: datetime.date, weeks: int) -> Windows:
    """`weeks` weeks up to the day before `day`, and as many from the day after."""
    span = datetime.timedelta(weeks=weeks)
    one_day = datetime.timedelta(days=1)
    return Windows(day - span, day - one_day, day + one_day, day + span)


def effect_cells(*, touchpoint_id: int, day: datetime.date, weeks: int) -> QuerySet:
    """The touchpoint's daily snapshot cells in both windows around `day`, summed per metric and `window`
    ("before" / "after"): rows of metric, window, n, low, high, total, total_sq."""
    windows = effect_windows(day, weeks)
    return (
        KpiSnapshot.objects.filter(
            period=Period.DAY, touchpoint_id=touchpoint_id, period_start__range=(windows.before_from, windows.after_to)
        )
        .exclude(period_start=day)
        .annotate(
            window=Case(
                When(period_start__lt=day, then=Value("before")), default=Value("after"), output_field=CharField()
            )
        )
        .values("metric", "window")
        .annotate(n=Sum("n"), low=Sum("low"), high=Sum("high"), total=Sum("total"), total_sq=Sum("total_sq"))
        .order_by()
    )


def cell_counts(cell: dict) -> Counts:
    return Counts(cell["n"], cell["low"], cell["high"], cell["total"], cell["total_sq"])


def effect_of(
    *, weeks: int, moment: datetime.datetime, counts: dict[tuple[str, str], Counts], today: datetime.date
) -> Effect:
    """The Effect of an action done at `moment`, from its cells' counts keyed by (metric, window)."""
    windows = effect_windows(timezone.localdate(moment), weeks)
    rows = []
    for metric, label, unit, digits in METRIC_ROWS:
        before = _figure(metric, counts.get((metric, "before"), Counts()))
        after = _figure(metric, counts.get((metric, "after"), Counts()))
        change = None
        if before.value is not None and after.value is not None:
            change = _round(after.value - before.value, digits)
        rows.append(EffectRow(metric, str(label), unit, before, after, change))
    return Effect(
        weeks,
        done_at=moment,
        before_from=windows.before_from,
        before_to=windows.before_to,
        after_from=windows.after_from,
        after_to=windows.after_to,
        after_complete=today > windows.after_to,
        rows=rows,
    )
