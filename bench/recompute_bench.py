"""How fast are the KPI snapshots rebuilt? Prints figures for the full recompute and for ingest-to-fresh.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_recompute_bench REDIS_URL=redis://127.0.0.1:6379/3 \
        .venv/bin/python bench/recompute_bench.py

Generates BENCH_ROWS (default 1,000,000) survey responses in PostgreSQL with one INSERT ... SELECT
generate_series: 12 months, 3 journey groups, 6 journeys of 5 stages x 4 touchpoints (120 touchpoints), the
channels of the migrations; each touchpoint asks CSAT, CES or NPS, a fifth of the answers are journey-level
NPS (no touchpoint, half of them with a channel); a few touchpoints score weakly. BENCH_SPREAD=realistic
(default): a touchpoint's answers come through its own channel (2% name none); wide: 10% through any other
channel, three times the day cells. The data is kept between runs when row count and spread match
(BENCH_REBUILD=1 regenerates it).

Then, each BENCH_N times (default 3, the median is printed):
- a raw SQL GROUP BY over all the responses at the grain of the day cells, read only (the baseline), with the
  server's settings and with the session settings the recompute gives itself (work_mem, jit...);
- snapshots_rebuild_all() from an empty snapshot table, and again on unchanged data;
then kpi_summary() timings for what the dashboards will ask (target: < 100 ms);
and, with REDIS_URL, the time from a 1,000-row ingest (rows + recompute_request in one transaction) to fresh
snapshots, through a real Celery worker process started here on a queue of its own. Never asserts on time:
the figures are for people (targets: rebuild < 5 s and <= 2x the GROUP BY; ingest to fresh < 1 s).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import benchlib

ROOT = benchlib.ROOT
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.base")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
N = int(os.environ.get("BENCH_N", "3"))
INGESTS = int(os.environ.get("BENCH_INGESTS", "5"))
INGEST_ROWS = 1000
# realistic: a touchpoint's answers come through its own channel (2% name none); wide: 10% come through any
# other channel, which triples the number of day cells (the snapshot rows a rebuild writes).
SPREAD = os.environ.get("BENCH_SPREAD", "realistic")
GROUP_PREFIX = "bench-"


def setup_django() -> None:
    benchlib.setup_django(
        postgres_required="DATABASE_URL must point at a PostgreSQL database (the bench generates 1,000,000 rows there)."
    )


def build_organisation() -> None:
    """3 groups, 6 journeys, 5 stages x 4 touchpoints each; a table bench_touchpoint numbers the touchpoints
    (with the metric each asks and whether it is weak) for the generator."""
    from django.db import connection

    from journeys.models import Channel, Journey, JourneyGroup, Stage, Touchpoint

    with connection.cursor() as cursor:  # a dedicated database: emptied in bulk, not row by row by the ORM
        cursor.execute("TRUNCATE metrics_surveyresponse, metrics_kpisnapshot, metrics_pendingrecompute CASCADE")
    Journey.objects.filter(group__slug__startswith=GROUP_PREFIX).delete()
    JourneyGroup.objects.filter(slug__startswith=GROUP_PREFIX).delete()
    channels = list(Channel.objects.order_by("position"))
    touchpoints = []
    for g, name in enumerate(["Becoming a customer", "Being a customer", "Staying a customer"]):
        group = JourneyGroup.objects.create(slug=f"{GROUP_PREFIX}{g}", name=f"Bench: {name}", position=100 + g)
        for j in range(2):
            journey = Journey.objects.create(name=f"Bench journey {g * 2 + j + 1}", group=group)
            for s in range(5):
                stage = Stage.objects.create(journey=journey, name=f"Stage {s + 1}", position=s)
                for t in range(4):
                    touchpoints.append(
                        Touchpoint(
                            journey=journey,
                            stage=stage,
                            name=f"Touchpoint {s + 1}.{t + 1}",
                            position=t,
                            channel=channels[(s * 4 + t) % len(channels)],
                        )
                    )
    Touchpoint.objects.bulk_create(touchpoints)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_touchpoint")
        cursor.execute(
            """
            CREATE TABLE bench_touchpoint AS
            SELECT (ROW_NUMBER() OVER (ORDER BY t.id) - 1)::int AS idx, t.id, t.journey_id, t.channel_id,
                   (ARRAY['csat', 'ces', 'nps'])[1 + t.id %% 3] AS metric, t.id %% 17 = 0 AS weak,
                   (DENSE_RANK() OVER (ORDER BY t.journey_id) - 1)::int AS journey_idx
            FROM journeys_touchpoint t JOIN journeys_journey j ON j.id = t.journey_id
            JOIN journeys_journeygroup g ON g.id = j.group_id WHERE g.slug LIKE %s
            """,
            [f"{GROUP_PREFIX}%"],
        )


GENERATE_SQL = """
    INSERT INTO metrics_surveyresponse
        (metric, score, journey_id, touchpoint_id, channel_id, responded_at, day, respondent, comment, source,
         external_id, created_at)
    SELECT x.metric, x.score, x.journey_id, x.touchpoint_id, x.channel_id, x.responded_at,
           (x.responded_at AT TIME ZONE %(tz)s)::date, '', '', 'bench', '', now()
    FROM (
        SELECT CASE WHEN s.journey_level THEN 'nps' ELSE t.metric END AS metric,
               CASE WHEN s.journey_level THEN jt.journey_id ELSE t.journey_id END AS journey_id,
               CASE WHEN s.journey_level THEN NULL ELSE t.id END AS touchpoint_id,
               CASE WHEN s.journey_level THEN (CASE WHEN s.r_channel < 0.5 THEN ch.id END)
                    WHEN s.r_channel < %(own_channel)s THEN t.channel_id
                    WHEN %(wide)s THEN ch.id END AS channel_id,
               -- a score on the metric's scale, lower at weak touchpoints, slowly rising over the year
               LEAST(sc.hi, GREATEST(sc.lo, FLOOR(sc.lo + s.r_score * (sc.hi - sc.lo + 1)
                     + CASE WHEN t.weak AND NOT s.journey_level THEN -0.3 * (sc.hi - sc.lo) ELSE 0 END
                     + 0.1 * (sc.hi - sc.lo) * (1 - s.r_age))))::smallint AS score,
               now() - s.r_age * interval '365 days' AS responded_at
        FROM (
            SELECT g, random() < 0.2 AS journey_level, random() AS r_channel, random() AS r_score,
                   random() AS r_age, floor(random() * %(touchpoints)s)::int AS tp_idx,
                   floor(random() * %(channels)s)::int AS ch_idx
            FROM generate_series(1, %(rows)s) g
        ) s
        JOIN bench_touchpoint t ON t.idx = s.tp_idx
        JOIN (SELECT DISTINCT journey_idx, journey_id FROM bench_touchpoint) jt ON jt.journey_idx = s.tp_idx %% 6
        JOIN (SELECT (ROW_NUMBER() OVER (ORDER BY id) - 1)::int AS idx, id FROM journeys_channel) ch
             ON ch.idx = s.ch_idx
        CROSS JOIN LATERAL (
            SELECT CASE WHEN s.journey_level OR t.metric = 'nps' THEN 0 ELSE 1 END AS lo,
                   CASE WHEN s.journey_level OR t.metric = 'nps' THEN 10 WHEN t.metric = 'csat' THEN 5 ELSE 7 END AS hi
        ) sc
    ) x
