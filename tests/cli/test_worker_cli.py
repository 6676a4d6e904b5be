"""`alliance worker`: deliver with --once, the figures with --stats; and crash safety: a worker
killed with SIGKILL mid-batch loses nothing, and two workers at once never send a message twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from alliance.cli import app
from alliance.config import get_settings
from alliance.db import Database
from alliance.delivery.rendering import message_id
from alliance.identity.scope import Actor, PartnerScope
from alliance.notifications import service as notification_service
from alliance.notifications.models import OutboxMessage
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType, OutboxStatus
from tests.smtp_receiver import Receiver, smtp_server

ROOT = Path(__file__).resolve().parents[2]
FACTS = {"title": "Deal", "kind": "deal", "customer": "Acme", "partner": "Northwind Consulting", "by": "a_user@example.com"}


def queue(db: Database, world, count: int) -> list[str]:  # type: ignore[no-untyped-def]
    """`count` messages to the world's reviewers, in one transaction; their idempotency keys."""
    system = Actor.system(label="test")
    people = [world.users[name] for name in ("admin", "cam", "cam2", "ps_lead")]
    with db.session_scope(PartnerScope.system(reason="test queue")) as session:
        for n in range(count):
            notification_service.notify(
                session,
                system,
                event=EventType.REGISTRATION_SUBMITTED,
                recipients=[Recipient(people[n % len(people)], "you review registrations")],
                entity_type="registration",
                entity_id=n + 1,
                facts=FACTS,
                occurrence=f"n{n}",
            )
        return list(session.scalars(select(OutboxMessage.idempotency_key)))


def statuses(db: Database) -> dict[OutboxStatus, int]:
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return {OutboxStatus(s): n for s, n in session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}


@pytest.fixture
def smtp(monkeypatch) -> Iterator[Receiver]:  # type: ignore[no-untyped-def]
    with smtp_server() as (receiver, port):
        for name, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_SECURITY": "none", "MAIL_FROM": "Alliance <a@vendor.example>"}.items():
            monkeypatch.setenv(f"ALLIANCE_{name}", value)
        get_settings.cache_clear()
        yield receiver
        get_settings.cache_clear()


class TestOnce:
    def test_delivers_what_is_due_and_exits(self, runner, cli_env, smtp, db, world):
        queue(db, world, 30)
        result = runner.invoke(app, ["worker", "--once", "--batch-size", "7"])
        assert result.exit_code == 0, result.output
        assert "30 sent" in result.output and "SMTP 127.0.0.1" in result.output
        assert smtp.count() == 30 and statuses(db) == {OutboxStatus.SENT: 30}

    def test_without_an_smtp_host_messages_are_logged(self, runner, cli_env, db, world, monkeypatch):
        monkeypatch.setenv("ALLIANCE_SMTP_HOST", "")
        queue(db, world, 3)
        result = runner.invoke(app, ["worker", "--once"])
        assert result.exit_code == 0, result.output
        assert "3 logged" in result.output and "mail log" in result.output
        assert statuses(db) == {OutboxStatus.LOGGED: 3}


class TestStats:
    def test_prints_counts_and_the_oldest(self, runner, cli_env, db, world):
        queue(db, world, 4)
        result = runner.invoke(app, ["worker", "--stats"])
        assert result.exit_code == 0, result.output
        assert "Queued" in result.output and "Oldest undelivered: waiting" in result.output
        as_json = runner.invoke(app, ["worker", "--stats", "--json"])
        figures = json.loads(as_json.stdout)
        assert (figures["queued"], figures["sent"], figures["dead"]) == (4, 0, 0) and figures["oldest_waiting_seconds"] >= 0


