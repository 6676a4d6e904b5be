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
lock, no conflict check): the ratio is the price of the rules of engagement. SQL statements sent
per registration are counted too (an engine event).

A/B: `--ab OTHER_TREE` compares the submit path of another checkout (e.g. a worktree of main)
with this one on one seeded database copied twice, one copy each, in `--rounds` interleaved
rounds (the order alternates), so that both see the same load on a shared machine. Each round is a
child process per side (PYTHONPATH = that tree) that warms up, then files its slice of the same
submits and drafts; both copies receive the same writes in the same order.

    .venv/bin/python bench/registrations_submit.py --ab /tmp/main-tree --customers 100000 --registrations 20000 --submits 500 --postgres
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import psycopg
from customers_common import (
    DEFAULT_PG_ADMIN,
    Known,
    fresh_database,
    kept_or_fresh_database,
    labelled_queries,
    percentile,
    run_cli,
    run_on_each_backend,
    write_json,
)
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import event, func, insert, select, text

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


def file_all(
    database: Database, actors: list[Actor], payloads: list[dict[str, Any]], *, submit: bool, label: str, first_index: int = 0
) -> tuple[list[float], list[int]]:
    """Latency (ms) and SQL statements sent (BEGIN/COMMIT aside) per registration filed."""
    latencies, statements = [], []
    sent = [0]

    def count(*_: Any) -> None:
        sent[0] += 1

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(label, total=len(payloads))
            for offset, body in enumerate(payloads):
                actor = actors[(first_index + offset) % len(actors)]
                data = REGISTRATION_CREATE.validate_python({**body, "submit": submit})
                sent[0] = 0
                started = time.perf_counter()
                with database.session_scope(scope_for(actor)) as session:
                    registration_service.create_registration(session, actor, data=data)
                latencies.append((time.perf_counter() - started) * 1000)
                statements.append(sent[0])
                progress.advance(task)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    return latencies, statements


def summary(latencies: list[float], statements: list[int] | None = None) -> dict[str, float]:
    found = {
        "p50_ms": percentile(latencies, 0.5),
        "p90_ms": percentile(latencies, 0.9),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "mean_ms": sum(latencies) / len(latencies),
    }
    if statements:
        found |= {"statements_mean": sum(statements) / len(statements), "statements_p50": percentile(statements, 0.5), "statements_max": max(statements)}
    return found


def prepare(
    database: Database, url: str, backend: str, args: argparse.Namespace, *, count: int, seeded: bool = False
) -> tuple[list[Actor], list[dict[str, Any]]]:
    """Seed partners, customers and existing registrations (unless `seeded`: a database kept by an
    earlier run); `count` submit bodies naming customers as people type them."""
    products = [key for key, _ in product_line_service.DEFAULT_CATALOG]
    if seeded:
        actors = partner_actors(database, 50)
        with database.session_scope(PartnerScope.system(reason="bench customers"), write=False) as session:
            customer_ids = list(session.scalars(select(Registration.customer_id).order_by(Registration.id).limit(args.registrations)))
        console.print(f"[bold]{backend}[/bold]: reusing the kept database ({len(customer_ids):,} registrations' customers to name)")
    else:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners and {args.customers:,} customers (alliance seed) …")
        seeded_run = run_cli(
            url, "seed", "--partners", str(args.partners), "--people-per-partner", "2", "--customers", str(args.customers), "--seed", str(args.seed)
        )
        console.print(f"  {seeded_run.output}  (whole process {seeded_run.seconds:.1f} s, peak RSS {seeded_run.peak_rss_mb:.0f} MB)")
        with database.session_scope(PartnerScope.system(reason="bench catalog")) as session:
            product_line_service.ensure_default_catalog(session, SYSTEM)
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
    known = known_customers(database, rng.sample(customer_ids, min(count, len(customer_ids))))
    queries = list(labelled_queries(known, count, seed=args.seed + 1, negative_share=0.2))
    return actors, [payload(rng, q.name, q.website, q.country, products, i) for i, q in enumerate(queries)]


