"""The Procfile stack (web, worker, beat) started and stopped for a bench, and the CPU its processes and the
bench database's PostgreSQL backends use (bench/load_bench.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import benchlib

ROOT = benchlib.ROOT


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(":", 1) for line in lines if line.strip() and not line.startswith("#"))


def start_stack(workdir: Path, port: int) -> dict[str, subprocess.Popen]:
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "BEAT_SCHEDULE_FILE": str(workdir / "celerybeat-schedule"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    processes = {}
    for name, command in procfile().items():
        log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        processes[name] = subprocess.Popen(
            ["bash", "-c", f"exec {command.strip()}"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    deadline = time.monotonic() + 90
    worker_log = workdir / "worker.log"
    web_up = worker_up = False
    while not (web_up and worker_up):
        for name, process in processes.items():
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with status {process.returncode} while starting")
        if not web_up:
            with contextlib.suppress(OSError):
                web_up = benchlib.http_get(port, "/health/")[0] == 200
        worker_up = worker_up or b" ready." in worker_log.read_bytes()
        if time.monotonic() > deadline:
            raise RuntimeError(f"the stack was not up within 90 s (web {web_up}, worker {worker_up})")
        time.sleep(0.2)
    return processes


def stop_stack(processes: dict[str, subprocess.Popen]) -> dict[str, int]:
    """SIGTERM to each process group we started (gunicorn and celery shut down gracefully), SIGKILL after 30 s."""
    for process in processes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    for process in processes.values():
        try:
            process.wait(timeout=max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return {name: process.returncode for name, process in processes.items()}


def stack_cpu(processes: dict[str, subprocess.Popen]) -> dict[int, float]:
    found: dict[int, float] = {}
    for process in processes.values():  # bash exec'd the program: its pid; gunicorn's and celery's children
        found.update(benchlib.process_cpu([process.pid], children_of=process.pid))
    return found


class DatabaseCpu:
    """CPU seconds of the PostgreSQL backends of the bench database (found by their process title, which names
    the database), sampled every half second so that connections opened and closed meanwhile count too."""

    def __init__(self, database: str) -> None:
        self.marker = f" {database} ".encode()
        self.first = self._read()
        self.last = dict(self.first)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _read(self) -> dict[int, float]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    title = (entry / "cmdline").read_bytes()
                except OSError:
                    continue
                if title.startswith(b"postgres:") and self.marker in title:
                    pids.append(int(entry.name))
        return benchlib.process_cpu(pids)

    def _sample(self) -> None:
        while not self.stopping.wait(0.5):
            self.last.update(self._read())

    def stop(self) -> float:
        self.stopping.set()
        self.thread.join()
        self.last.update(self._read())
        return benchlib.cpu_used(self.first, self.last)
