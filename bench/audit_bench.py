"""What the audit trail costs a write: the same writes with the audit signals connected and disconnected, and a
raw SQL baseline of the same UPDATE, in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cx_audit_bench .venv/bin/python bench/audit_bench.py [--writes 2000]

1. The data: a journey group, a journey and a person of the bench's own (made when missing), and --writes
   improvement actions on that journey.
2. The writes, each in its own transaction as the API makes them:
   - update: the action loaded by id, then teams.services.actions.action_update (a new title), as PATCH
     /api/v1/actions/<id>/ does: the versioned UPDATE, its audit row naming the field touched;
   - create: teams.services.actions.action_create, as POST /api/v1/actions/ does: the INSERT and its audit row;
   - raw: the same versioned UPDATE as one SQL statement through the cursor, without the ORM or the service:
     the floor under both.
   Audited and unaudited rounds alternate (--rounds), so that the database's caches and the machine's load
   weigh on both alike. Per write: p50 and p95 in ms, and the ratio audited / unaudited of the medians.
3. The run's actions are deleted (their audit rows stay: the trail is append-only; the retention purge removes
   them in time).

Never fails on time: the figures are for people.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import benchlib

os.environ["DJANGO_SETTINGS_MODULE"] = "cxplatform.settings.base"
os.environ.setdefault("SECRET_KEY", "bench-secret-key-not-for-production")
os.environ["DEBUG"] = "false"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writes", type=int, default=2000, help="writes of each kind, per variant")
    parser.add_argument(
        "--rounds", type=int, default=40, help="alternating audited / unaudited rounds (short: load drifts)"
    )
    args = parser.parse_args()
    benchlib.setup_django(postgres_required="DATABASE_URL must point at a PostgreSQL database.")

    from django.db import connection, transaction

    from cxplatform.accounts.models import Role, User
    from cxplatform.audit import signals
    from cxplatform.audit.context import acting
    from cxplatform.audit.models import AuditEvent, Via
    from journeys.models import Journey, JourneyGroup
    from teams.models import ImprovementAction
    from teams.services.actions import action_create, action_update

    group, _ = JourneyGroup.objects.get_or_create(name="Audit bench")
    journey = Journey.objects.filter(name="Audit bench", group=group).first() or Journey.objects.create(
        name="Audit bench", group=group
    )
    person, _ = User.objects.get_or_create(username="audit-bench", defaults={"role": Role.ADMIN})
    per_round = max(1, args.writes // args.rounds)
    samples: dict[tuple[str, bool], list[float]] = {}
    created: list[int] = []
    audit_rows_before = AuditEvent.objects.count()

    def timed(kind: str, audited: bool, write) -> None:
        bucket = samples.setdefault((kind, audited), [])
        start = time.perf_counter()
        write()
        bucket.append((time.perf_counter() - start) * 1000)

    def create(index: int) -> None:
        action = action_create(created_by=person, title=f"Bench action {index}", journey=journey)
        created.append(action.pk)

    def update(pk: int, index: int) -> None:
        action = ImprovementAction.objects.get(pk=pk)
        action_update(action=action, expected_version=action.version, title=f"Bench update {index}")

    def raw(pk: int, index: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE teams_improvementaction SET title = %s, version = version + 1 WHERE id = %s",
                [f"Bench raw {index}", pk],
            )

    with acting(label="audit-bench", via=Via.COMMAND, user_id=person.pk):
        for round_number in range(args.rounds * 2):
            audited = round_number % 2 == 0
            if audited:
                signals.connect()
            else:
                signals.disconnect()
            first = len(created)
            for index in range(per_round):
                timed("create", audited, lambda index=index: create(index))
            mine = created[first:]
            for index, pk in enumerate(mine):
                timed("update", audited, lambda pk=pk, index=index: update(pk, index))
            for index, pk in enumerate(mine):
                timed("raw", audited, lambda pk=pk, index=index: raw(pk, index))
        signals.connect()
    audit_rows = AuditEvent.objects.count() - audit_rows_before

    print(f"\n{per_round * args.rounds} writes of each kind per variant, {args.rounds} alternating rounds")
    print(f"{'write':<8} {'audit':<6} {'p50 ms':>8} {'p95 ms':>8}")
    for kind in ("create", "update", "raw"):
        for audited in (True, False):
            p50, p95 = benchlib.p50_p95(samples[(kind, audited)])
            print(f"{kind:<8} {'on' if audited else 'off':<6} {p50:8.3f} {p95:8.3f}")
    for kind in ("create", "update"):
        on = statistics.median(samples[(kind, True)])
        off = statistics.median(samples[(kind, False)])
        print(f"{kind}: audited / unaudited median = {on / off:.3f} ({(on - off):+.3f} ms per write)")
    raw_median = statistics.median(samples[("raw", True)] + samples[("raw", False)])
    print(f"raw SQL UPDATE median: {raw_median:.3f} ms (the floor)")
    print(f"audit rows written: {audit_rows}")
    ImprovementAction.objects.filter(pk__in=created).delete()


if __name__ == "__main__":
    main()
