"""Rounds of load through gunicorn, measured: the CPU of the server, its database backends and the machine
around each round, one line per round, and the rounds of one target combined (bench/dashboard_bench.py)."""

from __future__ import annotations

import os

import benchlib


def cpu_reading(server) -> dict:
    """CPU seconds so far of gunicorn (master and workers), of the PostgreSQL backends connected to the bench
    database (when PostgreSQL runs on this machine) and of the whole machine."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        backends = [pid for (pid,) in cursor.fetchall()]
    return {
        "server": benchlib.process_cpu(children_of=server.pid),
        "database": benchlib.process_cpu(backends),
        "machine": benchlib.machine_cpu(),
    }


def print_run(round_: int, name: str, result: dict, seconds: float) -> None:
    line = (
        f"  round {round_ + 1} {name:<18} {result['rps']:>8.1f} req/s, {result['errors']} errors; CPU seconds: "
        f"gunicorn {result['server_cpu']:.1f}, database {result['database_cpu']:.1f}, client "
        f"{result['client_cpu']:.1f} in the {seconds:.0f} s; other processes {result['other_cpu']:.1f} in "
        f"{result['window']:.1f} s ({os.cpu_count()} cores)"
    )
    if result["examples"]:
        line += f"; e.g. {result['examples'][0]}"
    if result["late"] > 0.2:
        line += f"; a client process started {result['late']:.1f} s late"
    print(line)


def combine(results: list[dict]) -> dict[str, object]:
    """The rounds of one target together: per second and per request over all of them."""

    def total(key: str) -> float:
        return sum(result[key] for result in results)

    seconds, ok = total("seconds"), total("ok")
    latencies = sorted(ms for result in results for ms in result["latencies"])
    p50, p95 = benchlib.p50_p95(latencies) if len(latencies) > 1 else (float("nan"), float("nan"))
    return {
        "rps": ok / seconds,
        "rounds": [result["rps"] for result in results],
        "errors": total("errors"),
        "requests": ok + total("errors"),
        "p50": p50,
        "p95": p95,
        "cpu_ms": (total("server_cpu") + total("database_cpu")) * 1000 / max(ok, 1),  # gunicorn + its database
        "server_cpu": total("server_cpu") / seconds,  # cores busy
        "database_cpu": total("database_cpu") / seconds,
        "client_cpu": total("client_cpu") / seconds,
        "other_cpu": total("other_cpu") / total("window"),
        "late": max(result["late"] for result in results),
    }
