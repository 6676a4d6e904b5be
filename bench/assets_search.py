"""The asset library at scale: 10,000 assets, 200,000 usage events, 10,000 partners.

    .venv/bin/python bench/assets_search.py [--assets 10000] [--events 200000] [--partners 10000] [--runs 200] [--postgres | --postgres-only] [--keep NAME] [--profile]

Seeds partners (`alliance seed`, child process), the default catalog, then assets with their
facets, validations and a published version, and usage events, set-based (the FTS5 triggers /
the GIN index keep the search index as on any insert). Times, in-process through the services:

- search: `assets.service.library` with a one- or two-word query (ranked, first page of 24) —
  baseline in the same run: the same words matched with LIKE over title, summary, keywords and
  body (what a scan costs);
- a partner's entitled library page (the first page with every asset's locks worded) for random
  partners — baseline: every asset the partner sees loaded and its locks evaluated (no paging in
  the database, what a per-asset evaluation costs).

`--profile` also prints, for search and for the page, the statements one call runs with their
share of the time (SQLAlchemy cursor events), and the top functions under cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import random
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, chosen_backends, kept_or_fresh_database, percentile, run_cli
from rich.console import Console
from sqlalchemy import and_, event, func, insert, or_, select, update

from alliance.assets import service as asset_service
from alliance.assets.models import Asset, AssetFacet, AssetUsage, AssetValidation, AssetVersion
from alliance.assets.repository import AssetRepository, LibraryFilters
from alliance.db import Database
from alliance.enablement import catalog_service
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.kit.pagination import PageRequest, paginate
from alliance.partners.models import Partner

console = Console(width=160)
SYSTEM = Actor.system(label="bench")
WORDS = [
    "lakehouse",
    "kubernetes",
    "migration",
    "hipaa",
    "fhir",
    "soc",
    "siem",
    "zero",
    "trust",
    "fraud",
    "claims",
    "gdpr",
    "pci",
    "retail",
    "energy",
    "telecom",
    "streaming",
    "kafka",
    "spark",
    "sap",
    "warehouse",
    "observability",
    "backup",
    "recovery",
    "identity",
    "gateway",
    "api",
    "mesh",
    "edge",
    "iot",
    "forecasting",
    "pricing",
    "churn",
    "ledger",
    "payments",
    "onboarding",
]
# Body text: a large vocabulary of ordinary words, so a topic word matches some assets, not all.
FILLER = [
    f"{a}{b}{c}"
    for a in ("ba", "ce", "di", "fo", "gu", "ha", "ji", "ko", "lu", "me")
    for b in ("ra", "se", "ti", "vo", "xu", "ny", "pa", "qe", "wi", "zo")
    for c in ("n", "l", "r", "s", "m", "t", "d", "k", "p", "v", "x", "b", "g", "f", "h", "c", "w", "y", "z", "j")
]
KINDS = ("reference_architecture", "solution_pattern", "solution_accelerator", "delivery_methodology", "demo_guide", "compliance_kit")
LINES = ("data-platform", "integration-hub", "analytics", "security-suite")
VERTICALS = ("healthcare", "financial services", "manufacturing", "retail", "public sector", "energy")


def seed_assets(database: Database, *, assets: int, events: int, seed: int) -> None:
    rng = random.Random(seed)
    now = clock.now()
    with database.session_scope(PartnerScope.system(reason="bench assets")) as session:
        catalog_service.ensure_default_catalog(session, SYSTEM)
        partners = list(session.scalars(select(Partner.id)))
        rows, facets, validations, versions = [], [], [], []
        for index in range(1, assets + 1):
            words = rng.sample(WORDS, 6)
            line, vertical = rng.choice(LINES), rng.choice(VERTICALS)
            published = now - timedelta(days=rng.randint(0, 700))
            rows.append(
                {
                    "id": index,
                    "kind": rng.choice(KINDS),
                    "title": f"{words[0].capitalize()} {words[1]} {line.replace('-', ' ')} pattern {index}",
                    "summary": f"{words[2].capitalize()} and {words[3]} for {vertical}.",
                    "body": " ".join([*(FILLER[rng.randrange(len(FILLER))] for _ in range(120)), words[0], words[2]]),
                    "keywords": f"{words[4]} {words[5]} {vertical}",
                    "product_lines": [line],
                    "verticals": [vertical],
                    "technologies": [words[4]],
                    "tags": [words[5]],
                    "partner_types": [],
                    "si_subtypes": [],
                    "minimum_tier_rank": rng.choice((None, None, 2, 3, 4)),
                    "certification_holder": "person",
                    "holders_needed": 1,
                    "published_at": published,
                    "created_at": published,
                    "updated_at": published,
                }
            )
            facets += [
                {"asset_id": index, "facet": "product_line", "value": line},
                {"asset_id": index, "facet": "vertical", "value": vertical},
                {"asset_id": index, "facet": "technology", "value": words[4]},
            ]
            validations.append({"asset_id": index, "product_line": line, "version": "9.0", "version_rank": 900000000})
            versions.append(
                {
                    "id": index,
                    "asset_id": index,
                    "number": "1.0.0",
                    "rank": 100000000,
                    "release_notes": "",
                    "status": "published",
                    "published_at": published,
                    "created_at": published,
                    "updated_at": published,
                }
            )
        for start in range(0, assets, 2_000):
            session.execute(insert(Asset.__table__), rows[start : start + 2_000])
        session.execute(insert(AssetFacet.__table__), facets)
        session.execute(insert(AssetValidation.__table__), validations)
        session.execute(insert(AssetVersion.__table__), versions)
        session.execute(update(Asset.__table__).values(current_version_id=Asset.__table__.c.id))
        usage = [
            {
                "partner_id": rng.choice(partners),
                "asset_id": rng.randint(1, assets),
                "version_id": None,
                "user_id": None,
                "action": "view" if rng.random() < 0.7 else "download",
                "occurred_at": now - timedelta(days=rng.randint(0, 365)),
            }
            for _ in range(events)
        ]
        for start in range(0, events, 20_000):
            session.execute(insert(AssetUsage.__table__), usage[start : start + 20_000])
    if database.engine.dialect.name == "postgresql":
        # What autovacuum does to a table in steady use: the bulk UPDATE above left a dead copy of
        # every asset row that an index scan would otherwise visit.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")


def timed(run: Callable[[int], object], runs: int) -> dict[str, float]:
    for index in range(5):
        run(index)
    latencies = []
    for index in range(runs):
        started = time.perf_counter()
        run(index)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50": percentile(latencies, 0.5), "p99": percentile(latencies, 0.99)}


def profile(label: str, database: Database, run: Callable[[int], object], runs: int) -> None:
    """Where one call's time goes: each statement's mean time over `runs` calls (in the order the
    call runs them), then the top functions by cumulative time under cProfile."""
    timings: dict[str, list[float]] = {}
    started: dict[int, float] = {}

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        started[id(cursor)] = time.perf_counter()

    def after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        key = " ".join(statement.split())[:150]
        timings.setdefault(key, []).append((time.perf_counter() - started.pop(id(cursor), time.perf_counter())) * 1000)

    event.listen(database.engine, "before_cursor_execute", before)
    event.listen(database.engine, "after_cursor_execute", after)
    wall = time.perf_counter()
    for index in range(runs):
        run(index)
    wall = (time.perf_counter() - wall) * 1000 / runs
    event.remove(database.engine, "before_cursor_execute", before)
    event.remove(database.engine, "after_cursor_execute", after)
    in_sql = sum(sum(v) for v in timings.values()) / runs
    console.print(f"[bold]{label}[/bold]: {wall:.1f} ms a call, {in_sql:.1f} ms in {sum(len(v) for v in timings.values()) / runs:.1f} statements")
    for key, values in timings.items():
        console.print(f"  {sum(values) / runs:7.2f} ms  ×{len(values) / runs:.1f}  {key}", highlight=False, markup=False)
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(runs):
        run(index)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(18)
    console.print(out.getvalue(), highlight=False, markup=False)


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> None:
    keep = f"{args.keep}_{backend}" if args.keep else None
    with kept_or_fresh_database(backend, workdir, "assets", args.postgres_url, keep) as (url, empty):
        database = Database(url)
        if empty:
            run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", "1", "--seed", str(args.seed))
            started = time.perf_counter()
            seed_assets(database, assets=args.assets, events=args.events, seed=args.seed)
            console.print(f"{backend}: seeded {args.assets:,} assets and {args.events:,} usage events in {time.perf_counter() - started:.1f} s")
        else:
            console.print(f"{backend}: reusing {keep} (seeded by an earlier run with --keep)")
        rng = random.Random(args.seed)
        queries = [" ".join(rng.sample(WORDS, rng.choice((1, 2)))) for _ in range(args.runs + 5)]
        with database.session_scope(PartnerScope.system(reason="bench partners"), write=False) as session:
            partners = list(session.scalars(select(Partner.id).order_by(Partner.id)))
        actors = [Actor(user_id=None, role=Role.PARTNER_USER, partner_id=rng.choice(partners), label="bench") for _ in range(args.runs + 5)]

        def search(index: int) -> object:
            actor = actors[index]
            with database.session_scope(scope_for(actor), write=False) as session:
                found = asset_service.library(session, actor, filters=LibraryFilters(text=queries[index]), page=PageRequest(limit=24))
                return found.page.total

        def scan(index: int) -> object:
            # The same page (count and first 24) found by LIKE over the same text: a scan.
            with database.session_scope(PartnerScope.system(reason="bench scan"), write=False) as session:
                words = queries[index].split()
                text = func.lower(Asset.title + " " + Asset.summary + " " + Asset.keywords + " " + Asset.body)
                statement = select(Asset.id).where(and_(*(text.like(f"%{word}%") for word in words))).order_by(Asset.published_at.desc())
                return paginate(session, statement, PageRequest(limit=24)).total

        def page(index: int) -> object:
            actor = actors[index]
            with database.session_scope(scope_for(actor), write=False) as session:
                return asset_service.library(session, actor, filters=LibraryFilters(), page=PageRequest(limit=24)).page.total

        def every_asset(index: int) -> object:
            actor = actors[index]
            with database.session_scope(scope_for(actor), write=False) as session:
                repository = AssetRepository(session)
                assets = list(session.scalars(select(Asset).where(or_(Asset.current_version_id.is_not(None)))))
                reader = asset_service._reader(repository, actor, assets)
                return sum(1 for asset in assets if asset_service._locks(reader, asset))

        if args.profile:
            profile(f"{backend} search", database, search, 30)
            profile(f"{backend} library page", database, page, 30)
        fts, like = timed(search, args.runs), timed(scan, args.runs)
        library, baseline = timed(page, args.runs), timed(every_asset, max(10, args.runs // 10))
        database.dispose()
    console.print(
        f"{backend}: search p50 {fts['p50']:.1f} ms, p99 {fts['p99']:.1f} ms (target p99 ≤ 50 ms); LIKE scan p50 {like['p50']:.1f} ms, p99 {like['p99']:.1f} ms "
        f"→ ratio p99 {fts['p99'] / like['p99']:.3f}×"
    )
    console.print(
        f"{backend}: entitled library page ({args.partners:,} partners) p50 {library['p50']:.1f} ms, p99 {library['p99']:.1f} ms (target p99 ≤ 100 ms); "
        f"every asset evaluated p50 {baseline['p50']:.1f} ms, p99 {baseline['p99']:.1f} ms → ratio p99 {library['p99'] / baseline['p99']:.3f}×"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--profile", action="store_true", help="Also print where a search's and a page's time goes")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--postgres-only", action="store_true", help="PostgreSQL alone")
    parser.add_argument("--keep", metavar="NAME", help="keep the seeded databases (NAME_sqlite, NAME_postgresql) and reuse them on the next run")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        for backend in chosen_backends(args):
            run_backend(backend, args, Path(tmp))


if __name__ == "__main__":
    main()