def flagged_count(database: Database) -> int:
    with database.session_scope(PartnerScope.system(reason="bench count"), write=False) as session:
        found = session.scalar(select(func.count(func.distinct(RegistrationConflict.registration_id))).where(RegistrationConflict.is_current.is_(True)))
    return found or 0


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    keep = f"{args.keep}_{backend}" if args.keep else None
    with kept_or_fresh_database(backend, workdir, "submit", args.postgres_url, keep) as (url, empty):
        database = Database(url)
        try:
            actors, payloads = prepare(database, url, backend, args, count=args.submits, seeded=not empty)
            # Warm-up (statement caches, page cache), then the measured runs.
            file_all(database, actors, payloads[:20], submit=True, label="warm-up")
            submitted = summary(*file_all(database, actors, payloads, submit=True, label="submit"))
            drafts = summary(*file_all(database, actors, payloads, submit=False, label="drafts (baseline)"))
            flagged = flagged_count(database)
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
        "statements / submit",
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
            f"{s['statements_mean']:.1f}",
            f"{r['flagged_registrations']:,}",
            f"{d['p50_ms']:.2f} / {d['p99_ms']:.2f}",
            f"{r['ratio_p50']:.1f}× / {r['ratio_p99']:.1f}×",
        )
    console.print(table)


# --- A/B: two source trees on copies of one database, interleaved -------------------------------


@contextmanager
def copied_database(backend: str, url: str, pg_admin: str) -> Iterator[str]:
    """A copy of the (idle) database at `url`: the SQLite file by the backup API, or a PostgreSQL
    database created from it as a template; dropped afterwards."""
    if backend == "sqlite":
        source_path = url.removeprefix("sqlite:///")
        copy_path = f"{source_path[:-3]}-copy.db"
        with sqlite3.connect(source_path) as source, sqlite3.connect(copy_path) as copy:
            source.backup(copy)
        yield f"sqlite:///{copy_path}"
        return
    source_name = url.rsplit("/", 1)[1]
    copy_name = f"{source_name}_copy_{uuid.uuid4().hex[:4]}"
    with psycopg.connect(pg_admin, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{copy_name}" TEMPLATE "{source_name}"')
    try:
        yield f"{url.rsplit('/', 1)[0]}/{copy_name}"
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy_name}" WITH (FORCE)')


def worker(args: argparse.Namespace) -> None:
    """One round of one side (child process): warm up, then file the slice as submits and as drafts."""
    job = json.loads(args.worker_job.read_text())
    database = Database(args.worker)
    try:
        actors = partner_actors(database, 50)
        file_all(database, actors, job["warmup"], submit=True, label="warm-up", first_index=job["warmup_index"])
        submit_ms, submit_statements = file_all(database, actors, job["measured"], submit=True, label="submit", first_index=job["first_index"])
        draft_ms, draft_statements = file_all(database, actors, job["measured"], submit=False, label="drafts", first_index=job["first_index"])
    finally:
        database.dispose()
    result = {"submit_ms": submit_ms, "submit_statements": submit_statements, "draft_ms": draft_ms, "draft_statements": draft_statements}
    args.worker_out.write_text(json.dumps(result))


def run_side(tree: Path, url: str, job: dict[str, Any], workdir: Path) -> dict[str, Any]:
    job_path, out_path = workdir / "job.json", workdir / "out.json"
    job_path.write_text(json.dumps(job))
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", url, "--worker-job", str(job_path), "--worker-out", str(out_path)]
    subprocess.run(command, env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, check=True)
    result: dict[str, Any] = json.loads(out_path.read_text())
    return result


