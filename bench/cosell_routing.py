"""Routing and first-response SLAs for 100,000 co-sell requests, set-based against a per-request loop.

    .venv/bin/python bench/cosell_routing.py                 # SQLite: 2,000 partners, 100,000 requests
    .venv/bin/python bench/cosell_routing.py --postgres      # then PostgreSQL
    .venv/bin/python bench/cosell_routing.py --requests 10000 --sample 500

`alliance seed` loads partners (with regions, territories, verticals) in a child process; this
process bulk-inserts one submitted deal registration per request with a product line, then:

- set-based: routing facts for a batch of registrations in one query, the rules, default team and
  team calendars once, pure matching and business-hours arithmetic per request in Python, requests
  inserted in batches (Core executemany), committed;
- per request: the same service steps one request at a time (its own facts query, rules, default
  team, calendar and insert), for `--sample` requests, extrapolated to the whole set.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_cli
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, insert, select

from alliance.cosell.models import ResourceRequest
from alliance.cosell.requests.repository import ResourceRequestRepository
from alliance.cosell.routing import rules as routing_rules
from alliance.cosell.routing import service as routing_service
from alliance.cosell.vocabulary import RequestType
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit.business_time import add_business_hours
from alliance.partners import product_line_service
from alliance.partners.models import Partner
from alliance.registrations.models import Registration, RegistrationProduct

console = Console(width=150)
SYSTEM = Actor.system(label="bench")
BATCH = 5_000
TYPES = [t.value for t in RequestType]


def load_registrations(database: Database, count: int, seed: int) -> list[int]:
    rng = random.Random(seed)
    with database.session_scope(PartnerScope.system(reason="bench load")) as session:
        routing_service.ensure_default_routing(session, SYSTEM)
        product_line_service.ensure_default_catalog(session, SYSTEM)
        lines = [key for key, _ in product_line_service.DEFAULT_CATALOG]
        partner_ids = list(session.scalars(select(Partner.id)))
        now = datetime.now(UTC)
        for start in range(0, count, 20_000):
            rows = [
                {
                    "partner_id": rng.choice(partner_ids),
                    "kind": "deal",
                    "status": "submitted",
                    "title": "Bench deal",
                    "customer_name": "Bench customer",
                    "currency": "USD",
                    "details": {},
                    "extensions_granted": 0,
                    "submitted_at": now,
                    "created_at": now,
                    "updated_at": now,
                }
                for _ in range(min(20_000, count - start))
            ]
            ids = list(session.scalars(insert(Registration).returning(Registration.id, sort_by_parameter_order=True), rows))
            session.execute(
                insert(RegistrationProduct),
                [{"registration_id": i, "partner_id": row["partner_id"], "product_line": rng.choice(lines)} for i, row in zip(ids, rows, strict=True)],
            )
        return list(session.scalars(select(Registration.id).order_by(Registration.id)))


def request_row(
    facts: Any, request_type: str, rules: list[routing_rules.Rule], default_team_id: int, calendars: dict[int, Any], now: datetime
) -> dict[str, Any]:
    route = routing_rules.route(
        rules,
        routing_rules.Facts.build(
            request_type=request_type,
            regions=facts.regions,
            territories=facts.territories,
            verticals=facts.verticals,
            product_lines=facts.product_lines,
            tier_key=facts.tier_key,
            tier_priority=facts.tier_priority,
        ),
        default_team_id=default_team_id,
    )
    return {
        "partner_id": facts.partner_id,
        "registration_id": facts.registration_id,
        "request_type": request_type,
        "status": "new",
        "needed_by": date(2030, 1, 1),
        "description": "bench",
        "team_id": route.team_id,
        "rule_id": route.rule_id,
        "priority": route.priority,
        "submitted_at": now,
        "first_response_due_at": add_business_hours(now, route.first_response_hours, calendars[route.team_id]),
        "breached": False,
        "created_at": now,
        "updated_at": now,
    }


def set_based(database: Database, registration_ids: list[int], types: list[str], now: datetime) -> float:
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench set-based routing")) as session:
        rules, default_team = routing_service.routing_table(session)
        calendars = routing_service.team_calendars(session)
        repository = ResourceRequestRepository(session)
        for start in range(0, len(registration_ids), BATCH):
            chunk = registration_ids[start : start + BATCH]
            facts = repository.routing_facts(chunk)
            repository.add_many([request_row(facts[r], types[start + i], rules, default_team.id, calendars, now) for i, r in enumerate(chunk)])
    return time.perf_counter() - started


def per_request(database: Database, registration_ids: list[int], types: list[str], now: datetime) -> float:
    started = time.perf_counter()
    for registration_id, request_type in zip(registration_ids, types, strict=True):
        with database.session_scope(PartnerScope.system(reason="bench per-request routing")) as session:
            repository = ResourceRequestRepository(session)
            facts = repository.routing_facts([registration_id])[registration_id]
            rules, default_team = routing_service.routing_table(session)
            calendars = routing_service.team_calendars(session, {r.team_id for r in rules} | {default_team.id})
            repository.add_many([request_row(facts, request_type, rules, default_team.id, calendars, now)])
    return time.perf_counter() - started


def run(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "cosell", args.postgres_url) as url:
        seeded = run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", "1", "--seed", str(args.seed))
        database = Database(url)
        try:
            registration_ids = load_registrations(database, args.requests, args.seed)
            rng = random.Random(args.seed)
            types = [rng.choice(TYPES) for _ in registration_ids]
            now = datetime(2026, 3, 27, 15, 30, tzinfo=UTC)  # a Friday afternoon before a DST change
            bulk = set_based(database, registration_ids, types, now)
            sample = registration_ids[: args.sample]
            loop = per_request(database, sample, types[: args.sample], now)
            with database.session_scope(PartnerScope.system(reason="bench count")) as session:
                stored = session.scalar(select(func.count()).select_from(ResourceRequest)) or 0
        finally:
            database.dispose()
    loop_total = loop / len(sample) * len(registration_ids)
    return {
        "backend": backend,
        "seed_seconds": seeded.seconds,
        "requests": len(registration_ids),
        "stored": stored,
        "set_seconds": bulk,
        "set_rate": len(registration_ids) / bulk,
        "loop_sample": len(sample),
        "loop_seconds": loop,
        "loop_rate": len(sample) / loop,
        "loop_extrapolated": loop_total,
        "ratio": loop_total / bulk,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--partners", type=int, default=2_000)
    parser.add_argument("--sample", type=int, default=1_000, help="requests routed one at a time (extrapolated)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    table = Table(title=f"Co-sell routing: {args.requests:,} requests")
    for column in ("backend", "set-based s", "req/s", "per-request sample", "req/s", "per-request (extrapolated) s", "set-based ×", "stored"):
        table.add_column(column, justify="right")
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            r = run(backend, args, Path(tmp))
            console.print(r)
            table.add_row(
                r["backend"],
                f"{r['set_seconds']:.1f}",
                f"{r['set_rate']:,.0f}",
                f"{r['loop_sample']:,} in {r['loop_seconds']:.1f}s",
                f"{r['loop_rate']:,.0f}",
                f"{r['loop_extrapolated']:.0f}",
                f"{r['ratio']:.1f}",
                f"{r['stored']:,}",
            )
    console.print(table)


if __name__ == "__main__":
    main()
