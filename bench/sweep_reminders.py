"""Reminders produced set-based by the sweep: 100,000 "protection ends in 30 days" messages queued
by `registrations.notice_service.remind_protection` (as `alliance sweep` runs it), against a plain
INSERT … SELECT of the same number of outbox rows in the same run; then the sweep again, which
must queue nothing.

    .venv/bin/python bench/sweep_reminders.py                    # SQLite: 100,000 reminders
    .venv/bin/python bench/sweep_reminders.py --postgres         # then PostgreSQL
    .venv/bin/python bench/sweep_reminders.py --count 20000 --partners 50

`alliance seed --partners P --people-per-partner 1` loads the partners (a child process); this
process inserts 5 partner users per partner and `--count` approved registrations whose protection
ends in 20 days, each filed by one of its partner's users, and `--digest` of the users choose the
daily digest for the reminder (their messages are queued as held). Timed, each in its own
committed transaction:

- baseline: `INSERT INTO outbox_messages (…) SELECT … FROM registrations` of every registration,
  with constant payload and a key from the id, no joins, no conflict clause (rows deleted after);
- the sweep's reminders: `remind_protection` (one INSERT … SELECT per threshold: the registration
  joined to its partner and active registrant, each recipient's preference, the JSON payload and
  the idempotency key built in SQL, ON CONFLICT DO NOTHING);
- the re-run: the same call again, which inserts 0 rows (every key exists).

`sweep ÷ baseline` is the sweep's reminders/s over the baseline's rows/s.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_cli, run_on_each_backend, write_json
from rich.console import Console
from rich.table import Table
from sqlalchemy import String, cast, delete, func, insert, literal, select

from alliance.db import Database, UTCDateTime
from alliance.identity.models import User
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from alliance.notifications.models import NotificationPreference, OutboxMessage
from alliance.notifications.vocabulary import Cadence, EventType, OutboxStatus
from alliance.partners.models import Partner
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import notice_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration

console = Console(width=170)
SWEEPER = Actor.system(label="bench sweep")
USERS_PER_PARTNER = 5
BATCH = 5_000


def load(database: Database, *, count: int, digest: float, seed: int) -> int:
    """Partner users, approved registrations ending in 20 days, digest preferences; returns how many held."""
    rng = random.Random(seed)
    now, today = clock.now(), clock.today()
    with database.session_scope(PartnerScope.system(reason="bench load")) as session:
        partner_ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
        users = [
            {"email": f"user{p}-{n}@partner{p}.example", "name": f"Partner {p} User {n}", "role": Role.PARTNER_USER, "partner_id": p, "is_active": True}
            for p in partner_ids
            for n in range(USERS_PER_PARTNER)
        ]
        session.execute(insert(User), users)
        by_partner: dict[int, list[int]] = {}
        for user_id, partner_id in session.execute(select(User.id, User.partner_id).where(User.partner_id.is_not(None))):
            by_partner.setdefault(partner_id, []).append(user_id)
        digesting = set(rng.sample(sorted(u for ids in by_partner.values() for u in ids), int(digest * len(users))))
        if digesting:
            session.execute(
                insert(NotificationPreference),
                [{"user_id": u, "event_type": EventType.PROTECTION_EXPIRING, "cadence": Cadence.DAILY_DIGEST, "updated_at": now} for u in sorted(digesting)],
            )
        held = 0
        for start in range(0, count, BATCH):
            rows = []
            for n in range(start, min(start + BATCH, count)):
                partner_id = partner_ids[n % len(partner_ids)]
                registrant = rng.choice(by_partner[partner_id])
                held += registrant in digesting
                rows.append(
                    {
                        "partner_id": partner_id,
                        "kind": RegistrationKind.DEAL,
                        "status": Status.APPROVED,
                        "title": f"Deal {n}",
                        "registrant_user_id": registrant,
                        "customer_name": f"Customer {n}",
                        "currency": "USD",
                        "details": {},
                        "submitted_at": now,
                        "approved_at": now,
                        "status_changed_at": now,
                        "protected_until": today + timedelta(days=20),
                        "extensions_granted": 0,
                        "created_at": now,
                        "updated_at": now,
                    }
                )
            session.execute(insert(Registration), rows)
    return held


def baseline(database: Database) -> tuple[float, int]:
    """A plain INSERT … SELECT of one outbox row per registration: the floor of what writing them costs."""
    now = clock.now()
    stamp = literal(now, UTCDateTime())
    source = select(
        literal("baseline/", String) + cast(Registration.id, String),
        literal("email", String),
        literal(EventType.PROTECTION_EXPIRING.value, String),
        Registration.registrant_user_id,
        literal("registration", String),
        Registration.id,
        literal({}, OutboxMessage.__table__.c.payload.type),
        literal(OutboxStatus.QUEUED.value, String),
        literal(0),
        stamp,
        stamp,
        stamp,
    )
    columns = ["idempotency_key", "channel", "event_type", "recipient_user_id", "entity_type", "entity_id", "payload", "status", "attempts"]
    columns += ["next_attempt_at", "created_at", "updated_at"]
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench baseline")) as session:
        inserted = session.connection().execute(insert(OutboxMessage.__table__).from_select(columns, source).execution_options(preserve_rowcount=True)).rowcount
    seconds = time.perf_counter() - started
    with database.session_scope(PartnerScope.system(reason="bench baseline cleanup")) as session:
        session.execute(delete(OutboxMessage).where(OutboxMessage.idempotency_key.like("baseline/%")))
    return seconds, inserted


def sweep(database: Database) -> tuple[float, int]:
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench sweep")) as session:
        queued = notice_service.remind_protection(session, SWEEPER, today=clock.today())
    return time.perf_counter() - started, queued


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "reminders", args.postgres_url) as url:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners (alliance seed) …")
        run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", "1", "--seed", str(args.seed))
        database = Database(url)
        try:
            held = load(database, count=args.count, digest=args.digest, seed=args.seed)
            console.print(f"  {args.count:,} approved registrations ending in 20 days; {held:,} of their registrants chose the daily digest")
            base_s, base_rows = baseline(database)
            console.print(f"  baseline INSERT … SELECT: {base_rows:,} rows in {base_s:.2f} s ({base_rows / base_s:,.0f}/s)")
            sweep_s, queued = sweep(database)
            console.print(f"  sweep reminders: {queued:,} in {sweep_s:.2f} s ({queued / sweep_s:,.0f}/s)")
            again_s, again = sweep(database)
            console.print(f"  re-run: {again:,} in {again_s:.2f} s")
            with database.session_scope(PartnerScope.system(reason="bench check"), write=False) as session:
                statuses = {row[0]: row[1] for row in session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
        finally:
            database.dispose()
    expected = {OutboxStatus.QUEUED: args.count - held, OutboxStatus.HELD: held} if held else {OutboxStatus.QUEUED: args.count}
    if queued != args.count or again != 0 or statuses != expected:
        raise SystemExit(f"expected {args.count:,} reminders once ({expected}); got {queued:,}, then {again:,}; outbox {statuses}")
    return {
        "backend": backend,
        "reminders": queued,
        "held": held,
        "baseline_s": base_s,
        "baseline_per_s": base_rows / base_s,
        "sweep_s": sweep_s,
        "sweep_per_s": queued / sweep_s,
        "ratio": (queued / sweep_s) / (base_rows / base_s),
        "rerun_s": again_s,
        "rerun_inserted": again,
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="protection reminders queued set-based by the sweep, against a plain INSERT … SELECT of as many outbox rows")
    for column in ("backend", "reminders (held)", "baseline s", "baseline /s", "sweep s", "sweep /s", "sweep ÷ baseline", "re-run s", "re-run inserted"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            r["backend"],
            f"{r['reminders']:,} ({r['held']:,})",
            f"{r['baseline_s']:.2f}",
            f"{r['baseline_per_s']:,.0f}",
            f"{r['sweep_s']:.2f}",
            f"{r['sweep_per_s']:,.0f}",
            f"{r['ratio']:.2f}",
            f"{r['rerun_s']:.2f}",
            f"{r['rerun_inserted']:,}",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="approved registrations, hence reminders")
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--digest", type=float, default=0.05, help="share of partner users who chose the daily digest")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run_on_each_backend(args, lambda backend, workdir: run_backend(backend, args, workdir))
    report(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
