"""Registration submit, including customer matching and the conflict check, at scale.

    .venv/bin/python bench/registrations_submit.py                      # SQLite: 1,000,000 customers, 200,000 registrations
    .venv/bin/python bench/registrations_submit.py --postgres           # then PostgreSQL
    .venv/bin/python bench/registrations_submit.py --customers 100000 --registrations 20000

`alliance seed --partners P --customers N` loads partners and customers in a child process; then
this process bulk-inserts existing registrations (submitted and approved, with product lines) on a
sample of the customers, so that conflict checks find real overlaps. It then times, in-process,
partners filing registrations through `registration_service.create_registration(submit=True)` —
each its own transaction, committed, as the API runs it — naming customers the way people type
them (variants of known customers, via the labelled query families of the matching benchmark).
The baseline, in the same process, is saving the same registrations as drafts (no matching, no
lock, no conflict check): the ratio is the price of the rules of engagement.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, Known, fresh_database, labelled_queries, percentile, run_cli
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, insert, select, text

from alliance.customers.models import Customer
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.partners import product_line_service
from alliance.partners.models import Partner
from alliance.partners.vocabulary import PartnerStatus
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration, RegistrationConflict, RegistrationProduct
from alliance.registrations.schemas import REGISTRATION_CREATE

console = Console(width=170)
SYSTEM = Actor.system(label="bench")


def partner_actors(database: Database, count: int) -> list[Actor]:
    with database.session_scope(PartnerScope.system(reason="bench partners"), write=False) as session:
        ids = list(session.scalars(select(Partner.id).where(Partner.status == PartnerStatus.ACTIVE).order_by(Partner.id).limit(count)))
    return [Actor(user_id=None, role=Role.PARTNER_ADMIN, partner_id=pid, label=f"bench partner {pid}") for pid in ids]


def existing_registrations(database: Database, *, count: int, partner_ids: list[int], products: list[str], seed: int) -> tuple[float, list[int]]:
    """Bulk-insert `count` submitted/approved registrations on a random sample of customers."""
    rng = random.Random(seed)
    now = clock.now()
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench registrations")) as session:
        top = session.scalar(select(func.max(Customer.id))) or 0
        customer_ids = rng.sample(range(1, top + 1), min(count, top))
        first_id = (session.scalar(select(func.max(Registration.id))) or 0) + 1
        batch: list[dict[str, Any]] = []
        lines: list[dict[str, Any]] = []
        for offset, customer_id in enumerate(customer_ids):
            approved = rng.random() < 0.6
            partner_id = rng.choice(partner_ids)
            submitted = now - timedelta(days=rng.randint(1, 200))
            batch.append(
                {
                    "id": first_id + offset,
                    "partner_id": partner_id,
                    "kind": rng.choice(("deal", "deal", "project", "influence")),
                    "status": "approved" if approved else "submitted",
                    "title": "Existing registration",
                    "customer_name": "known",
                    "customer_id": customer_id,
                    "currency": "USD",
                    "details": {},
                    "submitted_at": submitted,
                    "last_submitted_at": submitted,
                    "approved_at": submitted if approved else None,
                    "protected_until": (now + timedelta(days=rng.randint(1, 300))).date() if approved else None,
                    "extensions_granted": 0,
                    "created_at": submitted,
                    "updated_at": submitted,
                }
            )
            for key in rng.sample(products, rng.randint(1, 3)):
                lines.append({"registration_id": first_id + offset, "product_line": key, "partner_id": partner_id})
            if len(batch) >= 10_000:
                session.execute(insert(Registration.__table__), batch)
                session.execute(insert(RegistrationProduct.__table__), lines)
                batch, lines = [], []
        if batch:
            session.execute(insert(Registration.__table__), batch)
            session.execute(insert(RegistrationProduct.__table__), lines)
        if session.get_bind().dialect.name == "postgresql":
            # The ids were given explicitly: move the sequence past them.
            session.execute(text("SELECT setval(pg_get_serial_sequence('registrations', 'id'), (SELECT max(id) FROM registrations))"))
            # As after any bulk load: planner statistics now, not whenever autovacuum gets to it.
            session.execute(text("ANALYZE registrations"))
            session.execute(text("ANALYZE registration_products"))
    return time.perf_counter() - started, customer_ids


def known_customers(database: Database, ids: list[int]) -> list[Known]:
    with database.session_scope(PartnerScope.system(reason="bench sample"), write=False) as session:
        rows = session.execute(select(Customer.external_id, Customer.name, Customer.website, Customer.country).where(Customer.id.in_(ids))).all()
    return [Known(*row) for row in rows]


def payload(rng: random.Random, name: str, website: str | None, country: str | None, products: list[str], index: int) -> dict[str, Any]:
    return {
        "kind": "deal",
        "title": f"Bench deal {index}",
        "customer": {"name": name, "website": website, "country": country},
        "product_lines": rng.sample(products, rng.randint(1, 2)),
        "amount": "125000",
        "expected_close_on": (clock.today() + timedelta(days=60)).isoformat(),
        "stage": "proposal",
    }


def file_all(database: Database, actors: list[Actor], payloads: list[dict[str, Any]], *, submit: bool, label: str) -> list[float]:
    latencies = []
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(label, total=len(payloads))
        for index, body in enumerate(payloads):
            actor = actors[index % len(actors)]
            data = REGISTRATION_CREATE.validate_python({**body, "submit": submit})
            started = time.perf_counter()
            with database.session_scope(scope_for(actor)) as session:
                registration_service.create_registration(session, actor, data=data)
            latencies.append((time.perf_counter() - started) * 1000)
            progress.advance(task)
    return latencies


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p90_ms": percentile(latencies, 0.9),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "mean_ms": sum(latencies) / len(latencies),
    }


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "submit", args.postgres_url) as url:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners and {args.customers:,} customers (alliance seed) …")
        seeded = run_cli(
            url, "seed", "--partners", str(args.partners), "--people-per-partner", "2", "--customers", str(args.customers), "--seed", str(args.seed)
        )
        console.print(f"  {seeded.output}  (whole process {seeded.seconds:.1f} s, peak RSS {seeded.peak_rss_mb:.0f} MB)")
        database = Database(url)
        try:
            with database.session_scope(PartnerScope.system(reason="bench catalog")) as session:
                product_line_service.ensure_default_catalog(session, SYSTEM)
            products = [key for key, _ in product_line_service.DEFAULT_CATALOG]
            actors = partner_actors(database, 50)
            seconds, customer_ids = existing_registrations(
                database,
                count=args.registrations,
                partner_ids=[a.partner_id for a in actors if a.partner_id],
                products=products,
                seed=args.seed,
            )
            console.print(f"  {args.registrations:,} existing registrations inserted in {seconds:.1f} s")
            rng = random.Random(args.seed)
            known = known_customers(database, rng.sample(customer_ids, min(args.submits, len(customer_ids))))
            queries = list(labelled_queries(known, args.submits, seed=args.seed + 1, negative_share=0.2))
            payloads = [payload(rng, q.name, q.website, q.country, products, i) for i, q in enumerate(queries)]
            # Warm-up (statement caches, page cache), then the measured runs.
            file_all(database, actors, payloads[:20], submit=True, label="warm-up")
            submitted = summary(file_all(database, actors, payloads, submit=True, label="submit"))
            drafts = summary(file_all(database, actors, payloads, submit=False, label="drafts (baseline)"))
            with database.session_scope(PartnerScope.system(reason="bench count"), write=False) as session:
                flagged = session.scalar(
                    select(func.count(func.distinct(RegistrationConflict.registration_id))).where(RegistrationConflict.is_current.is_(True))
                )
        finally:
            database.dispose()
    return {
        "backend": backend,
        "customers": args.customers,
        "existing_registrations": args.registrations,
        "submits": len(payloads),
        "submit": submitted,
        "draft_baseline": drafts,
        "flagged_registrations": flagged,
        "ratio_p50": submitted["p50_ms"] / drafts["p50_ms"],
        "ratio_p99": submitted["p99_ms"] / drafts["p99_ms"],
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="Registration submit (matching + lock + conflict check + audit, committed)")
    for column in (
        "backend",
        "customers",
        "registrations",
        "submits",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "flagged",
        "draft p50 / p99 ms",
        "submit ÷ draft (p50 / p99)",
    ):
        table.add_column(column, justify="right")
    for r in results:
        s, d = r["submit"], r["draft_baseline"]
        table.add_row(
            r["backend"],
            f"{r['customers']:,}",
            f"{r['existing_registrations']:,}",
            f"{r['submits']:,}",
            f"{s['p50_ms']:.2f}",
            f"{s['p90_ms']:.2f}",
            f"{s['p99_ms']:.2f}",
            f"{s['max_ms']:.1f}",
            f"{r['flagged_registrations']:,}",
            f"{d['p50_ms']:.2f} / {d['p99_ms']:.2f}",
            f"{r['ratio_p50']:.1f}× / {r['ratio_p99']:.1f}×",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--partners", type=int, default=200)
    parser.add_argument("--registrations", type=int, default=200_000, help="existing registrations on sampled customers")
    parser.add_argument("--submits", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    backends = ["postgresql"] if args.postgres_only else ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    results = []
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        for backend in backends:
            results.append(run_backend(backend, args, Path(tmp)))
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
