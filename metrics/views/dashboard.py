"""The management dashboard: scores against targets, trends, the journeys' health, custom KPIs, the
improvement work and the inner loop, for a scope and period chosen in the query string.

The page reads snapshots (never the responses) through a fixed number of queries; every section has a CSV
download of the same figures (?csv=<section> with the same filters). While a recompute is pending for the
scope, the page says so and polls ?fragment=status, which asks htmx to reload the page once it is done.

The content below the header is cached (settings.REPORT_CACHE_SECONDS) in two parts, each under the state of
what it shows, so that a steady stream of ingested responses (and editors at work on the map) does not rebuild
it on every request:
- the scores, custom KPIs and improvement work, under the generations (cxplatform/lib/generations.py) of the
  KPI snapshots (they move when a recompute commits changed cells, not when responses come in) and of every
  other table of the data (targets, journeys, stages, actions, business cases, KPIs...) but the responses';
  the touchpoints by what the page shows of them (touchpoints_state: not their descriptions);
- the inner loop, under the same and the follow-up cases' generation (an ingest opens cases for detractors).
Whether a recompute is pending (the notice that the figures are being refreshed) is read at every request and
put into the cached content, so that it shows as soon as responses are in. A cached part never outlives the
figures it shows; building the page afresh takes a few tens of milliseconds, serving it a few.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cxplatform.lib import generations
from metrics import charts
from metrics.forms.dashboard import DashboardFilterForm
from metrics.permissions import can_manage_kpis
from metrics.selectors.dashboard import dashboard_scores, scope_is_stale, touchpoints_state
from metrics.selectors.dashboard_work import custom_kpi_overview, improvement_work, inner_loop
from metrics.views.dashboard_csv import CSV_SECTIONS, csv_response

FOLLOWUP_CASES = "metrics_followupcase"
# The tables whose writes do not change the cached parts: what an ingest writes (the responses reach the page
# through the KPI snapshots, once recomputed; the inner loop reads the follow-up cases), and the touchpoints,
# which editors change all day, mostly in fields the page does not show (it is keyed on touchpoints_state()).
NOT_SHOWN = {*generations.INGEST_TABLES, "journeys_touchpoint"}


def _topics(part: str) -> frozenset[str]:
    shown = generations.data_tables() - NOT_SHOWN
    return shown | {FOLLOWUP_CASES} if part == "loop" else shown


# Where the parts read at every request go into the cached content (comments: nothing a user could type).
HOLES = {"status": "<!--dashboard:status-->", "loop": "<!--dashboard:loop-->"}


def _cache_key(request: HttpRequest, today, part: str, touchpoints: str) -> str:
    """Everything a part depends on besides the data: the filters as given (errors included), the language,
    the day (presets and overdue counts move with it), and what the user may do; and the state of its data."""
    query = sorted((key, value) for key, value in request.GET.items() if key not in ("csv", "fragment"))
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:24]
    manage = int(can_manage_kpis(request.user))
    state = generations.state(_topics(part))
    return f"dashboard:{part}:{state}:{touchpoints}:{get_language()}:{today.isoformat()}:{manage}:{digest}"


def _cached(key: str | None, build) -> str:
    """The part under `key` (None: no cache), built and stored when missing."""
    content = cache.get(key) if key else None
    if content is None:
        content = build()
        if key:
            cache.set(key, content, settings.REPORT_CACHE_SECONDS)
    return content


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    query = form.query()
    status_url = "?" + urlencode({**query, "fragment": "status"})
    period, scope = form.chosen(), form.scope()
    if request.GET.get("fragment") == "status":
        stale = scope_is_stale(scope, period)
        response = render(request, "metrics/_dashboard_status.html", {"stale": stale, "status_url": status_url})
        if not stale:
            response["HX-Refresh"] = "true"
        return response
    today = timezone.localdate()
    where = {"group_id": scope.group_id, "journey_id": scope.journey_id, "channel_id": scope.channel_id}
    if "csv" in request.GET:
        sections = {
            **_main_sections(scope, period, where, today),
            "loop": inner_loop(**where, date_from=period.date_from, date_to=period.date_to, today=today),
        }
        if request.GET["csv"] in CSV_SECTIONS:
            return csv_response(request.GET["csv"], sections, period)
    caching = bool(settings.REPORT_CACHE_SECONDS)
    built: dict[str, object] = {}

    def build_main() -> str:
        sections = _main_sections(scope, period, where, today)
        built["stale"] = sections["scores"].stale  # read just now: no need to ask again below
        return _render_main(request, form, query, status_url, sections)

    def build_loop() -> str:
        loop = inner_loop(**where, date_from=period.date_from, date_to=period.date_to, today=today)
        links = {"followups": "?" + urlencode({**query, "csv": "followups"})}
        return render_to_string("metrics/_dashboard_loop.html", {"loop": loop, "csv_links": links}, request=request)

    touchpoints = touchpoints_state() if caching else ""
    main = _cached(_cache_key(request, today, "main", touchpoints) if caching else None, build_main)
    loop = _cached(_cache_key(request, today, "loop", touchpoints) if caching else None, build_loop)
    stale = built["stale"] if "stale" in built else scope_is_stale(scope, period)
    status = render_to_string("metrics/_dashboard_status.html", {"stale": stale, "status_url": status_url})
    content = main.replace(HOLES["status"], status, 1).replace(HOLES["loop"], loop, 1)
    return render(request, "metrics/dashboard.html", {"content": mark_safe(content)})  # noqa: S308 - rendered


def _main_sections(scope, period, where: dict, today) -> dict:
    return {
        "scores": dashboard_scores(scope=scope, period=period),
        "kpis": custom_kpi_overview(**where),
        "work": improvement_work(**where, date_from=period.date_from, date_to=period.date_to, today=today),
    }


def _render_main(request: HttpRequest, form: DashboardFilterForm, query: dict, status_url: str, sections: dict) -> str:
    period, scope, scores = form.chosen(), form.scope(), sections["scores"]
    for item in sections["work"]["effects"]["rows"]:
        # The metrics measured at the touchpoint in either window; the others would be rows of dashes.
        item["measured_rows"] = [row for row in item["effect"].rows if row.before.n or row.after.n]
    heatmap_metric = form.heatmap_metric()
    figures = {
        "trend": charts.nps_trend_figure(scores.trend),
        "channels": charts.channels_figure(scores.channels),
        "stages": charts.scores_by_figure(scores.stages),
        "touchpoints": charts.scores_by_figure(charts.weakest_rows(scores.touchpoints)),
        "heatmap": charts.heatmap_figure(scores.heatmaps[heatmap_metric], heatmap_metric),
        "actions": charts.actions_status_figure(sections["work"]["actions"]["by_status"]),
        "roi": charts.roi_figure(sections["work"]["business_cases"]["rows"]),
    }
    context = {
        **sections,
        "form": form,
        "can_manage_targets": can_manage_kpis(request.user),
        "period": period,
        "scope": scope,
        "period_query": urlencode(period.query()),
        "figures": figures,
        "heatmap_metric": heatmap_metric,
        "query": urlencode(query),
        "csv_links": {name: "?" + urlencode({**query, "csv": name}) for name in CSV_SECTIONS},
        "status_url": status_url,
        "live": {name: SafeString(mark) for name, mark in HOLES.items()},
    }
    return render_to_string("metrics/_dashboard_content.html", context, request=request)