"""


def generate(rows: int) -> float:
    from django.conf import settings
    from django.db import connection

    build_organisation()
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM bench_touchpoint")
        (touchpoints,) = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM journeys_channel")
        (channels,) = cursor.fetchone()
        cursor.execute("SELECT setseed(0.42)")
        wide = SPREAD == "wide"
        cursor.execute(
            GENERATE_SQL,
            {
                "tz": settings.TIME_ZONE,
                "rows": rows,
                "touchpoints": touchpoints,
                "channels": channels,
                "own_channel": 0.9 if wide else 0.98,
                "wide": wide,
            },
        )
    return time.perf_counter() - started


def bench_data_matches() -> bool:
    """The generated data is there, with the row count and spread asked for."""
    from django.db import connection

    from metrics.models import SurveyResponse

    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_spread (spread text)")
        cursor.execute("SELECT spread FROM bench_spread")
        spread = cursor.fetchone()
    return spread == (SPREAD,) and SurveyResponse.objects.filter(source="bench").count() == ROWS


def remember_spread() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_spread")
        cursor.execute("INSERT INTO bench_spread VALUES (%s)", [SPREAD])


RAW_GROUP_BY = """
    SELECT COUNT(*), SUM(n), SUM(low), SUM(high), SUM(total), SUM(total_sq) FROM (
        SELECT r.day, r.journey_id, COALESCE(r.touchpoint_id, 0), COALESCE(r.channel_id, 0), r.metric,
               COUNT(*) AS n,
               COUNT(*) FILTER (WHERE (r.metric = 'nps' AND r.score <= 6) OR (r.metric = 'csat' AND r.score <= 2)
                                   OR (r.metric = 'ces' AND r.score <= 3)) AS low,
               COUNT(*) FILTER (WHERE (r.metric = 'nps' AND r.score >= 9) OR (r.metric = 'csat' AND r.score >= 4)
                                   OR (r.metric = 'ces' AND r.score >= 5)) AS high,
               SUM(r.score) AS total, SUM(r.score * r.score) AS total_sq
        FROM metrics_surveyresponse r
        GROUP BY r.day, r.journey_id, COALESCE(r.touchpoint_id, 0), COALESCE(r.channel_id, 0), r.metric
    ) day_cells
