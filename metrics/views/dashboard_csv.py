"""The CSV downloads of the dashboard: one per section, the same figures the page shows, for the same filters."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from cxplatform.lib.csv_download import csv_download
from metrics.forms.periods import ReportPeriod
from metrics.models import Metric
from metrics.selectors.dashboard import DashboardScores, MetricFigure, Row


def _figure_columns() -> list[str]:
    return [
        _("NPS"),
        _("NPS margin (95%)"),
        _("NPS n"),
        _("CSAT % satisfied"),
        _("CSAT mean"),
        _("CSAT n"),
        _("CES mean"),
        _("CES % easy"),
        _("CES n"),
        _("Low sample"),
    ]


def _blank(value) -> object:
    return "" if value is None else value


def _figure_values(row: Row) -> list:
    nps, csat, ces = (row.figures[m] for m in (Metric.NPS, Metric.CSAT, Metric.CES))
    return [
        _blank(nps.value),
        _blank(nps.margin),
        nps.n,
        _blank(csat.value),
        _blank(csat.secondary),
        csat.n,
        _blank(ces.value),
        _blank(ces.secondary),
        ces.n,
        _("yes") if row.low_sample else _("no"),
    ]


def _target_status_label(figure: MetricFigure) -> str:
    return {"met": _("met"), "near": _("just below (within the margin)"), "missed": _("missed")}.get(
        figure.target_status or "", ""
    )


def tiles_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    scores: DashboardScores = sections["scores"]
    header = [
        _("Metric"),
        _("Value"),
        _("Margin (95%)"),
        _("n"),
        _("Previous period"),
        _("Previous n"),
        _("Change"),
        _("Target"),
        _("Against target"),
    ]
    names = {Metric.NPS: _("NPS"), Metric.CSAT: _("CSAT % satisfied"), Metric.CES: _("CES mean")}
    rows = [
        [
            names[metric],
            _blank(tile.current.value),
            _blank(tile.current.margin),
            tile.current.n,
            _blank(tile.previous.value),
            tile.previous.n,
            _blank(tile.change),
            _blank(tile.current.target),
            _target_status_label(tile.current),
        ]
        for metric, tile in scores.tiles.items()
    ]
    return header, rows


def _breakdown(first: list[str], rows: list[Row], *, context: bool = False) -> tuple[list[str], Iterable[list]]:
    header = [*([_("Journey")] if context else []), *first, *_figure_columns()]
    return header, ([*([row.context] if context else []), row.label, *_figure_values(row)] for row in rows)


def trend_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    return _breakdown([_("Month")], sections["scores"].trend)


def stage_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    return _breakdown([_("Stage")], sections["scores"].stages, context=True)


def touchpoint_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    return _breakdown([_("Touchpoint")], sections["scores"].touchpoints, context=True)


def channel_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    return _breakdown([_("Channel")], sections["scores"].channels)


def journey_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    return _breakdown([_("Journey")], sections["scores"].journeys)


def heatmap_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    scores: DashboardScores = sections["scores"]
    by_stage = {row.key: row for row in scores.stages}
    heatmap = next(iter(scores.heatmaps.values()))
    header = [_("Journey"), _("Stage number"), _("Stage"), *_figure_columns()]
    rows = []
    for journey_id, journey in heatmap.journeys:
        for position, cell in enumerate(heatmap.cells[journey_id], start=1):
            if cell is None:
                continue
            row = by_stage.get(cell.stage_id)
            values = _figure_values(row) if row else [""] * (len(_figure_columns()) - 1) + [""]
            rows.append([journey, position, cell.stage, *values])
    return header, rows


def kpi_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    header = [
        _("KPI"),
        _("Journey"),
        _("Touchpoint"),
        _("Channel"),
        _("Unit"),
        _("Direction"),
        _("Target"),
        _("Latest value"),
        _("Latest period"),
        _("Status"),
    ]
    rows = (
        [
            kpi["name"],
            _blank(kpi["journey"]),
            _blank(kpi["touchpoint"]),
            _blank(kpi["channel"]),
            kpi["unit"],
            kpi["direction_label"],
            kpi["target"],
            _blank(kpi["latest_value"]),
            _blank(kpi["latest_period"]),
            kpi["status_label"],
        ]
        for kpi in sections["kpis"]["rows"]
    )
    return header, rows


def action_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    actions = sections["work"]["actions"]
    rows = [[row["label"], row["count"], row["overdue"]] for row in actions["by_status"]]
    rows.append([_("All"), actions["total"], actions["overdue"]])
    return [_("Status"), _("Actions"), _("Overdue")], rows


def business_case_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    header = [
        _("Action"),
        _("Journey"),
        _("Touchpoint"),
        _("Action status"),
        _("Investment (€)"),
        _("Expected gains (€)"),
        _("Realised gains (€)"),
        _("Expected ROI (%)"),
        _("Realised ROI (%)"),
    ]
    rows = (
        [
            case["title"],
            case["journey"],
            _blank(case["touchpoint"]),
            case["action_status_label"],
            case["investment"],
            case["expected_gains"],
            _blank(case["realised_gains"]),
            _blank(case["expected_roi"]),
            _blank(case["realised_roi"]),
        ]
        for case in sections["work"]["business_cases"]["rows"]
    )
    return header, rows


def effect_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    header = [
        _("Action"),
        _("Journey"),
        _("Touchpoint"),
        _("Done on"),
        _("Weeks before and after"),
        _("Metric"),
        _("Before"),
        _("Before n"),
        _("After"),
        _("After n"),
        _("Change"),
    ]
    rows = []
    for item in sections["work"]["effects"]["rows"]:
        for row in item["effect"].rows:
            rows.append(
                [
                    item["title"],
                    item["journey"],
                    item["touchpoint"],
                    timezone.localdate(item["done_at"]).isoformat(),
                    item["weeks"],
                    row.label,
                    _blank(row.before.value),
                    row.before.n,
                    _blank(row.after.value),
                    row.after.n,
                    _blank(row.change),
                ]
            )
    return header, rows


def followup_rows(sections: dict) -> tuple[list[str], Iterable[list]]:
    loop = sections["loop"]
    rows = [
        [_("Open follow-up cases"), loop["open"]],
        [_("Open and past their deadline"), loop["open_overdue"]],
        [_("Deadlines in the period"), loop["due"]],
        [_("Deadlines missed in the period"), loop["missed"]],
        [_("Cases closed in the period"), loop["resolved"]],
        [_("Median days to close"), _blank(loop["median_days_to_close"])],
    ]
    return [_("Measure"), _("Value")], rows


CSV_SECTIONS: dict[str, tuple[str, Callable[[dict], tuple[list[str], Iterable[list]]]]] = {
    "tiles": ("headline", tiles_rows),
    "trend": ("nps-trend", trend_rows),
    "journeys": ("journeys", journey_rows),
    "stages": ("stages", stage_rows),
    "touchpoints": ("touchpoints", touchpoint_rows),
    "channels": ("channels", channel_rows),
    "heatmap": ("journey-health", heatmap_rows),
    "kpis": ("custom-kpis", kpi_rows),
    "actions": ("actions", action_rows),
    "business_cases": ("business-cases", business_case_rows),
    "effects": ("action-effects", effect_rows),
    "followups": ("follow-up", followup_rows),
}


def csv_response(section: str, sections: dict, period: ReportPeriod) -> HttpResponse:
    name, build = CSV_SECTIONS[section]
    header, rows = build(sections)
    return csv_download(
        f"cx-dashboard-{name}-{period.date_from.isoformat()}-{period.date_to.isoformat()}.csv", header, rows
    )
