"""The management dashboard: scores against targets, trends, the journeys' health, custom KPIs, the
improvement work and the inner loop, for a scope and period chosen in the query string.

The page reads snapshots (never the responses) through a fixed number of queries; every section has a CSV
download of the same figures (?csv=<section> with the same filters). While a recompute is pending for the
scope, the page says so and polls ?fragment=status, which asks htmx to reload the page once it is done.

The content below the header is cached (settings.REPORT_CACHE_SECONDS) in parts, each under the state of what
it shows, so that a steady stream of ingested responses (and editors at work on the map) does not rebuild it on
every request, and a recompute rebuilds only what reads the KPI snapshots:
- the scores and their charts ("main"), and the effect of finished actions ("effects"), under the
  generations (cxplatform/lib/generations.py) of the KPI snapshots (they move when a recompute commits changed
  cells, not when responses come in) and of every other table of the data (targets, journeys, stages, actions,
  business cases, KPIs...) but those an ingest writes;
- the filters ("filters"), the custom KPIs and the improvement work ("work"), under the same but the KPI
  snapshots';
- the inner loop ("loop"), under those and the follow-up cases' generation (an ingest opens cases for detractors);
- the touchpoints count in every key by what the page shows of them (touchpoints_state: not their descriptions).
Whether a recompute is pending (the notice that the figures are being refreshed) is put into the cached content
at every request, from the cache under the state of the recompute requests (an ingest moves it), so that it
shows as soon as responses are in. So are the mandates waiting for the decision of a manager (or admin), read at
every request (one query; none for the other roles), so that a decision shows at once. A cached part never
outlives the
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
from metrics.selectors.dashboard_themes import customer_voice
from metrics.selectors.dashboard_work import action_effects, custom_kpi_overview, improvement_work, inner_loop
from metrics.views.dashboard_csv import CSV_SECTIONS, csv_response
from teams.permissions import can_decide_mandate
from teams.selectors.org import mandates_awaiting_decision

FOLLOWUP_CASES = "metrics_followupcase"
# The tables whose writes do not change the cached parts: what an ingest writes (the responses reach the page
# through the KPI snapshots, once recomputed; the inner loop reads the follow-up cases), and the touchpoints,
# which editors change all day, mostly in fields the page does not show (it is keyed on touchpoints_state()).
TOUCHPOINTS = "journeys_touchpoint"
# What the tagging of comments writes (at ingest, and again after a change to the codebook): read by "What
# customers say" ("themes") only.
THEME_MENTIONS = frozenset({"metrics_verbatim", "metrics_responsetheme"})
NOT_SHOWN = {*generations.INGEST_TABLES, TOUCHPOINTS, *THEME_MENTIONS}
# What tells whether a recompute is pending for the scope (scope_is_stale): the requests, and the journeys'
# groups. The answer is cached under their state, like what the page shows of the touchpoints.
STALE_TOPICS = frozenset({"metrics_pendingrecompute", "journeys_journey"})
# The mandates waiting for a decision are cached under the state of the mandates and teams: a decision or a new
# proposal commits a write there, so it shows at once (a sponsor's new name may take REPORT_CACHE_SECONDS).
DECISION_TOPICS = frozenset({"teams_mandate", "teams_team"})
# v4: the parts below, "main" with the places of the mandates awaiting a decision and of "What customers say"; a
# part cached by an earlier version of the page (another layout) is never read.
# The parts of the content, each cached under the state of the tables it shows: every table of the data but
# NOT_SHOWN, with or without the KPI snapshots, and the follow-up cases for the inner loop. "main" (the scores
# and their charts) holds the others' places; "work" holds those of "effects" and "loop".
PARTS = ("main", "filters", "themes", "work", "effects", "loop")
# "status" is read at every request (from the cached answer of whether a recompute is pending); "decisions" is
# cached apart, per who may decide.
HOLES = {name: f"<!--dashboard:{name}-->" for name in ("status", "decisions", *PARTS[1:])}


def _topics(part: str) -> frozenset[str]:
    shown = generations.data_tables() - NOT_SHOWN
    if part in ("main", "effects"):
        return shown  # "filters" lists journey groups, journeys and channels: the rest below
    if part == "themes":
        # The theme mentions, the codebook, and the snapshots (whose recompute follows every ingest: the
        # scope's response counts are read from the responses).
        return shown | THEME_MENTIONS
    without_snapshots = shown - {generations.KPI_SNAPSHOTS}
    return without_snapshots | {FOLLOWUP_CASES} if part == "loop" else without_snapshots


def _cache_keys(request: HttpRequest, today) -> dict[str, str]:
    """The key of each part: everything it depends on besides the data (the filters as given, errors included;
    the language; the day, as presets and overdue counts move with it; what the user may do), and the state
    of its data (one round trip to the cache for all of them). Besides the parts': "touchpoints", of what the
    page shows of the touchpoints (in the parts' keys), and "stale", of whether a recompute is pending."""
    query = sorted((key, value) for key, value in request.GET.items() if key not in ("csv", "fragment"))
    digest = hashlib.sha256(repr(query).encode()).hexdigest()[:24]
    manage = int(can_manage_kpis(request.user))
    decide = int(can_decide_mandate(request.user))
    topics = {topic for part in PARTS for topic in _topics(part)} | {*STALE_TOPICS, *DECISION_TOPICS, TOUCHPOINTS}
    found = generations.values(topics)
    about = f"{get_language()}:{today.isoformat()}:{manage}:{digest}"
    keys = {part: f"dashboard:v4:{part}:{generations.digest(found, _topics(part))}:{about}" for part in PARTS}
    keys["touchpoints"] = f"dashboard:v4:touchpoints:{generations.digest(found, {TOUCHPOINTS})}"
    keys["decisions"] = (
        f"dashboard:v4:decisions:{generations.digest(found, DECISION_TOPICS)}:{get_language()}:{today}:{decide}"
    )
    keys["stale"] = f"dashboard:v4:stale:{generations.digest(found, STALE_TOPICS)}:{today.isoformat()}:{digest}"
    return keys


def _cached(keys: dict[str, str] | None, builds: dict) -> dict[str, str]:
    """Each part from the cache (keys None: no cache), built and stored when missing (one round trip to the
    cache to read them all, one to store those built)."""
    found = cache.get_many(list(keys.values())) if keys else {}
    parts, built = {}, {}
    for part, build in builds.items():
        key = keys[part] if keys else None
        if key in found:
            parts[part] = found[key]
        else:
            parts[part] = build()
            if key:
                built[key] = parts[part]
    if built:
        cache.set_many(built, settings.REPORT_CACHE_SECONDS)
    return parts


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
    dates = {"date_from": period.date_from, "date_to": period.date_to, "today": today}
    if request.GET.get("csv") in CSV_SECTIONS:
        sections = {
            "scores": dashboard_scores(scope=scope, period=period),
            "kpis": custom_kpi_overview(**where),
            "work": improvement_work(**where, **dates),
            "loop": inner_loop(**where, **dates),
        }
        return csv_response(request.GET["csv"], sections, period)
    csv_links = {name: "?" + urlencode({**query, "csv": name}) for name in CSV_SECTIONS}
    holes = {name: SafeString(mark) for name, mark in HOLES.items()}
    built: dict[str, bool] = {}

    def phrases() -> dict:
        # What the empty states say of the chosen scope and period (read only when a part is built).
        return {"form": form, "scope_phrase": form.scope_phrase(), "period_phrase": period.phrase}

    def build_main() -> str:
        scores = dashboard_scores(scope=scope, period=period)
        built["stale"] = scores.stale  # read just now: no need to ask again below
        return _render_main(request, form, query, status_url, scores, csv_links, holes)

    def build_filters() -> str:
        context = {"form": form, "heatmap_metric": form.heatmap_metric()}
        return render_to_string("metrics/_dashboard_filters.html", context, request=request)

    def build_themes() -> str:
        voice = customer_voice(**where, date_from=period.date_from, date_to=period.date_to)
        context = {"voice": voice, "theme_query": _theme_query(query), **phrases()}
        return render_to_string("metrics/_dashboard_themes.html", context, request=request)

    def build_work() -> str:
        kpis, work = custom_kpi_overview(**where), improvement_work(**where, **dates, effects=False)
        figures = charts.work_figures(work)  # None: an empty state
        context = {"kpis": kpis, "work": work, "figures": figures, "csv_links": csv_links, "live": holes, **phrases()}
        return render_to_string("metrics/_dashboard_work.html", context, request=request)

    def build_effects() -> str:
        effects = action_effects(**where, **dates)
        for item in effects["rows"]:
            # The metrics measured at the touchpoint in either window; the others would be rows of dashes.
            item["measured_rows"] = [row for row in item["effect"].rows if row.before.n or row.after.n]
        context = {"work": {"effects": effects}, "csv_links": csv_links, **phrases()}
        return render_to_string("metrics/_dashboard_effects.html", context, request=request)

    def build_loop() -> str:
        context = {"loop": inner_loop(**where, **dates), "csv_links": csv_links}
        return render_to_string("metrics/_dashboard_loop.html", context, request=request)

    def build_decisions() -> str:
        awaiting = mandates_awaiting_decision() if can_decide_mandate(request.user) else None
        return render_to_string("metrics/_dashboard_decisions.html", {"awaiting": awaiting}, request=request)

    builds = {"main": build_main, "filters": build_filters, "themes": build_themes, "work": build_work,
              "effects": build_effects, "loop": build_loop, "decisions": build_decisions}  # fmt: skip
    # With Redis down the cache itself degrades to misses (cxplatform.lib.resilient_cache): the page is built afresh.
    if settings.REPORT_CACHE_SECONDS:
        parts, stale = _through_cache(request, today, builds, built, scope, period)
    else:
        parts = _cached(None, builds)
        stale = built["stale"] if "stale" in built else scope_is_stale(scope, period)
    parts["status"] = render_to_string("metrics/_dashboard_status.html", {"stale": stale, "status_url": status_url})
    content = parts["main"]
    for name in ("status", "decisions", "filters", "themes", "work", "effects", "loop"):  # "work" holds the last two
        content = content.replace(HOLES[name], parts[name], 1)
    return render(request, "metrics/dashboard.html", {"content": mark_safe(content)})  # noqa: S308 - rendered


def _through_cache(request: HttpRequest, today, builds: dict, built: dict, scope, period) -> tuple[dict, bool]:
    """The parts from the cache (those missing built and stored), and whether a recompute is pending."""
    keys = _cache_keys(request, today)
    found = cache.get_many([keys["touchpoints"], keys["stale"]])
    touchpoints = found.get(keys["touchpoints"])
    if touchpoints is None:
        touchpoints = touchpoints_state()
        cache.set(keys["touchpoints"], touchpoints, settings.REPORT_CACHE_SECONDS)
    parts = _cached({**{part: f"{keys[part]}:{touchpoints}" for part in PARTS}, "decisions": keys["decisions"]}, builds)
    stale = built.get("stale", found.get(keys["stale"]))
    if stale is None:
        stale = scope_is_stale(scope, period)
    if keys["stale"] not in found:
        cache.set(keys["stale"], stale, settings.REPORT_CACHE_SECONDS)
    return parts, stale


def _theme_query(query: dict) -> str:
    """The dashboard's journey, channel and period as the theme analysis reads them (it knows no journey group)."""
    return urlencode({key: value for key, value in query.items() if key not in ("heatmap", "group")})


def _render_main(
    request: HttpRequest, form: DashboardFilterForm, query: dict, status_url: str, scores, csv_links, holes
) -> str:
    period, scope = form.chosen(), form.scope()
    heatmap_metric = form.heatmap_metric()
    figures = charts.score_figures(scores, heatmap_metric)  # None: an empty state
    context = {
        "scores": scores,
        "form": form,
        "can_manage_targets": can_manage_kpis(request.user),
        "period": period,
        "scope": scope,
        "period_query": urlencode(period.query()),
        "figures": figures,
        "heatmap_metric": heatmap_metric,
        "query": urlencode(query),
        "csv_links": csv_links,
        "status_url": status_url,
        "live": holes,
    }
    return render_to_string("metrics/_dashboard_content.html", context, request=request)
