"""`alliance scheduler`: run `sweep` every N seconds in exactly one process of a deployment.

Start one next to every app server if you like: on PostgreSQL they compete for a session-level
advisory lock (alliance.kit.singleton); the holder sweeps, the others wait and try again every
`--poll-seconds`, and one of them takes over within that time when the holder dies (the database
frees a dead session's locks). On SQLite there is one machine and the scheduler simply sweeps.
"""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from typing import Annotated

import typer

from alliance.cli.context import console, current_database, err_console
from alliance.cli.sweep import run_sweep
from alliance.config import get_settings
from alliance.kit.singleton import SWEEP_SCHEDULER_KEY, SingletonLock


def register(app: typer.Typer) -> None:
    app.command("scheduler")(scheduler)


def say(message: str) -> None:
    console.print(message, highlight=False, soft_wrap=True)


def scheduler(
    every: Annotated[float, typer.Option("--every", min=1, help="Seconds between the starts of two sweeps")] = 300,
    poll_seconds: Annotated[float, typer.Option("--poll-seconds", min=0.1, help="How often a waiting scheduler tries to take over")] = 5,
) -> None:
    """Sweep periodically; however many schedulers run, only one sweeps (PostgreSQL advisory lock)."""
    current_database().dispose()  # refuses (exit 1) a schema that is not current
    name = f"{socket.gethostname()}:{os.getpid()}"
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    lock = SingletonLock(get_settings().database_url, SWEEP_SCHEDULER_KEY)
    holding = waiting_said = False
    next_sweep = 0.0
    try:
        while not stop.is_set():
            if holding and not lock.still_held():
                say(f"scheduler {name}: lost the sweep lock (its database connection dropped)")
                holding = waiting_said = False
            if not holding:
                if not lock.acquire():
                    if not waiting_said:
                        say(f"scheduler {name}: waiting: another scheduler has the sweep lock")
                        waiting_said = True
                    stop.wait(poll_seconds)
                    continue
                holding = True
                say(f"scheduler {name}: took the sweep lock; sweeping every {every:g} s")
                next_sweep = time.monotonic()
            now = time.monotonic()
            if now >= next_sweep:
                next_sweep = now + every
                try:
                    counts = run_sweep()
                except Exception as exc:  # the next sweep tries again; a scheduler outlives a bad run
                    err_console.print(f"scheduler {name}: sweep failed: {exc!r}", highlight=False, soft_wrap=True)
                else:
                    say(f"scheduler {name}: swept ({sum(counts.values())} changes) in {time.monotonic() - now:.1f} s")
            # Ping the lock's connection at least every poll: a holder that lost it stops sweeping.
            stop.wait(max(0.0, min(poll_seconds, next_sweep - time.monotonic())))
    finally:
        lock.close()
        say(f"scheduler {name}: stopped")
