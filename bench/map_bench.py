"""How fast is a big journey map? Prints figures for the map page (and the map API, when it exists).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cxplatform_bench .venv/bin/python bench/map_bench.py

Builds two maps: 15 stages x 10 touchpoints (150 in all) and 15 stages x 150 touchpoints (2,250 in all), each
touchpoint with one pain point. Each URL is requested N times (BENCH_N, default 200) through django.test.Client,
logged in as a CX editor; it prints the p50/p95 server time in ms and the query count, beside a raw-SQL baseline
(the same rows in one cursor.execute join) for the ratio. Never asserts on time: the figures are for people.
The database is created when missing and migrated; the maps are rebuilt on every run.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

import benchlib

ROOT = benchlib.ROOT
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cxplatform.settings.test")
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")

N = int(os.environ.get("BENCH_N", "200"))
SHAPES = [(15, 10), (15, 150)]  # (stages, touchpoints per stage)
NAME_PREFIX = "Bench map"


def setup_django() -> None:
    benchlib.setup_django(postgres_required=None)
    import cxplatform.wsgi  # noqa: F401  the production start-up path (it freezes the start-up objects for gc)


def build(stages: int, per_stage: int):
    from cxplatform.accounts.models import Role, User
    from journeys.models import Channel, Finding, FindingKind, Journey, JourneyGroup, Stage, Touchpoint

    group, _ = JourneyGroup.objects.get_or_create(slug="bench", defaults={"name": "Bench group"})
    owner, _ = User.objects.get_or_create(username="bench-owner", defaults={"role": Role.PROCESS_OWNER})
    channels = list(Channel.objects.all()) or [Channel.objects.create(slug="web", name="Web")]
    journey = Journey.objects.create(
        name=f"{NAME_PREFIX} {stages}x{per_stage}", group=group, chain_owner=owner, description="Benchmark map"
    )
    stage_rows = Stage.objects.bulk_create(
        [
            Stage(journey=journey, name=f"Stage {i + 1}", position=i, customer_goal=f"Goal of stage {i + 1}")
            for i in range(stages)
        ]
    )
    touchpoints = Touchpoint.objects.bulk_create(
        [
            Touchpoint(
                journey=journey,
                stage=stage,
                position=j,
                name=f"{stage.name} touchpoint {j + 1}",
                channel=channels[j % len(channels)],
                owner=owner,
                emotion=(j % 5) - 2,
                is_moment_of_truth=j % 7 == 0,
                customer_expectation="Quick and clear",
            )
            for stage in stage_rows
            for j in range(per_stage)
        ],
        batch_size=1000,
    )
    Finding.objects.bulk_create(
        [
            Finding(journey=journey, stage_id=t.stage_id, touchpoint=t, kind=FindingKind.PAIN_POINT, text="Too slow")
            for t in touchpoints
        ],
        batch_size=1000,
    )
    return journey


RAW_SQL = """
    SELECT j.id, j.name, g.name, s.id, s.name, s.position, t.id, t.name, t.position, t.emotion,
           t.is_moment_of_truth, t.customer_expectation, c.name, u.username, f.id, f.kind, f.text, f.severity
    FROM journeys_journey j
    JOIN journeys_journeygroup g ON g.id = j.group_id
    JOIN journeys_stage s ON s.journey_id = j.id
    LEFT JOIN journeys_touchpoint t ON t.stage_id = s.id
    LEFT JOIN journeys_channel c ON c.id = t.channel_id
    LEFT JOIN accounts_user u ON u.id = t.owner_id
    LEFT JOIN journeys_finding f ON f.touchpoint_id = t.id
    WHERE j.id = %s
    ORDER BY s.position, t.position, f.severity DESC, f.id
"""


def timed(call: Callable[[], object], n: int) -> list[float]:
    call()  # warm caches (templates, URL resolver, plans)
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def p50_p95(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49], cuts[94]


def count_queries(call: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        call()
    return len(context)


def url_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def main() -> None:
    setup_django()
    from django.db import connection
    from django.test import Client

    from cxplatform.accounts.models import Role, User
    from journeys.charts import emotion_curve_spec
    from journeys.models import Journey
    from journeys.selectors import journey_map

    Journey.objects.filter(name__startswith=NAME_PREFIX).delete()
    # Worst case: an admin sees every edit control on every card. A reader gets the lighter read-only map.
    editor, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True, "is_staff": True}
    )
    reader, _ = User.objects.get_or_create(username="bench-reader", defaults={"role": Role.MANAGER})
    client = Client()
    client.force_login(editor)
    reader_client = Client()
    reader_client.force_login(reader)

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; N={N} requests per line")
    print(f"{'what':<44} {'p50 ms':>9} {'p95 ms':>9} {'queries':>8} {'KB':>7} {'x raw':>7}")
    for stages, per_stage in SHAPES:
        journey = build(stages, per_stage)
        total = stages * per_stage
        label = f"{stages} stages x {per_stage} = {total} touchpoints"
        print(f"-- {label}, {total} findings")

        def raw(journey_id: int = journey.pk) -> list:
            with connection.cursor() as cursor:
                cursor.execute(RAW_SQL, [journey_id])
                return cursor.fetchall()

        n = N if total <= 500 else max(N // 4, 20)  # the 2,250-touchpoint page takes about a second each
        raw_p50, raw_p95 = p50_p95(timed(raw, n))
        print(f"{'raw SQL join (baseline)':<44} {raw_p50:>9.1f} {raw_p95:>9.1f} {1:>8} {'':>7} {1:>7.1f}")

        targets = [
            ("map page GET (editor: all controls)", f"/journeys/{journey.pk}/", client),
            ("map page GET (reader)", f"/journeys/{journey.pk}/", reader_client),
        ]
        api = f"/api/v1/journeys/{journey.pk}/map/"
        if url_exists(api):
            targets.append(("API map GET", api, client))
        else:
            print(f"  ({api} does not exist: skipped)")
        for what, url, as_client in targets:

            def get(url: str = url, as_client: Client = as_client):
                response = as_client.get(url)
                assert response.status_code == 200, (url, response.status_code)
                return response

            size = len(get().content) / 1024
            queries = count_queries(get)
            p50, p95 = p50_p95(timed(get, n))
            print(f"{what:<44} {p50:>9.1f} {p95:>9.1f} {queries:>8} {size:>7.0f} {p50 / raw_p50:>7.1f}")

        # Two parts of the map page's time (the rest is the template): the rows as objects, and the figure.
        loaded = journey_map(journey_id=journey.pk)
        parts = [
            (
                "  map page part: selector journey_map()",
                lambda journey_id=journey.pk: journey_map(journey_id=journey_id),
            ),
            (
                "  map page part: emotion curve spec",
                lambda loaded=loaded: emotion_curve_spec(loaded),
            ),
        ]
        for what, call in parts:
            p50, p95 = p50_p95(timed(call, max(N // 4, 10)))
            print(f"{what:<44} {p50:>9.1f} {p95:>9.1f} {'':>8} {'':>7} {p50 / raw_p50:>7.1f}")


if __name__ == "__main__":
    main()
