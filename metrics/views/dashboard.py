"""The management dashboard: scores against targets, trends, the journeys' health, custom KPIs, the
improvement work and the inner loop, for a scope and period chosen in the query string.

The page reads snapshots (never the responses) through a fixed number of queries; every section has a CSV
download of the same figures (?csv=<section> with the same filters). While a recompute is pending for the
scope, the page says so and polls ?fragment=status, which asks htmx to reload the page once it is done.

The content below the header is cached (settings.REPORT_CACHE_SECONDS) under the data generation, which
moves with every committed write to the organisation's data (cxplatform/lib/generations.py), so a cached page
never outlives the figures it shows; building it afresh takes tens of milliseconds, serving it a few.
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
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from cxplatform.lib import generations
from metrics import charts
from metrics.forms.dashboard import DashboardFilterForm
from metrics.permissions import can_manage_kpis
from metrics.selectors.dashboard import dashboard_scores, scope_is_stale
from metrics.selectors.dashboard_work import custom_kpi_overview, improvement_work, inner_loop
from metrics.views.dashboard_csv import CSV_SECTIONS, csv_response


def _cache_key(request: HttpRequest, today) -> str:
    """Everything the content depends on besides the data: the filters as given (errors included), the
    language, the day (presets and overdue counts move with it), and what the user may do."""
    query = sorted((key, value) for key, value in request.GET.items() if key not in ("csv", "fragment"))
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:24]
    manage = int(can_manage_kpis(request.user))
    return f"dashboard:{generations.current()}:{get_language()}:{today.isoformat()}:{manage}:{digest}"


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET or None)
    query = form.query()
    status_url = "?" + urlencode({**query, "fragment": "status"})
    if request.GET.get("fragment") == "status":
        stale = scope_is_stale(form.scope(), form.chosen())
        response = render(request, "metrics/_dashboard_status.html", {"stale": stale, "status_url": status_url})
        if not stale:
            response["HX-Refresh"] = "true"
        return response
    today = timezone.localdate()
    seconds = settings.REPORT_CACHE_SECONDS
    key = _cache_key(request, today) if seconds and "csv" not in request.GET else None
    content = cache.get(key) if key else None
    if content is None:
        content = _content(request, form, query, status_url, today)
        if isinstance(content, HttpResponse):
            return content  # a CSV download
        if key:
            cache.set(key, content, seconds)
    return render(request, "metrics/dashboard.html", {"content": mark_safe(content)})  # noqa: S308 - rendered


def _content(
    request: HttpRequest, form: DashboardFilterForm, query: dict, status_url: str, today
) -> str | HttpResponse:
    period, scope = form.chosen(), form.scope()
    scores = dashboard_scores(scope=scope, period=period)
    where = {"group_id": scope.group_id, "journey_id": scope.journey_id, "channel_id": scope.channel_id}
    sections = {
        "scores": scores,
        "kpis": custom_kpi_overview(**where),
        "work": improvement_work(**where, date_from=period.date_from, date_to=period.date_to, today=today),
        "loop": inner_loop(**where, date_from=period.date_from, date_to=period.date_to, today=today),
    }
    section = request.GET.get("csv")
    if section in CSV_SECTIONS:
        return csv_response(section, sections, period)
    for item in sections["work"]["effects"]["rows"]:
        # The metrics measured at the touchpoint in either window; the others would be rows of dashes.
        item["measured_rows"] = [row for row in item["effect"].rows if row.before.n or row.after.n]
    heatmap_metric = form.heatmap_metric()
    figures = charts.dashboard_figures(scores, sections["work"], heatmap_metric)  # None: an empty state
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
    }
    return render_to_string("metrics/_dashboard_content.html", context, request=request)
