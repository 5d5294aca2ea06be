"""How fast is the key-driver analysis of the largest journey over 1,000,000 survey responses?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_drivers_bench .venv/bin/python bench/drivers_bench.py

DATABASE_URL must name a PostgreSQL database with "bench" in its name: the bench creates it when missing,
migrates it and writes to it.

1. Data. `manage.py seed_demo` (idempotent) loads the demo organisation and a year of about 50,000 demo
   responses, whose respondents link touchpoint scores to their NPS (metrics/demo/responses.py: three weak
   touchpoints in "Report a claim" drive the NPS down). The bench copies them until there are BENCH_ROWS
   responses (default 1,000,000): copy k of a visit gets the respondent key "<key>~k" and is moved back by the
   same 0-365 days as a whole, so the copies of one visit stay linked. "Report a claim" has 4 in 10 of them.
   A database that already holds BENCH_ROWS responses is reused as it is.
2. For the journey with the most responses, over the last 12 months (the page's default) and over all its
   responses: driver_analysis() BENCH_N times (default 20) after a warm-up, p50 and p95 in ms; in the same run
   the raw-SQL baselines: a plain scan of the journey's responses in the period (COUNT and SUM), and the least
   grouping the analysis needs (GROUP BY respondent, touchpoint); the ratio of each to the analysis; the
   page itself in-process (django.test.Client, logged in as the demo manager, DEBUG off): p50 and p95, built
   afresh (REPORT_CACHE_SECONDS=0) and with the sums served from the cache (until the next committed write).

Never fails on time: the figures are for people.
"""

from __future__ import annotations

import datetime
import os
import statistics
import time

import benchlib

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.base")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.pop("DEBUG", None)  # as in production (DEBUG on would also record every query)

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
N = int(os.environ.get("BENCH_N", "20"))
SOURCE = "drivers-bench"
HOST = "127.0.0.1"  # in the default ALLOWED_HOSTS


SCAN_SQL = """
    SELECT COUNT(*), SUM(score) FROM metrics_surveyresponse
    WHERE journey_id = %s AND day >= %s AND day <= %s
"""
GROUP_SQL = """
    SELECT COUNT(*) FROM (
        SELECT respondent, touchpoint_id, COUNT(*) FROM metrics_surveyresponse
        WHERE journey_id = %s AND day >= %s AND day <= %s AND respondent <> ''
        GROUP BY respondent, touchpoint_id
    ) groups
"""


def setup_django() -> None:
    benchlib.setup_bench_database()


def seed() -> None:
    steps = benchlib.seed_demo_copies(ROWS, SOURCE, reseed=bool(os.environ.get("BENCH_RESEED")), snapshots=False)
    if "copy responses" in steps:
        print(f"seeded {ROWS:,} responses in {sum(steps.values()):.0f} s")


def timings(call, n: int = N) -> list[float]:
    call()  # warm
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def raw(sql: str, params: list):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def main() -> None:
    setup_django()
    from django.db import connection
    from django.db.models import Count, Min
    from django.test import Client, override_settings
    from django.urls import reverse
    from django.utils import timezone

    from cxplatform.accounts.models import User
    from journeys.models import Journey
    from metrics.forms.periods import preset_period
    from metrics.models import SurveyResponse
    from metrics.selectors.drivers import driver_analysis

    seed()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
    total = SurveyResponse.objects.count()
    print(f"database: PostgreSQL {version}, {connection.settings_dict['NAME']}: {total:,} responses; N={N} runs")
    largest = (
        SurveyResponse.objects.values("journey_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .values_list("journey_id", "n")
    )[0]
    journey = Journey.objects.get(pk=largest[0])
    first_day = SurveyResponse.objects.filter(journey=journey).aggregate(first=Min("day"))["first"]
    twelve = preset_period("12m")
    today = timezone.localdate()
    periods = [("last 12 months", twelve.date_from, today, "period=12m"),
               ("all its responses", first_day, today, f"from={first_day}&to={today}")]  # fmt: skip

    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(username="manager"))
    print(f"journey: {journey.name} ({largest[1]:,} responses in all)")
    header = f"{'what':<66} {'p50 ms':>8} {'p95 ms':>8} {'x scan':>7} {'x group':>8}"
    for label, date_from, date_to, query in periods:
        params = [journey.pk, date_from, date_to]
        rows, _sum = raw(SCAN_SQL, params)
        analysis = driver_analysis(journey=journey, date_from=date_from, date_to=date_to)
        print(
            f"\n{label} ({date_from} to {date_to}): {rows:,} responses, {analysis.linked_respondents:,} linked "
            f"respondents of {analysis.nps_respondents:,} with an NPS, {len(analysis.analysed)} of "
            f"{len(analysis.rows)} touchpoints analysed; fix first: "
            + (", ".join(f"{row.rank}. {row.name} (r={row.importance:.2f})" for row in analysis.fix_first) or "none")
        )
        print(header)
        scan = timings(lambda params=params: raw(SCAN_SQL, params))
        group = timings(lambda params=params: raw(GROUP_SQL, params))
        url = reverse("metrics:journey-drivers", args=[journey.pk]) + f"?{query}"
        with override_settings(REPORT_CACHE_SECONDS=0):
            run = timings(lambda d0=date_from, d1=date_to: driver_analysis(journey=journey, date_from=d0, date_to=d1))
            assert client.get(url).status_code == 200
            page = timings(lambda url=url: client.get(url))
        cached = timings(lambda d0=date_from, d1=date_to: driver_analysis(journey=journey, date_from=d0, date_to=d1))
        cached_page = timings(lambda url=url: client.get(url))
        base_scan, base_group = statistics.median(scan), statistics.median(group)
        for what, samples in [
            ("raw SQL: scan the journey's responses (COUNT, SUM)", scan),
            ("raw SQL: GROUP BY respondent, touchpoint (COUNT)", group),
            ("driver_analysis(), built afresh", run),
            ("driver_analysis(), the sums from the cache", cached),
            ("the page, in-process (django.test.Client), built afresh", page),
            ("the page, in-process, the sums from the cache", cached_page),
        ]:
            p50, p95 = p50_p95(samples)
            print(f"{what:<66} {p50:>8.1f} {p95:>8.1f} {p50 / base_scan:>7.2f} {p50 / base_group:>8.2f}")
    print(f"\n(checked {datetime.datetime.now():%Y-%m-%d %H:%M})")


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


if __name__ == "__main__":
    main()
