"""kill -9 in the middle of a long command leaves a consistent database, and running the command
again finishes the job exactly once (a real process, killed with SIGKILL)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, text

from alliance.audit import service as audit_service
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from tests.factories.world import World

ROWS = 10_000


def alliance(database_url: str, *args: str) -> subprocess.Popen[bytes]:
    environment = {**os.environ, "ALLIANCE_DATABASE_URL": database_url}
    return subprocess.Popen([sys.executable, "-m", "alliance.cli", *args], env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def count(db: Database, sql: str) -> int:
    with db.engine.connect() as connection:
        return int(connection.execute(text(sql)).scalar_one())


def chain_is_intact(db: Database) -> bool:
    with db.session_scope(PartnerScope.system(reason="test: verify")) as session:
        return audit_service.verify_chain(session, Actor.system(label="test")).ok


@pytest.fixture
def imported(db: Database) -> Iterator[None]:
    yield
    # Faster than the per-test cleanup's row-by-row DELETE (with its foreign-key checks) for this many rows.
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("DELETE FROM customer_name_keys")
            connection.exec_driver_sql("DELETE FROM customers")
        else:
            connection.exec_driver_sql("TRUNCATE customer_name_keys, customers CASCADE")


def test_customers_import_killed_mid_file_then_run_again(db: Database, database_url: str, tmp_path: Path, imported: None) -> None:
    crm = tmp_path / "crm.csv"
    with crm.open("w", encoding="utf-8") as out:
        out.write("external_id,name,website,country\n")
        for n in range(ROWS):
            out.write(f"K-{n:06d},Killtest Holdings {n:06d} Ltd,https://killtest-{n:06d}.example,US\n")

    killed = alliance(database_url, "customers", "import", str(crm), "--batch-size", "2000", "--workers", "0")
    deadline = time.monotonic() + 120
    # Kill once the import has started writing (its customer ids are taken from the sequence),
    # well before the end of the file.
    while time.monotonic() < deadline and killed.poll() is None:
        if _writing(db):
            break
        time.sleep(0.05)
    time.sleep(0.2)
    assert killed.poll() is None, f"the import ended before it could be killed: {killed.communicate()[0].decode()[-500:]}"
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)
    assert killed.returncode == -signal.SIGKILL

    # One transaction per file: nothing of the killed run is visible, and the trail is intact.
    assert count(db, "SELECT count(*) FROM customers WHERE external_id LIKE 'K-%'") == 0
    assert count(db, "SELECT count(*) FROM customer_name_keys") == 0
    assert chain_is_intact(db)

    again = alliance(database_url, "customers", "import", str(crm), "--batch-size", "2000", "--workers", "0")
    output = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, output[-2000:]
    assert count(db, "SELECT count(*) FROM customers WHERE external_id LIKE 'K-%'") == ROWS
    # Every customer has its match keys (the index conflict checks read).
    assert count(db, "SELECT count(*) FROM customers c WHERE NOT EXISTS (SELECT 1 FROM customer_name_keys k WHERE k.customer_id = c.id)") == 0
    assert chain_is_intact(db)


EXAMS = 8_000


@pytest.fixture
def exams_imported(db: Database) -> Iterator[None]:
    yield
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("DELETE FROM exam_attempts")
        else:
            connection.exec_driver_sql("TRUNCATE exam_attempts CASCADE")


def test_certifications_import_killed_mid_file_then_run_again(db: Database, database_url: str, world: World, tmp_path: Path, exams_imported: None) -> None:
    from tests.factories.certifications import make_track

    with db.session_scope(PartnerScope.system(reason="test")) as session:
        make_track(session, "sa")
    lms = tmp_path / "lms.csv"
    people = ("ann.architect@a.example", "ian.engineer@a.example", "sam.seller@b.example")
    with lms.open("w", encoding="utf-8") as out:
        out.write("record_type,external_ref,person_email,track_key,attempted_at,score\n")
        for n in range(EXAMS):
            out.write(f"exam,KX-{n:06d},{people[n % 3]},sa,2026-01-10T09:00:00,{40 + n % 60}\n")

    killed = alliance(database_url, "certifications", "import", str(lms), "--batch-size", "1000")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None and not _writing(db, table="exam_attempts"):
        time.sleep(0.05)
    time.sleep(0.2)
    assert killed.poll() is None, f"the import ended before it could be killed: {killed.communicate()[0].decode()[-500:]}"
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)
    assert killed.returncode == -signal.SIGKILL

    # The whole file is one transaction: nothing of the killed run is stored, and the trail is intact.
    assert count(db, "SELECT count(*) FROM exam_attempts") == 0
    assert count(db, "SELECT count(*) FROM audit_events WHERE action = 'certification.imported'") == 0
    assert chain_is_intact(db)

    again = alliance(database_url, "certifications", "import", str(lms), "--batch-size", "1000")
    output = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, output[-2000:]
    assert count(db, "SELECT count(*) FROM exam_attempts") == EXAMS
    assert count(db, "SELECT count(DISTINCT external_ref) FROM exam_attempts") == EXAMS
    # Run once more: idempotent, nothing added.
    third = alliance(database_url, "certifications", "import", str(lms), "--batch-size", "1000")
    assert third.communicate(timeout=600)[0].decode() and third.returncode == 0
    assert count(db, "SELECT count(*) FROM exam_attempts") == EXAMS
    assert count(db, "SELECT count(*) FROM audit_events WHERE action = 'certification.imported'") == 2
    assert chain_is_intact(db)


def _writing(db: Database, *, table: str = "customers") -> bool:
    """Whether an import transaction has started writing (PostgreSQL: a backend holding a row
    lock on customers; SQLite: the database's write lock is taken, a write transaction is open)."""
    if db.is_sqlite:
        # A connection of its own (not the pool's: a zero busy timeout must not outlive the probe).
        probe = sqlite3.connect(str(db.engine.url.database), timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": the import holds the write lock
            return True
        finally:
            probe.close()
    return count(db, f"SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = '{table}' AND l.mode = 'RowExclusiveLock'") > 0


LAPSED = 40_000


@pytest.fixture
def lapsed_registrations(db: Database, world: World) -> Iterator[int]:
    """Many approved registrations of partner A whose protection ended yesterday (bulk rows)."""
    from alliance.registrations.models import Registration

    yesterday = clock.today() - timedelta(days=1)
    now = clock.now()
    rows = [
        {
            "partner_id": world.a.id,
            "kind": "deal",
            "status": "approved",
            "title": f"Lapsed deal {n}",
            "customer_name": f"Lapsed Customer {n}",
            "currency": "USD",
            "details": {},
            "extensions_granted": 0,
            "approved_at": now,
            "protected_until": yesterday,
            "created_at": now,
            "updated_at": now,
        }
        for n in range(LAPSED)
    ]
    with db.engine.begin() as connection:
        connection.execute(insert(Registration), rows)
    yield LAPSED
    with db.engine.begin() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("DELETE FROM registration_events")
            connection.exec_driver_sql("DELETE FROM registrations")
        else:
            connection.exec_driver_sql("TRUNCATE registration_events, registrations CASCADE")


def test_sweep_killed_mid_run_then_run_again(db: Database, database_url: str, lapsed_registrations: int) -> None:
    killed = alliance(database_url, "sweep")
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and killed.poll() is None and not _writing(db, table="registrations"):
        time.sleep(0.01)
    assert killed.poll() is None, f"the sweep ended before it could be killed: {killed.communicate()[0].decode()[-500:]}"
    killed.send_signal(signal.SIGKILL)
    killed.wait(30)

    # Each sweeper is one transaction: the expiries are all stored with their history, or none are.
    expired = count(db, "SELECT count(*) FROM registrations WHERE status = 'expired'")
    events = count(db, "SELECT count(*) FROM registration_events WHERE action = 'expire'")
    assert (expired, events) in ((0, 0), (lapsed_registrations, lapsed_registrations))
    assert chain_is_intact(db)

    again = alliance(database_url, "sweep")
    output = again.communicate(timeout=600)[0].decode()
    assert again.returncode == 0, output[-2000:]
    assert count(db, "SELECT count(*) FROM registrations WHERE status = 'expired'") == lapsed_registrations
    assert count(db, "SELECT count(*) FROM registration_events WHERE action = 'expire'") == lapsed_registrations
    assert count(db, "SELECT count(*) FROM audit_events WHERE action = 'registration.sweep_expired'") == 1
    assert chain_is_intact(db)