def run_ab(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    """`--ab OTHER`: the other tree ("before") and this one ("after"), on copies of one database."""
    trees = {"before": args.ab.resolve(), "after": Path(__file__).resolve().parent.parent}
    per_round = -(-args.submits // args.rounds)
    warmup = 10
    with fresh_database(backend, workdir, "submit", args.postgres_url) as url:
        database = Database(url)
        try:
            _, payloads = prepare(database, url, backend, args, count=args.submits + warmup * args.rounds)
        finally:
            database.dispose()
        measured, warmups = payloads[: args.submits], payloads[args.submits :]
        found: dict[str, dict[str, list[Any]]] = {side: {"submit_ms": [], "submit_statements": [], "draft_ms": [], "draft_statements": []} for side in trees}
        with copied_database(backend, url, args.postgres_url) as copy_url:
            urls = {"before": copy_url, "after": url}
            for round_no in range(args.rounds):
                start = round_no * per_round
                job = {
                    "warmup": warmups[round_no * warmup : (round_no + 1) * warmup],
                    "warmup_index": args.submits + round_no * warmup,
                    "measured": measured[start : start + per_round],
                    "first_index": start,
                }
                order = ("before", "after") if round_no % 2 == 0 else ("after", "before")
                for side in order:
                    console.print(f"  round {round_no + 1}/{args.rounds}: {side} ({trees[side]})")
                    for key, values in run_side(trees[side], urls[side], job, workdir).items():
                        found[side][key].extend(values)
            flagged = {}
            for side in trees:
                side_database = Database(urls[side])
                try:
                    flagged[side] = flagged_count(side_database)
                finally:
                    side_database.dispose()
    sides = {
        side: {
            "tree": str(trees[side]),
            "submit": summary(values["submit_ms"], values["submit_statements"]),
            "draft_baseline": summary(values["draft_ms"], values["draft_statements"]),
            "flagged_registrations": flagged[side],
        }
        for side, values in found.items()
    }
    return {
        "backend": backend,
        "customers": args.customers,
        "existing_registrations": args.registrations,
        "submits": len(measured),
        "rounds": args.rounds,
        **sides,
    }


def report_ab(results: list[dict[str, Any]]) -> None:
    table = Table(title="Registration submit, before → after (interleaved rounds on copies of one database)")
    for column in ("backend", "side", "p50 ms", "p90 ms", "p99 ms", "statements / submit", "draft p50 ms", "submit ÷ draft p50", "flagged"):
        table.add_column(column, justify="right")
    for r in results:
        for side in ("before", "after"):
            s, d = r[side]["submit"], r[side]["draft_baseline"]
            table.add_row(
                r["backend"],
                side,
                f"{s['p50_ms']:.2f}",
                f"{s['p90_ms']:.2f}",
                f"{s['p99_ms']:.2f}",
                f"{s['statements_mean']:.1f} (p50 {s['statements_p50']})",
                f"{d['p50_ms']:.2f}",
                f"{s['p50_ms'] / d['p50_ms']:.2f}×",
                f"{r[side]['flagged_registrations']:,}",
            )
        before, after = r["before"]["submit"], r["after"]["submit"]
        table.add_row(
            r["backend"],
            "after ÷ before",
            *(f"{after[k] / before[k]:.2f}" for k in ("p50_ms", "p90_ms", "p99_ms", "statements_mean")),
            "",
            "",
            "",
            end_section=True,
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
    parser.add_argument(
        "--keep", metavar="NAME", help="keep the seeded database (NAME_sqlite / NAME_postgresql) and reuse it next time (each run adds its submits to it)"
    )
    parser.add_argument("--ab", type=Path, metavar="OTHER_TREE", help="compare OTHER_TREE's submit (before) with this tree's (after)")
    parser.add_argument("--rounds", type=int, default=4, help="interleaved rounds with --ab")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-job", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    results = run_on_each_backend(args, lambda backend, workdir: (run_ab if args.ab else run_backend)(backend, args, workdir))
    (report_ab if args.ab else report)(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
