"""MDF ledger balances, set-based: 10,000 partners × 20 ledger entries each, every partner's six
buckets (allocated, committed, claimed, approved, paid, expired) and its available balance from
one GROUP BY (`funds.ledger_repository.LedgerRepository.by_partner`, what the ledger page, the CSV
and plan-vs-actual read), against a per-partner loop (one query per partner, as a naive report
would do), in the same process and database.

    .venv/bin/python bench/funds_ledger.py                 # SQLite
    .venv/bin/python bench/funds_ledger.py --postgres      # then PostgreSQL
    .venv/bin/python bench/funds_ledger.py --partners 2000 --entries 20

Rows are inserted with Core (partners, one program budget, one allocation per partner, entries
that reconcile: an allocation, then commitments, claims, approvals, payments). Both runs must
agree on every balance; `loop ÷ set` is how many times slower the loop is.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_on_each_backend
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select

from alliance.db import Database
from alliance.funds.ledger_repository import LedgerRepository
from alliance.funds.models import FundAllocation, FundBudget, FundLedgerEntry
from alliance.funds.vocabulary import LedgerKind
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.partners.models import Partner, Program
from alliance.partners.vocabulary import PartnerStatus, PartnerType

console = Console(width=140)
BATCH = 5_000
# One partner's movements: allocate, then (commit, claim, approve, pay) cycles, in pairs that move money.
CYCLE = ((LedgerKind.COMMITTED, 1), (LedgerKind.COMMITTED, -1), (LedgerKind.CLAIMED, 1), (LedgerKind.CLAIMED, -1), (LedgerKind.APPROVED, 1))


def load(database: Database, *, partners: int, entries: int, seed: int) -> None:
    rng = random.Random(seed)
    now = clock.now()
    with database.session_scope(PartnerScope.system(reason="bench load")) as session:
        program = Program(key="bench", name="Bench", partner_type=PartnerType.RESELLER, currency="USD")
        session.add(program)
        session.flush()
        for start in range(0, partners, BATCH):
            rows = [
                {
                    "legal_name": f"Bench {n} Ltd",
                    "display_name": f"Bench {n}",
                    "partner_type": PartnerType.RESELLER,
                    "hq_country": "US",
                    "status": PartnerStatus.ACTIVE,
                    "program_id": program.id,
                }
                for n in range(start, min(start + BATCH, partners))
            ]
            session.execute(insert(Partner), rows)
        budget = FundBudget(
            program_id=program.id,
            period_key="FY2027",
            starts_on=date(2027, 1, 1),
            ends_on=date(2027, 12, 31),
            expires_on=date(2027, 12, 31),
            amount=Decimal(10**12),
            currency="USD",
        )
        session.add(budget)
        session.flush()
        partner_ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
        for start in range(0, len(partner_ids), BATCH):
            chunk = partner_ids[start : start + BATCH]
            session.execute(insert(FundAllocation), [{"partner_id": p, "budget_id": budget.id, "amount": Decimal(100_000), "currency": "USD"} for p in chunk])
        allocations: dict[int, int] = dict(session.execute(select(FundAllocation.partner_id, FundAllocation.id)).all())
        batch: list[dict[str, object]] = []
        for partner_id, allocation_id in allocations.items():
            moves = [(LedgerKind.ALLOCATED, Decimal(100_000))]
            while len(moves) < entries:
                amount = Decimal(rng.randint(100, 2_000))
                moves.extend((kind, amount * sign) for kind, sign in CYCLE)
            for kind, amount in moves[:entries]:
                batch.append(
                    {
                        "partner_id": partner_id,
                        "allocation_id": allocation_id,
                        "kind": kind,
                        "amount": amount,
                        "currency": "USD",
                        "reason": "bench",
                        "occurred_at": now,
                    }
                )
            if len(batch) >= BATCH:
                session.execute(insert(FundLedgerEntry), batch)
                batch = []
        if batch:
            session.execute(insert(FundLedgerEntry), batch)


def run(backend: str, workdir: Path, *, partners: int, entries: int, seed: int) -> dict[str, object]:
    with fresh_database(backend, workdir, "funds_ledger", DEFAULT_PG_ADMIN) as url:
        database = Database(url)
        try:
            started = time.perf_counter()
            load(database, partners=partners, entries=entries, seed=seed)
            loaded = time.perf_counter() - started
            with database.session_scope(PartnerScope.system(reason="bench read"), write=False) as session:
                repository = LedgerRepository(session)
                partner_ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
                started = time.perf_counter()
                together = repository.by_partner()
                set_seconds = time.perf_counter() - started
                started = time.perf_counter()
                one_by_one = {}
                for partner_id in partner_ids:
                    one_by_one.update(repository.by_partner([partner_id]))
                loop_seconds = time.perf_counter() - started
            assert together == one_by_one and len(together) == partners, "the two ways disagree"
            assert all(not b.problems() for b in together.values())
        finally:
            database.dispose()
    return {"backend": backend, "partners": partners, "entries": partners * entries, "load_s": loaded, "set_s": set_seconds, "loop_s": loop_seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=20, help="ledger entries per partner")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="also run on PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    results = run_on_each_backend(args, lambda backend, workdir: run(backend, workdir, partners=args.partners, entries=args.entries, seed=args.seed))
    table = Table(title=f"MDF ledger balances: {args.partners:,} partners × {args.entries} entries")
    for column in ("backend", "entries", "load", "set-based", "per-partner loop", "loop ÷ set"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            str(r["backend"]),
            f"{r['entries']:,}",
            f"{r['load_s']:.1f} s",
            f"{r['set_s'] * 1000:.0f} ms",
            f"{r['loop_s']:.2f} s",
            f"{float(r['loop_s']) / float(r['set_s']):.0f}×",  # type: ignore[arg-type]
        )
    console.print(table)


if __name__ == "__main__":
    main()
