"""How fast do survey responses come in from a CSV file? Prints rows/s and peak memory beside a raw COPY.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxplatform_bench .venv/bin/python bench/import_bench.py

Generates a CSV of BENCH_ROWS (default 1,000,000) realistic responses: 20 journeys of 12 touchpoints made in
the bench database, NPS/CSAT/CES mixed, dates over the last year in three notations (UTC ISO, local ISO, Dutch
dd-mm-yyyy), 70% naming a touchpoint, half a channel, 40% a respondent, 10% a comment, 30% an external_id.
Then, in the same run:
  1. a raw `COPY ... FROM STDIN (FORMAT csv)` of the same file into a plain table with text columns (the
     floor: no checks, no indexes);
  2. `manage.py import_responses FILE` in a subprocess, so that its peak RSS is measurable
     (getrusage(RUSAGE_CHILDREN).ru_maxrss): end to end, Python start-up and the commit included.
Targets: at least 100,000 rows/s and a peak under 300 MB. Never asserts: the figures are for people.
With Redis (REDIS_URL, default db 2) the import's recompute is queued on a queue of the bench's own that no
worker reads, and the queue is emptied afterwards: the import is measured, not the recompute.
"""

from __future__ import annotations

import csv
import os
import random
import re
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import benchlib

ROOT = benchlib.ROOT
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")

ROWS = int(os.environ.get("BENCH_ROWS", "1000000"))
CSV_PATH = Path(os.environ.get("BENCH_CSV", "/tmp/cx-import-bench.csv"))
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/2")
QUEUE = "cx-import-bench"
GROUP_SLUG = "bench-import"
JOURNEYS, TOUCHPOINTS = 20, 12
SCALES = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7)}
COMMENTS = [
    "Snel geholpen, prima.",
    "Took far too long to get an answer, and nobody called back",
    'The app said "error" twice; then it worked',
    "Vriendelijk; maar de wachttijd was lang",
]


def setup_django() -> None:
    benchlib.setup_django(postgres_required="DATABASE_URL must point to a PostgreSQL bench database.")


def build() -> dict[int, list[int]]:
    """Fresh bench journeys (the previous run's, with their responses, are removed): journey id -> touchpoints."""
    from django.db import connection

    from journeys.models import Channel, Journey, JourneyGroup, Stage, Touchpoint

    group, _ = JourneyGroup.objects.get_or_create(slug=GROUP_SLUG, defaults={"name": "Import bench"})
    old = list(Journey.objects.filter(group=group).values_list("pk", flat=True))
    if old:
        with connection.cursor() as cursor:  # raw SQL: the ORM's cascade would load a million objects
            cursor.execute(
                "DELETE FROM metrics_followupcase WHERE response_id IN "
                "(SELECT id FROM metrics_surveyresponse WHERE journey_id = ANY(%s))",
                [old],
            )
            cursor.execute("DELETE FROM metrics_surveyresponse WHERE journey_id = ANY(%s)", [old])
            cursor.execute("DELETE FROM metrics_kpisnapshot WHERE journey_id = ANY(%s)", [old])
            cursor.execute("DELETE FROM metrics_pendingrecompute WHERE journey_id = ANY(%s)", [old])
            # As autovacuum would, in time: an import into a table full of dead rows measures the dead rows.
            cursor.execute("VACUUM ANALYZE metrics_surveyresponse")
        Journey.objects.filter(pk__in=old).delete()
    channels = list(Channel.objects.all()) or [Channel.objects.create(slug="web", name="Web")]
    touchpoints: dict[int, list[int]] = {}
    for j in range(JOURNEYS):
        journey = Journey.objects.create(name=f"Import bench journey {j + 1}", group=group)
        stage = Stage.objects.create(journey=journey, name="Stage", position=0)
        rows = Touchpoint.objects.bulk_create(
            [
                Touchpoint(journey=journey, stage=stage, position=t, name=f"Touchpoint {t + 1}", channel=channels[0])
                for t in range(TOUCHPOINTS)
            ]
        )
        touchpoints[journey.pk] = [row.pk for row in rows]
    return touchpoints


def generate(path: Path, rows: int, touchpoints: dict[int, list[int]]) -> None:
    from journeys.models import Channel
    from metrics.ingest.records import FIELDS

    rng = random.Random(5)
    slugs = list(Channel.objects.values_list("slug", flat=True))
    journeys = list(touchpoints)
    metrics = ["nps"] * 5 + ["csat"] * 3 + ["ces"] * 2
    now = datetime.now(UTC).replace(microsecond=0)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(FIELDS)
        for i in range(rows):
            metric = rng.choice(metrics)
            low, high = SCALES[metric]
            journey = rng.choice(journeys)
            moment = now - timedelta(seconds=rng.randrange(365 * 86400))
            style = rng.random()
            if style < 0.6:
                when = moment.isoformat().replace("+00:00", "Z")
            elif style < 0.9:
                when = moment.strftime("%Y-%m-%d %H:%M:%S")
            else:
                when = moment.strftime("%d-%m-%Y %H:%M")
            writer.writerow(
                [
                    metric,
                    rng.randint(low, high),
                    journey,
                    rng.choice(touchpoints[journey]) if rng.random() < 0.7 else "",
                    rng.choice(slugs) if rng.random() < 0.5 else "",
                    when,
                    f"r{rng.randrange(200_000)}" if rng.random() < 0.4 else "",
                    rng.choice(COMMENTS) if rng.random() < 0.1 else "",
                    "bench-survey",
                    f"ext-{i}" if rng.random() < 0.3 else "",
                ]
            )


