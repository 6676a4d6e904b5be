"""`alliance scheduler`: however many are started, one sweeps; kill -9 it and another takes over
(PostgreSQL advisory lock). Real processes; their output lines are the evidence."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from alliance.db import Database


class Scheduler:
    def __init__(self, database_url: str) -> None:
        environment = {**os.environ, "ALLIANCE_DATABASE_URL": database_url, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "alliance.cli", "scheduler", "--every", "1", "--poll-seconds", "0.5"],
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._new: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._new.put(line)

    def count(self, marker: str) -> int:
        return sum(marker in line for line in self.lines)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def wait_for(condition, seconds: float, what: str, *schedulers: Scheduler) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    output = "\n---\n".join("\n".join(s.lines) for s in schedulers)
    pytest.fail(f"timed out after {seconds} s waiting for {what}; output:\n{output}")


@pytest.fixture
def schedulers(db: Database, database_url: str) -> Iterator[list[Scheduler]]:
    started: list[Scheduler] = []
    yield started
    for scheduler in started:
        scheduler.stop()


def test_one_of_two_schedulers_sweeps_and_the_other_takes_over_after_kill_9(db: Database, database_url: str, schedulers: list[Scheduler]) -> None:
    first = Scheduler(database_url)
    schedulers.append(first)
    wait_for(lambda: first.count("swept") >= 1, 60, "the first scheduler's first sweep", first)
    if db.is_sqlite:
        # SQLite: one machine, nothing to share; the scheduler just sweeps, repeatedly.
        wait_for(lambda: first.count("swept") >= 2, 30, "a second sweep", first)
        assert first.count("took the sweep lock") == 1
        return

    second = Scheduler(database_url)
    schedulers.append(second)
    wait_for(lambda: second.count("waiting") == 1, 60, "the second scheduler to wait", first, second)
    swept_before = first.count("swept")
    wait_for(lambda: first.count("swept") >= swept_before + 2, 30, "two more sweeps by the holder", first, second)
    assert second.count("swept") == 0, second.lines
    assert second.count("took the sweep lock") == 0, (first.lines, second.lines)

    first.process.kill()  # SIGKILL: no clean-up, the database frees the lock when the session ends
    first.process.wait()
    wait_for(lambda: second.count("swept") >= 1, 30, "the second scheduler to take over and sweep", first, second)
    assert second.count("took the sweep lock") == 1
