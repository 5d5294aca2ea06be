"""Survey deliveries into the production stack: 5,000 signed deliveries of a generic (Standard Webhooks) survey
source from 8 concurrent senders, as survey tools would send them. Then: was every acknowledged delivery stored
once, does a re-send double anything, and how long until the journey map's figures include them?

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_webhook_bench REDIS_URL=redis://127.0.0.1:6379/15 \\
        .venv/bin/python bench/webhook_bench.py [--deliveries 5000] [--senders 8] [--resend 200]

DATABASE_URL must name a PostgreSQL database whose name contains "bench" (the bench writes to it) and REDIS_URL
a Redis database of the bench's own (cache and broker of the stack). The stack gets the queue CELERY_QUEUE
(default cx-webhook-bench), so no other worker takes its tasks.

1. The data: a journey "Webhook bench" (key webhook-bench) with one touchpoint (key bench-touchpoint) and a generic
   survey source mapped onto it (NPS from the answer "nps", journey and touchpoint from hidden fields), made when
   missing; its rate limit is raised for the bench (the default, 600 a minute, would refuse most of the load:
   the bench measures the ingest, not the limit).
2. The stack: the Procfile's web, worker and beat (bench/benchstack.py), production settings, DEBUG off.
3. The load: --senders threads, each with its own HTTP connection (httpx), send their share of --deliveries
   deliveries one after the other, each a JSON body with one response (an id of this run, an NPS score, the
   hidden journey and touchpoint keys, the moment it was sent) and the three Standard Webhooks headers signed
   with the source's secret. Latency per delivery, answers by status.
4. The checks: the responses stored for this run against the deliveries acknowledged with 200 "stored" (0 lost,
   0 doubled); then --resend of the deliveries sent again (new webhook ids, as a tool's retry): every answer
   must be "duplicate" and no row added. Finally the map's figures (metrics.selectors.map_measures.measured_map,
   which reads the KPI snapshots the worker recomputes) are polled until the touchpoint's NPS count includes
   every delivery: the time from the last acknowledgement to then.
5. The stack is stopped; the run's responses, their follow-up cases and deliveries are deleted and the snapshots
   rebuilt (--keep keeps them).

Never fails on time: the figures are for people.
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import benchlib
from benchstack import start_stack, stop_stack

os.environ["DJANGO_SETTINGS_MODULE"] = "cxplatform.settings.base"  # production's, as the Procfile runs it
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ.setdefault("CELERY_QUEUE", "cx-webhook-bench")
os.environ["DEBUG"] = "false"

JOURNEY_KEY, TOUCHPOINT_KEY = "webhook-bench", "bench-touchpoint"
SOURCE_NAME = "Webhook bench"
TIMEOUT = 30.0
FIGURES_WAIT = 300.0  # seconds the bench waits for the map's figures at most


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=5000)
    parser.add_argument("--senders", type=int, default=8)
    parser.add_argument("--resend", type=int, default=200, help="deliveries sent again to check deduplication")
    parser.add_argument("--keep", action="store_true", help="keep the run's responses in the database")
    args = parser.parse_args()
    if not 1 <= args.deliveries <= 1_000_000 or not 1 <= args.senders <= 256 or args.resend > args.deliveries:
        parser.error("--deliveries 1 to 1,000,000, --senders 1 to 256, --resend at most --deliveries")
    return args


def prepare():
    """The journey, its touchpoint and the generic source (made when missing)."""
    benchlib.setup_bench_database()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL must point at a Redis database of the bench's own: the stack's cache and broker.")
    from journeys.models import Journey, JourneyGroup, Stage, Touchpoint
    from metrics.connectors.services import source_create
    from metrics.models import SurveySource

    journey = Journey.objects.filter(key=JOURNEY_KEY).first()
    if journey is None:
        group = JourneyGroup.objects.order_by("id").first() or JourneyGroup.objects.create(name="Bench")
        journey = Journey.objects.create(name="Webhook bench", key=JOURNEY_KEY, group=group)
        stage = Stage.objects.create(journey=journey, name="Survey", position=0)
        Touchpoint.objects.create(journey=journey, stage=stage, name="Bench touchpoint", key=TOUCHPOINT_KEY, position=0)
    touchpoint = Touchpoint.objects.get(journey=journey, key=TOUCHPOINT_KEY)
    source = SurveySource.objects.filter(name=SOURCE_NAME, vendor="generic").first()
    if source is None:
        source = source_create(
            name=SOURCE_NAME,
            vendor="generic",
            created_by=None,
            mapping={
                "metrics": {"nps": "nps"},
                "journey": {"from": "hidden", "key": "journey"},
                "touchpoint": {"from": "hidden", "key": "touchpoint"},
            },
        )
    SurveySource.objects.filter(pk=source.pk).update(rate_limit=1_000_000, active=True)
    return journey, touchpoint, source


def body_of(run: str, number: int) -> bytes:
    return json.dumps(
        {
            "id": f"{run}-{number}",
            "submitted_at": datetime.now(tz=UTC).isoformat(timespec="seconds"),
            "nps": number % 11,
            "hidden": {"journey": JOURNEY_KEY, "touchpoint": TOUCHPOINT_KEY},
        }
    ).encode()


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: collections.Counter = collections.Counter()
        self.acknowledged: set[str] = set()  # ids answered 200 "stored"
        self.bodies: dict[int, bytes] = {}
        self.examples: dict[tuple[int, str], str] = {}
        self.last_ack = 0.0


def sender(url: str, secret: str, numbers: range, run: str, results: Results, *, resend: bool = False) -> None:
    import httpx
    from standardwebhooks.webhooks import Webhook

    signer = Webhook(secret)
    with httpx.Client(timeout=TIMEOUT) as client:
        for number in numbers:
            body = results.bodies[number] if resend else body_of(run, number)
            at = datetime.now(tz=UTC)
            message_id = f"msg_{run}_{number}{'_again' if resend else ''}"
            headers = {
                "content-type": "application/json",
                "webhook-id": message_id,
                "webhook-timestamp": str(int(at.timestamp())),
                "webhook-signature": signer.sign(msg_id=message_id, timestamp=at, data=body.decode()),
            }
            started = time.perf_counter()
            try:
                response = client.post(url, content=body, headers=headers)
                status, answer = response.status_code, response.json()
            except Exception as error:
                status, answer = 0, {"status": f"{type(error).__name__}: {error}"}
            elapsed = (time.perf_counter() - started) * 1000
            with results.lock:
                results.latencies.append(elapsed)
                results.statuses[(status, answer.get("status", "?"))] += 1
                if not resend:
                    results.bodies[number] = body
                if status == 200 and answer.get("status") == "stored":
                    results.acknowledged.add(f"{run}-{number}")
                    results.last_ack = time.monotonic()
                elif (status, answer.get("status")) != (200, "duplicate" if resend else "stored"):
                    results.examples.setdefault((status, str(answer.get("status"))), str(answer)[:200])


def send_all(url: str, secret: str, numbers: list[int], senders: int, run: str, results: Results, **kw) -> float:
    share = [numbers[i::senders] for i in range(senders)]
    threads = [threading.Thread(target=sender, args=(url, secret, part, run, results), kwargs=kw) for part in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def stored_counts(run: str) -> dict[str, int]:
    from django.db.models import Count

    from metrics.models import SurveyResponse

    rows = (
        SurveyResponse.objects.filter(external_id__startswith=f"{run}-").values("external_id").annotate(n=Count("id"))
    )
    return {row["external_id"]: row["n"] for row in rows}


def map_count(journey, touchpoint) -> int:
    """The NPS count the journey map shows for the touchpoint (last 90 days), read as the map page reads it."""
    from metrics.periods import preset_period
    from metrics.selectors.map_measures import measured_map

    figures = measured_map(journey=journey, period=preset_period("90d")).touchpoints.get(touchpoint.pk, [])
    return next((figure.n for figure in figures if figure.metric == "nps"), 0)


def remove_run(run: str) -> int:
    from django.db import transaction

    from metrics.models import Delivery, FollowUpCase, SurveyResponse
    from metrics.services.recompute import snapshots_rebuild_all

    with transaction.atomic():
        FollowUpCase.objects.filter(response__external_id__startswith=f"{run}-").delete()
        removed, _ = SurveyResponse.objects.filter(external_id__startswith=f"{run}-").delete()
        Delivery.objects.filter(source__name=SOURCE_NAME).delete()
    snapshots_rebuild_all()
    return removed


def percentiles(samples: list[float]) -> tuple[float, float]:
    return benchlib.p50_p95(samples) if len(samples) >= 2 else (float("nan"), float("nan"))


def main() -> None:
    args = arguments()
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per request otherwise
    began = time.perf_counter()
    journey, touchpoint, source = prepare()
    from django.db import connection

    run = f"wb{int(time.time())}"
    load_before = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    before = map_count(journey, touchpoint)
    print(f"database {connection.settings_dict['NAME']}; queue {os.environ['CELERY_QUEUE']}; {os.cpu_count()} CPUs; "
          f"the map counts {before} NPS responses at the bench touchpoint before the run")  # fmt: skip
    workdir = Path(tempfile.mkdtemp(prefix="webhook-bench-"))
    port = benchlib.free_port()
    processes = start_stack(workdir, port)
    url = f"http://127.0.0.1:{port}{source.hook_path}"
    print(f"stack up: web on 127.0.0.1:{port}, worker, beat (logs in {workdir}); sending to {source.hook_path}")
    stopped: dict[str, int] = {}
    results, again = Results(), Results()
    figures_seconds: float | None = None
    try:
        numbers = list(range(args.deliveries))
        window = send_all(url, source.secret, numbers, args.senders, run, results)
        last_ack = results.last_ack
        expected = before + len(results.acknowledged)
        while time.monotonic() - last_ack < FIGURES_WAIT:
            if map_count(journey, touchpoint) >= expected:
                figures_seconds = time.monotonic() - last_ack
                break
            time.sleep(0.25)
        stored_before_resend = sum(stored_counts(run).values())
        again.bodies = results.bodies
        resent = numbers[:: max(1, len(numbers) // args.resend)][: args.resend]
        send_all(url, source.secret, resent, args.senders, run, again, resend=True)
    finally:
        stopped = stop_stack(processes)
    counts = stored_counts(run)
    stored = sum(counts.values())
    # A delivery's response is stored as "<its id>-nps" (metrics.connectors.mapping: one response per metric).
    lost = results.acknowledged - {external_id.removesuffix("-nps") for external_id in counts}
    doubled = [external_id for external_id, n in counts.items() if n > 1]
    duplicates = again.statuses.get((200, "duplicate"), 0)
    removed = 0 if args.keep else remove_run(run)

    p50, p95 = percentiles(results.latencies)
    lines = [f"SUMMARY webhook bench: {args.deliveries:,} signed deliveries (generic source, Standard Webhooks) from "
             f"{args.senders} concurrent senders against web + worker + beat (Procfile)"]  # fmt: skip
    lines.append(f"deliveries/s {len(results.latencies) / window:.1f} ({window:.1f} s); latency p50 {p50:.0f} ms, "
                 f"p95 {p95:.0f} ms, max {max(results.latencies, default=0):.0f} ms")  # fmt: skip
    lines.append(
        "answers: " + ", ".join(f"{s or 'no answer'} {w}: {n}" for (s, w), n in sorted(results.statuses.items()))
    )
    for (status, what), example in list(results.examples.items())[:5]:
        lines.append(f"  unexpected {status or 'no answer'} {what}: {example}")
    lines.append(f"stored {stored:,} for {len(results.acknowledged):,} acknowledged: lost {len(lost)}, doubled "
                 f"{len(doubled)}; target 0 lost or doubled: {benchlib.met(not lost and not doubled)}")  # fmt: skip
    lines.append(f"re-sent {sum(again.statuses.values())}: {duplicates} answered duplicate, rows added "
                 f"{stored - stored_before_resend}; target 0 added: {benchlib.met(stored == stored_before_resend)}")  # fmt: skip
    if figures_seconds is None:
        lines.append(f"the map's figures did NOT include every delivery within {FIGURES_WAIT:.0f} s")
    else:
        lines.append(f"the map's figures included every delivery {figures_seconds:.1f} s after the last acknowledgement "
                     "(KPI snapshots recomputed by the worker)")  # fmt: skip
    lines.append(f"load average {load_before} before, {', '.join(f'{v:.1f}' for v in os.getloadavg())} after, on "
                 f"{os.cpu_count()} CPUs (other work on the machine slows every figure above)")  # fmt: skip
    lines.append(f"stack stopped: {', '.join(f'{name} {code}' for name, code in stopped.items())}; {removed:,} "
                 f"responses of the run removed; total runtime {time.perf_counter() - began:.0f} s")  # fmt: skip
    print("\n" + "=" * 110)
    print("\n  ".join(lines))
    print("=" * 110)
    if lost or doubled or results.examples:
        for name in ("web", "worker"):
            log = workdir / f"{name}.log"
            if log.exists():
                print(f"--- last lines of {name}.log ---")
                print("\n".join(log.read_text(errors="replace").splitlines()[-15:]))
    else:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