def worker_env(database_url: str, port: int, settings: dict[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "ALLIANCE_DATABASE_URL": database_url,
        "ALLIANCE_SMTP_HOST": "127.0.0.1",
        "ALLIANCE_SMTP_PORT": str(port),
        "ALLIANCE_SMTP_SECURITY": "none",
        "ALLIANCE_MAIL_FROM": "Alliance <a@vendor.example>",
        "ALLIANCE_LOG_LEVEL": "ERROR",
        **{f"ALLIANCE_{key.upper()}": value for key, value in settings.items()},
    }


# `alliance worker` as its own process, from this checkout.
WORKER = [sys.executable, "-c", "from alliance.cli import main; main()", "worker"]


def start_worker(database_url: str, port: int, settings: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(WORKER, env=worker_env(database_url, port, settings), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_for(condition, timeout: float = 90.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.01)


class TestCrashSafety:
    def test_a_worker_killed_mid_batch_loses_nothing(self, database_url, db, world):
        count, record_every, lease = 400, 10, 3.0
        keys = queue(db, world, count)
        with smtp_server() as (receiver, port):
            settings = {"worker_batch_size": "200", "worker_record_every": str(record_every), "worker_lease_seconds": str(lease), "worker_poll_seconds": "0.1"}
            first = start_worker(database_url, port, settings)
            try:
                wait_for(lambda: receiver.count() >= 120)
            finally:
                first.send_signal(signal.SIGKILL)
                first.wait(30)
            before_restart = statuses(db)
            # Killed mid-batch: what it claimed is still "sending", under its lease.
            assert before_restart.get(OutboxStatus.SENDING, 0) > 0 and before_restart.get(OutboxStatus.SENT, 0) < count
            time.sleep(lease + 0.5)
            second = subprocess.run([*WORKER, "--once"], env=worker_env(database_url, port, settings), cwd=ROOT, capture_output=True, timeout=300)
            assert second.returncode == 0, second.stderr.decode()
            received = receiver.message_ids()
        assert statuses(db) == {OutboxStatus.SENT: count}
        domain = "vendor.example"
        # Every message arrived; a receiver that drops repeated Message-IDs sees each exactly once.
        assert set(received) == {message_id(key, domain) for key in keys}
        twice = {mid: n for mid, n in received.items() if n > 1}
        # Sent again only if the killed worker had sent it without recording so yet.
        assert all(n == 2 for n in twice.values()) and len(twice) <= record_every

    @pytest.mark.parametrize("workers", [2])
    def test_workers_running_at_once_never_send_one_message_twice(self, database_url, db, world, workers):
        count = 300
        keys = queue(db, world, count)
        with smtp_server() as (receiver, port):
            settings = {"worker_batch_size": "10", "worker_record_every": "5", "worker_poll_seconds": "0.05"}
            running = [start_worker(database_url, port, settings) for _ in range(workers)]
            try:
                wait_for(lambda: receiver.count() >= count or any(p.poll() is not None for p in running))
                time.sleep(0.5)  # anything sent twice would arrive now
            finally:
                for process in running:
                    process.send_signal(signal.SIGTERM)
                for process in running:
                    process.wait(30)
            assert all(p.returncode == 0 for p in running), [p.stderr.read().decode() for p in running if p.stderr]
            received = receiver.message_ids()
        assert sorted(received.values()) == [1] * count
        assert set(received) == {message_id(key, "vendor.example") for key in keys}
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            claimed_by = {token.rsplit("/", 1)[0] for token in session.scalars(select(OutboxMessage.claimed_by))}
        assert len(claimed_by) == workers  # both took their share
        assert statuses(db) == {OutboxStatus.SENT: count}


class TestServe:
    def serve(self, runner, monkeypatch, db, *args: str) -> list[str]:  # type: ignore[no-untyped-def]
        """Run `alliance serve` with uvicorn replaced by a wait: the names of the threads running meanwhile."""
        import threading

        import uvicorn

        seen: list[str] = []

        def instead_of_serving(*_args: object, **_kwargs: object) -> None:
            seen.extend(t.name for t in threading.enumerate())
            if "alliance-worker" in seen:
                wait_for(lambda: statuses(db).get(OutboxStatus.LOGGED) == 2, timeout=30)

        monkeypatch.setattr(uvicorn, "run", instead_of_serving)
        result = runner.invoke(app, ["serve", "--port", "0", *args])
        assert result.exit_code == 0, result.output
        assert "alliance-worker" not in {t.name for t in threading.enumerate()}  # stopped with the server
        return seen

    def test_serve_worker_delivers_from_a_thread(self, runner, cli_env, db, world, monkeypatch):
        monkeypatch.setenv("ALLIANCE_WORKER_POLL_SECONDS", "0.05")
        queue(db, world, 2)
        assert "alliance-worker" in self.serve(runner, monkeypatch, db, "--worker")
        assert statuses(db) == {OutboxStatus.LOGGED: 2}

    def test_by_default_only_the_sqlite_demo_runs_one(self, runner, cli_env, db, world, monkeypatch):
        monkeypatch.setenv("ALLIANCE_WORKER_POLL_SECONDS", "0.05")
        queue(db, world, 2)
        threads = self.serve(runner, monkeypatch, db)
        assert ("alliance-worker" in threads) == db.is_sqlite
        assert statuses(db) == ({OutboxStatus.LOGGED: 2} if db.is_sqlite else {OutboxStatus.QUEUED: 2})
        assert "alliance-worker" not in self.serve(runner, monkeypatch, db, "--no-worker")
