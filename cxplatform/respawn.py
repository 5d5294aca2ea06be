"""Keep one process of the Procfile stack running: `python -m cxplatform.respawn <command> [args...]`.

honcho (like foreman) stops every process of the stack as soon as one exits, so a worker killed with
`kill -9` used to take web and beat down with it. Each Procfile line runs its program under this small
supervisor instead: the program runs in a process group of its own (a kill of that group leaves the supervisor
alone), and when it exits without being asked to, it is started again after a pause that grows while it keeps
dying quickly (1 s up to 30 s). SIGTERM and SIGINT are passed on to the program's group, and the supervisor
exits with the program, so honcho's Ctrl-C stops the stack as before. In containers the restart policy of
docker-compose.yml does this job.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time

FIRST_PAUSE = 1.0
LONGEST_PAUSE = 30.0
# A program that ran at least this long before it died starts again after the first pause.
STEADY_SECONDS = 30.0
PR_SET_PDEATHSIG = 1


def _end_with_parent() -> None:
    """In the child, on Linux: a SIGTERM when the supervisor dies (even by SIGKILL), so that no orphan is left
    running unsupervised and honcho sees the line's output end."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Supervisor:
    def __init__(self, command: list[str]) -> None:
        self.command = command
        self.child: subprocess.Popen | None = None
        self.stopping = False

    def stop(self, signum: int, _frame) -> None:
        self.stopping = True
        if self.child is not None and self.child.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.child.pid, signum)

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        pause = FIRST_PAUSE
        while True:
            started = time.monotonic()
            self.child = subprocess.Popen(self.command, start_new_session=True, preexec_fn=_end_with_parent)
            code = self.child.wait()
            if self.stopping:
                return code if code >= 0 else 128 - code
            pause = FIRST_PAUSE if time.monotonic() - started >= STEADY_SECONDS else min(pause * 2, LONGEST_PAUSE)
            how = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
            print(f"respawn: {self.command[0]} {how}; starting it again in {pause:.0f} s", file=sys.stderr, flush=True)
            deadline = time.monotonic() + pause
            while not self.stopping and time.monotonic() < deadline:
                time.sleep(0.1)
            if self.stopping:
                return 0


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m cxplatform.respawn <command> [args...]", file=sys.stderr)
        return 2
    return Supervisor(argv).run()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
