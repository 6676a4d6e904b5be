"""The tier engine over the whole portfolio, set-based, against a per-partner evaluation loop.

    .venv/bin/python bench/tiers_evaluate.py                   # SQLite: 10,000 partners, 200,000 people, 400,000 certifications
    .venv/bin/python bench/tiers_evaluate.py --postgres        # then PostgreSQL
    .venv/bin/python bench/tiers_evaluate.py --partners 1000 --sample 100

`alliance seed --partners P --people-per-partner 20` loads partners and people in a child process;
this process then bulk-inserts a certification catalog (every role at every level), certifications
(two per person on average: some expired, some in a recertification window, a few lapsed), won
registrations and attribution entries. It times `tier_service.evaluate_all` — metrics for every
partner in a few grouped queries, the pure evaluation per partner, recommendations written in
batches, committed — and, in the same process, `tier_service.evaluate_partner` for a sample of
partners, one transaction each (the per-partner loop), extrapolated to the whole portfolio.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_cli, run_on_each_backend, write_json
from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import func, insert, select, text

from alliance.db import Database
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import product_line_service
from alliance.partners.models import Partner, Person
from alliance.registrations.models import AttributionEntry, Registration
from alliance.tiers import service as tier_service
from alliance.tiers.models import TierRecommendation

console = Console(width=170)
SYSTEM = Actor.system(label="bench")
BATCH = 20_000
ROLES = ("solution_architect", "implementation_engineer", "integration_specialist", "project_manager", "sales", "practice_lead")
LEVELS = ("associate", "professional", "expert")


def catalog(session: Any) -> tuple[dict[tuple[str, str], list[int]], int]:
    """Tracks for every role and level on two product lines, and a release that opened recertification."""
    product_line_service.ensure_default_catalog(session, SYSTEM)
    lines = [key for key, _ in product_line_service.DEFAULT_CATALOG][:2]
    rows = [
        {
            "key": f"bench-{line}-{role}-{level}",
            "name": f"{role} {level} ({line})",
            "delivery_role": role,
            "level": level,
            "product_line": line,
            "product_version": "8",
            "validity_days": 730,
            "exam_pass_mark": 70,
            "exam_max_attempts": 3,
            "exam_cooldown_days": 14,
            "lab_rubric": [],
            "is_active": True,
        }
        for line in lines
        for role in ROLES
        for level in LEVELS
    ]
    session.execute(insert(CertificationTrack), rows)
    tracks: dict[tuple[str, str], list[int]] = {}
    for track_id, role, level in session.execute(select(CertificationTrack.id, CertificationTrack.delivery_role, CertificationTrack.level)):
        tracks.setdefault((role, level), []).append(track_id)
    release = ProductRelease(product_line=lines[0], version="9.0", major=9, released_on=clock.today() - timedelta(days=30))
    session.add(release)
    session.flush()
    return tracks, release.id


def load(database: Database, *, certifications: int, seed: int) -> dict[str, float | int]:
    rng = random.Random(seed)
    today = clock.today()
    now = datetime.now(UTC)
    started = time.perf_counter()
    inserted = {"certifications": 0, "registrations": 0, "attribution_entries": 0}
    with database.session_scope(PartnerScope.system(reason="bench tiers data")) as session:
        tracks, release_id = catalog(session)
        people = session.execute(select(Person.id, Person.partner_id, Person.delivery_role)).all()
        per_person = certifications / max(1, len(people))
        batch: list[dict[str, Any]] = []
        for person_id, partner_id, role in people:
            # About `per_person` certifications each: most in the person's own role.
            for _ in range(int(per_person) + (1 if rng.random() < per_person % 1 else 0)):
                cert_role = role if rng.random() < 0.8 else rng.choice(ROLES)
                level = rng.choices(LEVELS, weights=(5, 3, 1))[0]
                expires = today + timedelta(days=rng.randint(-200, 700))
                status, recert_due = "active", None
                roll = rng.random()
                if expires < today:
                    status = "expired"
                elif roll < 0.15:
                    status, recert_due = "recert_required", today + timedelta(days=rng.randint(-20, 200))
                elif roll < 0.18:
                    status = "lapsed"
                batch.append(
                    {
                        "partner_id": partner_id,
                        "person_id": person_id,
                        "track_id": rng.choice(tracks[cert_role, level]),
                        "status": status,
                        "issued_on": expires - timedelta(days=730),
                        "expires_on": expires,
                        "recert_due_on": recert_due,
                        "recert_release_id": release_id if recert_due else None,
                        "source": "import",
                        "created_at": now,
                        "updated_at": now,
                    }
                )
                if len(batch) >= BATCH:
                    session.execute(insert(Certification.__table__), batch)
                    inserted["certifications"] += len(batch)
                    batch = []
        if batch:
            session.execute(insert(Certification.__table__), batch)
            inserted["certifications"] += len(batch)
        partner_ids = list(session.scalars(select(Partner.id)))
        first = (session.scalar(select(func.max(Registration.id))) or 0) + 1
        registrations, entries = [], []
        for offset, partner_id in enumerate(rng.sample(partner_ids, len(partner_ids) // 2)):
            closed = today - timedelta(days=rng.randint(0, 500))
            amount = Decimal(rng.randint(20, 3000) * 1000)
            registrations.append(
                {
                    "id": first + offset,
                    "partner_id": partner_id,
                    "kind": rng.choice(("deal", "project", "project")),
                    "status": "won",
                    "title": "Bench win",
                    "customer_name": "Bench customer",
                    "currency": "USD",
                    "details": {},
                    "extensions_granted": 0,
                    "closed_on": closed,
                    "booked_amount": amount,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for credit_type in rng.sample(("influence", "direct"), rng.randint(1, 2)):
                entries.append(
                    {
                        "partner_id": partner_id,
                        "registration_id": first + offset,
                        "closing_registration_id": first + offset,
                        "credit_type": credit_type,
                        "amount": amount,
                        "currency": "USD",
                        "share_percent": Decimal(100),
                        "effective_on": closed,
                        "recorded_at": now,
                        "recorded_by": "bench",
                        "rule": "bench",
                    }
                )
        for start in range(0, len(registrations), BATCH):
            session.execute(insert(Registration.__table__), registrations[start : start + BATCH])
        for start in range(0, len(entries), BATCH):
            session.execute(insert(AttributionEntry.__table__), entries[start : start + BATCH])
        inserted["registrations"], inserted["attribution_entries"] = len(registrations), len(entries)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT setval(pg_get_serial_sequence('registrations', 'id'), (SELECT max(id) FROM registrations))"))
            for table in ("certifications", "certification_tracks", "people", "partners", "registrations", "attribution_entries"):
                session.execute(text(f"ANALYZE {table}"))
    return {**inserted, "seconds": time.perf_counter() - started}


def evaluate_all(database: Database) -> tuple[float, tier_service.EvaluationSummary]:
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("evaluate --all", total=None)
        with database.session_scope(PartnerScope.system(reason="bench evaluate all")) as session:
            summary = tier_service.evaluate_all(
                session,
                SYSTEM,
                today=clock.today(),
                on_progress=lambda done, total: progress.update(task, completed=done, total=total),
            )
    return time.perf_counter() - started, summary


def per_partner(database: Database, partner_ids: list[int]) -> float:
    started = time.perf_counter()
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("per-partner loop", total=len(partner_ids))
        for partner_id in partner_ids:
            with database.session_scope(PartnerScope.system(reason="bench evaluate one"), write=False) as session:
                tier_service.evaluate_partner(session, SYSTEM, partner_id=partner_id)
            progress.advance(task)
    return time.perf_counter() - started


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "tiers", args.postgres_url) as url:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners with {args.people_per_partner} people each (alliance seed) …")
        seeded = run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", str(args.people_per_partner), "--seed", str(args.seed))
        console.print(f"  {seeded.output}  ({seeded.seconds:.1f} s)")
        database = Database(url)
        try:
            loaded = load(database, certifications=args.certifications, seed=args.seed)
            console.print(
                f"  {loaded['certifications']:,} certifications, {loaded['registrations']:,} won registrations, "
                f"{loaded['attribution_entries']:,} attribution entries inserted in {loaded['seconds']:.1f} s"
            )
            with database.session_scope(PartnerScope.system(reason="bench sample"), write=False) as session:
                evaluated = select(Partner.id).where(Partner.program_id.is_not(None), Partner.status != "terminated").order_by(Partner.id)
                ids = list(session.scalars(evaluated))
            sample = random.Random(args.seed).sample(ids, min(args.sample, len(ids)))
            per_partner(database, sample[:10])  # warm-up: statement caches, page cache
            first_seconds, first = evaluate_all(database)
            again_seconds, _ = evaluate_all(database)
            loop_seconds = per_partner(database, sample)
            with database.session_scope(PartnerScope.system(reason="bench count"), write=False) as session:
                pending = session.scalar(select(func.count()).select_from(TierRecommendation).where(TierRecommendation.status == "pending"))
        finally:
            database.dispose()
    extrapolated = loop_seconds / len(sample) * first.evaluated
    return {
        "backend": backend,
        "partners": first.evaluated,
        "people": args.partners * args.people_per_partner,
        "certifications": loaded["certifications"],
        "evaluate_all_s": first_seconds,
        "evaluate_all_again_s": again_seconds,
        "upgrades": first.upgrades,
        "grace_started": first.grace_started,
        "at_tier": first.at_tier,
        "pending": pending,
        "sample": len(sample),
        "per_partner_ms": loop_seconds / len(sample) * 1000,
        "loop_extrapolated_s": extrapolated,
        "ratio": extrapolated / first_seconds,
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="alliance tiers evaluate --all (metrics, evaluation, recommendations, audit; committed)")
    for column in (
        "backend",
        "partners",
        "people",
        "certifications",
        "evaluate --all s",
        "again s",
        "upgrades / grace / at tier",
        "per-partner ms (sample)",
        "loop, extrapolated s",
        "loop ÷ set-based",
    ):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            r["backend"],
            f"{r['partners']:,}",
            f"{r['people']:,}",
            f"{r['certifications']:,}",
            f"{r['evaluate_all_s']:.2f}",
            f"{r['evaluate_all_again_s']:.2f}",
            f"{r['upgrades']:,} / {r['grace_started']:,} / {r['at_tier']:,}",
            f"{r['per_partner_ms']:.1f} ({r['sample']})",
            f"{r['loop_extrapolated_s']:.1f}",
            f"{r['ratio']:.1f}×",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--people-per-partner", type=int, default=20)
    parser.add_argument("--certifications", type=int, default=400_000)
    parser.add_argument("--sample", type=int, default=200, help="partners evaluated one at a time for the baseline")
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