def raw_copy(path: Path) -> float:
    """Seconds for COPY of the file into a plain table (text columns, no index, WAL-logged like the real one)
    and its commit."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cursor.execute(
            "CREATE TABLE bench_raw_copy (metric text, score text, journey text, touchpoint text, channel text, "
            "responded_at text, respondent text, comment text, source text, external_id text)"
        )
    started = time.perf_counter()
    with (
        transaction.atomic(),
        connection.cursor() as cursor,
        path.open("rb") as source,
        cursor.copy("COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER)") as copy,
    ):
        while chunk := source.read(1 << 20):
            copy.write(chunk)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_raw_copy")
    return seconds


def redis_or_none():
    try:
        import redis

        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
        client.ping()
        return client
    except Exception:
        return None


def import_in_subprocess(path: Path) -> tuple[float, float, str]:
    """(seconds, peak RSS in MB, output) of manage.py import_responses in a child process. The peak is the
    largest of all children so far (getrusage): run the import once per bench process, or read it as a maximum."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cxplatform.settings.base", "DEBUG": "1"}
    env.pop("REDIS_URL", None)
    queue = redis_or_none()
    if queue is not None:
        env.update(REDIS_URL=REDIS_URL, CELERY_QUEUE=QUEUE)
    else:
        print("  (no Redis at BENCH_REDIS_URL: the recompute runs in the import process, after its commit)")
    command = [sys.executable, str(ROOT / "manage.py"), "import_responses", str(path), "--no-progress"]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KB on Linux
    if queue is not None:
        queue.delete(QUEUE)
    if done.returncode != 0:
        print(done.stdout, done.stderr, sep="\n")
        sys.exit(f"import_responses failed with status {done.returncode}")
    return seconds, peak_mb, done.stdout.strip()


def main() -> None:
    setup_django()
    from django.db import connection

    from metrics.models import SurveyResponse

    touchpoints = build()
    started = time.perf_counter()
    generate(CSV_PATH, ROWS, touchpoints)
    size_mb = CSV_PATH.stat().st_size / 1e6
    print(f"database: {connection.settings_dict['NAME']}; {ROWS:,} rows, {size_mb:.1f} MB in {CSV_PATH}")
    print(f"(generated in {time.perf_counter() - started:.1f} s)")

    raw_seconds = raw_copy(CSV_PATH)
    raw_rate = ROWS / raw_seconds
    print(f"{'what':<48} {'seconds':>8} {'rows/s':>10} {'x raw':>6} {'peak MB':>8}")
    print(f"{'raw COPY into a plain table (baseline)':<48} {raw_seconds:>8.2f} {raw_rate:>10,.0f} {1:>6.1f} {'':>8}")

    seconds, peak_mb, output = import_in_subprocess(CSV_PATH)
    rate = ROWS / seconds
    what = "manage.py import_responses (subprocess)"
    print(f"{what:<48} {seconds:>8.2f} {rate:>10,.0f} {seconds / raw_seconds:>6.1f} {peak_mb:>8.0f}")
    inner = re.search(r"in ([\d.]+) s", output)
    if inner:
        inner_seconds = float(inner.group(1))
        print(
            f"{'  of which the import itself (its own clock)':<48} {inner_seconds:>8.2f} {ROWS / inner_seconds:>10,.0f}"
        )
    print(f"  {output}")
    stored = SurveyResponse.objects.filter(journey_id__in=list(touchpoints)).count()
    print(f"  stored rows: {stored:,}")
    print(
        f"targets: >= 100,000 rows/s ({'met' if rate >= 100_000 else 'NOT met'}), "
        f"peak < 300 MB ({'met' if peak_mb < 300 else 'NOT met'})"
    )
    if os.environ.get("BENCH_RESEND", "1") == "1":
        # The same file again: its external ids are stored, so the import takes the staging path, which
        # counts the re-sent responses (rows without an external id are new responses, stored again).
        seconds, peak_mb, output = import_in_subprocess(CSV_PATH)
        what = "the same file again (staging path, re-sends)"
        print(f"{what:<48} {seconds:>8.2f} {ROWS / seconds:>10,.0f} {seconds / raw_seconds:>6.1f} {peak_mb:>8.0f}")
        print(f"  {output}")


if __name__ == "__main__":
    main()