"""


def timed(call) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


def raw_group_by(*, tuned: bool = False):
    """The baseline; `tuned`: with the session settings the recompute gives itself (work_mem...)."""
    from django.db import connection, transaction

    from metrics.services.recompute import _Dialect, _planner_settings

    settings = _Dialect("postgresql").planner_settings if tuned else {}
    with transaction.atomic(), connection.cursor() as cursor, _planner_settings(cursor, settings):
        cursor.execute(RAW_GROUP_BY)
        return cursor.fetchone()


def truncate_snapshots() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE metrics_kpisnapshot, metrics_pendingrecompute")


def start_worker(queue: str) -> subprocess.Popen:
    env = {**os.environ, "CELERY_QUEUE": queue, "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base"}
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "cxplatform", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "-n", f"{queue}@{socket.gethostname()}", "--without-gossip", "--without-mingle"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


INGEST_SQL = """
    INSERT INTO metrics_surveyresponse
        (metric, score, journey_id, touchpoint_id, channel_id, responded_at, day, respondent, comment, source,
         external_id, created_at)
    SELECT t.metric, CASE WHEN t.metric = 'nps' THEN 10 ELSE 5 END, t.journey_id, t.id, t.channel_id,
           now() - (g %% 3) * interval '1 day', ((now() - (g %% 3) * interval '1 day') AT TIME ZONE %(tz)s)::date,
           '', '', 'bench-ingest', '', now()
    FROM generate_series(1, %(rows)s) g JOIN bench_touchpoint t ON t.idx = g %% 120
    RETURNING journey_id, day
