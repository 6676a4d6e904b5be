"""The CAM's co-sell queue page with 2,000 open requests, rendered in-process.

    .venv/bin/python bench/cosell_queue_page.py [--open 2000] [--runs 30] [--postgres]

Seeds partners (`alliance seed`, child process), the default routing, and `--open` open co-sell
requests (plus 20 declined ones) on as many submitted registrations, set-based; then signs in as a
CAM through the login form and times GET /console/cosell (the whole request: session, queries,
SLA timers in business hours, template) after warm-up. The baseline, in the same process, is the
same page filtered to the 20 declined requests: the ratio shows what 2,000 open items cost over 20.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, percentile, run_cli
from rich.console import Console
from sqlalchemy import func, insert, select
from starlette.testclient import TestClient

from alliance.app import create_app
from alliance.config import Settings
from alliance.cosell.models import CosellTeam, ResourceRequest
from alliance.cosell.routing import service as routing_service
from alliance.db import Database
from alliance.identity import passwords
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from alliance.partners.models import Partner
from alliance.registrations.models import Registration

console = Console(width=140)
PASSWORD = "bench-password-1"
SYSTEM = Actor.system(label="bench")


def seed_requests(database: Database, *, open_count: int, seed: int) -> None:
    rng = random.Random(seed)
    now = clock.now()
    with database.session_scope(PartnerScope.system(reason="bench co-sell")) as session:
        routing_service.ensure_default_routing(session, SYSTEM)
        user = identity_service.create_user(session, SYSTEM, data=UserCreate(email="cam@bench.example", name="Bench CAM", role=Role.CAM))
        user.password_hash = passwords.hash_password(PASSWORD)
        partner_ids = list(session.scalars(select(Partner.id)))
        team_id = session.scalar(select(CosellTeam.id).where(CosellTeam.is_default.is_(True)))
        first = (session.scalar(select(func.max(Registration.id))) or 0) + 1
        total = open_count + 20
        registrations, requests = [], []
        for offset in range(total):
            submitted = now - timedelta(hours=rng.randint(1, 240))
            partner_id = rng.choice(partner_ids)
            registrations.append(
                {
                    "id": first + offset,
                    "partner_id": partner_id,
                    "kind": "deal",
                    "status": "submitted",
                    "title": f"Bench deal {offset}",
                    "customer_name": f"Bench customer {offset}",
                    "currency": "USD",
                    "details": {},
                    "extensions_granted": 0,
                    "submitted_at": submitted,
                    "created_at": submitted,
                    "updated_at": submitted,
                }
            )
            status = "declined" if offset >= open_count else rng.choice(("new", "new", "accepted", "in_progress"))
            requests.append(
                {
                    "partner_id": partner_id,
                    "registration_id": first + offset,
                    "request_type": "solution_architect",
                    "status": status,
                    "needed_by": (now + timedelta(days=14)).date(),
                    "description": "Architecture review",
                    "team_id": team_id,
                    "priority": 3,
                    "submitted_at": submitted,
                    "first_response_due_at": submitted + timedelta(hours=rng.randint(8, 40)),
                    "breached": False,
                    "first_responded_at": None if status == "new" else submitted + timedelta(hours=2),
                    "created_at": submitted,
                    "updated_at": submitted,
                    "declined_reason": "Covered" if status == "declined" else None,
                }
            )
        session.execute(insert(Registration.__table__), registrations)
        session.execute(insert(ResourceRequest.__table__), requests)


def timed(client: TestClient, url: str, runs: int) -> dict[str, float]:
    for _ in range(5):
        assert client.get(url).status_code == 200
    latencies = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        latencies.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return {"p50_ms": percentile(latencies, 0.5), "p95_ms": percentile(latencies, 0.95), "max_ms": max(latencies)}


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    with fresh_database(backend, workdir, "queue", args.postgres_url) as url:
        run_cli(url, "seed", "--partners", "100", "--people-per-partner", "1", "--seed", str(args.seed))
        database = Database(url)
        seed_requests(database, open_count=args.open, seed=args.seed)
        database.dispose()
        app = create_app(Settings(database_url=url, secret_key="bench-" * 8))
        with TestClient(app) as client:
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
            client.post("/login", data={"email": "cam@bench.example", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
            page = client.get("/console/cosell").text
            shown = re.search(r"([\d,]+) requests?, newest first", page)
            assert shown and int(shown.group(1).replace(",", "")) >= args.open, "the queue does not hold the seeded requests"
            rows = page.count("/console/cosell/requests/")
            full = timed(client, "/console/cosell", args.runs)
            few = timed(client, "/console/cosell?status=declined", args.runs)
    console.print(
        f"{backend}: CAM co-sell queue with {args.open:,} open requests ({rows} rows on the first page): p50 {full['p50_ms']:.1f} ms, p95 {full['p95_ms']:.1f} ms, "
        f"max {full['max_ms']:.1f} ms; the same page with 20 requests: p50 {few['p50_ms']:.1f} ms → ratio {full['p50_ms'] / few['p50_ms']:.2f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--open", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        for backend in ["sqlite", "postgresql"] if args.postgres else ["sqlite"]:
            run_backend(backend, args, Path(tmp))


if __name__ == "__main__":
    main()