"""


def ingest_to_fresh(queue: str) -> list[tuple[float, float]]:
    """(seconds to insert and commit, seconds from the start of the ingest to fresh snapshots) per ingest."""
    from celery import current_app
    from django.conf import settings
    from django.db import connection, transaction

    from cxplatform.tasks import ping
    from metrics.models import PendingRecompute
    from metrics.services.recompute_requests import recompute_request

    current_app.conf.task_default_queue = queue
    ping.apply_async(queue=queue).get(timeout=60)  # the worker is up
    samples = []
    for _ in range(INGESTS):
        started = time.perf_counter()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(INGEST_SQL, {"tz": settings.TIME_ZONE, "rows": INGEST_ROWS})
                ranges: dict[int, tuple] = {}
                for journey_id, day in cursor.fetchall():
                    first, last = ranges.get(journey_id, (day, day))
                    ranges[journey_id] = (min(first, day), max(last, day))
            recompute_request(ranges=ranges)
        committed = time.perf_counter()
        while PendingRecompute.objects.exists():
            time.sleep(0.005)
        samples.append((committed - started, time.perf_counter() - started))
    return samples


def print_summary_timings() -> None:
    """What the dashboards will ask: kpi_summary() over the snapshots of the 1,000,000 responses."""
    import datetime

    from django.utils import timezone

    from journeys.models import Journey, Touchpoint
    from metrics.selectors.kpis import kpi_summary

    journey = Journey.objects.filter(group__slug__startswith=GROUP_PREFIX).order_by("id").first()
    touchpoint = Touchpoint.objects.filter(journey=journey).order_by("id").first()
    today = timezone.localdate()
    year = {"date_from": today - datetime.timedelta(days=364), "date_to": today}
    cases = [
        ("organisation, all time", {}),
        ("organisation, last 365 days", year),
        ("organisation by month, last 365 days", {**year, "group_by": "month"}),
        ("organisation by week, last 365 days", {**year, "group_by": "week"}),
        ("organisation by day, last 90 days", {"date_from": today - datetime.timedelta(days=89), "group_by": "day"}),
        ("organisation by touchpoint, last 365 days", {**year, "group_by": "touchpoint"}),
        ("one journey by stage, last 365 days", {**year, "journey": journey, "group_by": "stage"}),
        ("one touchpoint by month, last 365 days", {**year, "touchpoint": touchpoint, "group_by": "month"}),
    ]
    print(f"{'kpi_summary() (the summary API without HTTP)':<60} {'p50 ms':>9} {'max ms':>10} {'rows':>8}")
    for what, params in cases:
        kpi_summary(**params)  # warm
        samples = [timed(lambda params=params: kpi_summary(**params)) for _ in range(N * 5)]
        p50 = statistics.median(seconds for seconds, _result in samples) * 1000
        worst = max(seconds for seconds, _result in samples) * 1000
        print(f"{what:<60} {p50:>9.1f} {worst:>10.1f} {len(samples[0][1]['results']):>8}")


def main() -> None:
    setup_django()
    from django.conf import settings
    from django.db import connection

    from metrics.models import KpiSnapshot, SurveyResponse
    from metrics.services.recompute import snapshots_rebuild_all

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    print(f"database: PostgreSQL {version}, {connection.settings_dict['NAME']}; N={N} runs per line (median)")
    SurveyResponse.objects.filter(source="bench-ingest").delete()
    if os.environ.get("BENCH_REBUILD") or not bench_data_matches():
        truncate_snapshots()
        seconds = generate(ROWS)
        remember_spread()
        print(f"generated {ROWS:,} responses ({SPREAD} spread) in {seconds:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE metrics_surveyresponse")
    total = SurveyResponse.objects.count()
    print(f"responses: {total:,}")

    baseline, tuned, rebuilds, unchanged = [], [], [], []
    for _ in range(N):
        seconds, groups = timed(raw_group_by)
        baseline.append(seconds)
        tuned.append(timed(lambda: raw_group_by(tuned=True))[0])
        truncate_snapshots()
        seconds, stats = timed(snapshots_rebuild_all)
        rebuilds.append(seconds)
        seconds, again = timed(snapshots_rebuild_all)
        unchanged.append(seconds)
    base, base_tuned = statistics.median(baseline), statistics.median(tuned)
    print(f"cells: {stats['days']:,} day, {stats['weeks_and_months']:,} week and month "
          f"({KpiSnapshot.objects.count():,} rows); the raw GROUP BY: {groups[0]:,} groups")  # fmt: skip
    print(f"{'what':<60} {'median s':>9} {'x default':>10} {'x tuned':>8}")
    lines = [
        ("raw SQL GROUP BY at the day-cell grain, server settings", base),
        ("raw SQL GROUP BY, the recompute's settings (work_mem...)", base_tuned),
        ("snapshots_rebuild_all(), from an empty snapshot table", statistics.median(rebuilds)),
        (f"snapshots_rebuild_all(), unchanged data ({again['written']} written)", statistics.median(unchanged)),
    ]
    for what, seconds in lines:
        print(f"{what:<60} {seconds:>9.3f} {seconds / base:>10.2f} {seconds / base_tuned:>8.2f}")

    print_summary_timings()

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        print("REDIS_URL is not set: ingest-to-fresh through a worker skipped")
        return
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    worker = start_worker(queue)
    try:
        samples = ingest_to_fresh(queue)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        SurveyResponse.objects.filter(source="bench-ingest").delete()
        snapshots_rebuild_all()
    commits = [commit for commit, _fresh in samples]
    fresh = [fresh for _commit, fresh in samples]
    print(f"{INGEST_ROWS:,}-row ingest, rows + recompute_request committed: median {statistics.median(commits):.3f} s")
    print(f"{INGEST_ROWS:,}-row ingest to fresh snapshots (worker): median {statistics.median(fresh):.3f} s, "
          f"max {max(fresh):.3f} s over {len(fresh)} ingests")  # fmt: skip


if __name__ == "__main__":
    main()
