"""Matching speed with a large customer base: find_matches in-process against a brute-force scan.

    .venv/bin/python bench/customers_speed.py                            # SQLite, 1,000,000 customers
    .venv/bin/python bench/customers_speed.py --customers 200000 --postgres
    .venv/bin/python bench/customers_speed.py --database var/bench.db    # reuse a database seeded before

The customers are loaded with `alliance seed --customers N` in a child process (its time and peak
RSS are reported). Labelled queries (bench/customers_common.py: variants of customers drawn from
the database, and hard negatives) then run through `customer_service.find_matches` in this process,
in a read-only session as the API's match route uses: per-query latency p50/p90/p99/max. The
brute-force baseline holds every customer name in memory and runs rapidfuzz's
`process.extract(scorer=WRatio)` over all of them for a sample of the same queries.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import tempfile
import time
from contextlib import nullcontext
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, Known, fresh_database, labelled_queries, percentile, run_cli
from rapidfuzz import fuzz, process
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.names import normalize_name
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope

console = Console(width=max(Console().width, 120))
ACTOR = Actor.system(label="bench")


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def sample_known(database: Database, count: int, seed: int) -> tuple[int, list[Known]]:
    rng = random.Random(seed)
    with database.session_scope(PartnerScope.system(reason="bench sample"), write=False) as session:
        total = session.scalar(select(func.count()).select_from(Customer)) or 0
        top = session.scalar(select(func.max(Customer.id))) or 0
        ids = rng.sample(range(1, top + 1), min(count, top))
        rows = session.execute(select(Customer.external_id, Customer.name, Customer.website, Customer.country).where(Customer.id.in_(ids))).all()
    return total, [Known(*row) for row in rows]


def same_identity(match: object, known: Known) -> bool:
    """The labelled customer, or a duplicate of it (same normalized name and country): at a million
    synthetic customers, popular names ("Summit Energy Inc.") come back many times over."""
    return normalize_name(match.name).compact == normalize_name(known.name).compact and match.country == known.country  # type: ignore[attr-defined]


def measure(database: Database, queries: list, known: dict[str, Known]) -> dict[str, object]:  # type: ignore[type-arg]
    latencies = []
    found_expected = positives = negatives_with_candidates = negatives = 0
    with database.session_scope(PartnerScope.system(reason="bench speed"), write=False) as session:
        for q in queries[:100]:  # warm-up: statement caches, page cache
            customer_service.find_matches(session, ACTOR, name=q.name, website=q.website, country=q.country)
        for q in queries:
            started = time.perf_counter()
            found = customer_service.find_matches(session, ACTOR, name=q.name, website=q.website, country=q.country)
            latencies.append((time.perf_counter() - started) * 1000)
            if q.expected is None:
                negatives += 1
                negatives_with_candidates += bool(found)
            else:
                positives += 1
                found_expected += any(m.external_id == q.expected or same_identity(m, known[q.expected]) for m in found)
    return {
        "p50_ms": percentile(latencies, 0.5),
        "p90_ms": percentile(latencies, 0.9),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "mean_ms": sum(latencies) / len(latencies),
        "queries": len(queries),
        "recall": found_expected / positives if positives else 1.0,
        "negatives_matched": negatives_with_candidates / negatives if negatives else 0.0,
    }


def brute_force(database: Database, queries: list, sample: int) -> dict[str, object]:  # type: ignore[type-arg]
    with database.session_scope(PartnerScope.system(reason="bench brute force"), write=False) as session:
        names = list(session.scalars(select(Customer.name).execution_options(yield_per=50_000)))
    latencies = []
    for q in queries[:sample]:
        started = time.perf_counter()
        process.extract(q.name, names, scorer=fuzz.WRatio, processor=str.lower, limit=10, score_cutoff=85)
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(latencies, 0.5), "mean_ms": sum(latencies) / len(latencies), "sample": len(latencies), "names": len(names)}


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    if args.database and backend == "sqlite":
        context = nullcontext(f"sqlite:///{Path(args.database).resolve()}")
        seeded = None
    else:
        context = fresh_database(backend, workdir, "speed", args.postgres_url)  # type: ignore[assignment]
        seeded = "pending"
    with context as url:
        if seeded:
            console.print(f"[bold]{backend}[/bold]: seeding {args.customers:,} customers (alliance seed) …")
            seeded = run_cli(url, "seed", "--customers", str(args.customers), "--seed", str(args.seed))  # type: ignore[assignment]
            console.print(f"  {seeded.output}  (whole process {seeded.seconds:.1f} s, peak RSS {seeded.peak_rss_mb:.0f} MB)")  # type: ignore[attr-defined]
        database = Database(url)
        try:
            total, known = sample_known(database, args.queries, args.seed)
            queries = labelled_queries(known, args.queries, seed=args.seed + 1)
            random.Random(args.seed).shuffle(queries)
            matched = measure(database, queries, {k.external_id: k for k in known})
            matching_rss = rss_mb()
            brute = brute_force(database, queries, args.brute_sample)
        finally:
            database.dispose()
    return {
        "backend": backend,
        "customers": total,
        "seed_seconds": getattr(seeded, "seconds", None),
        "seed_rss_mb": getattr(seeded, "peak_rss_mb", None),
        "matching": matched,
        "matching_process_rss_mb": matching_rss,
        "brute_force": brute,
        "speedup_p50": brute["p50_ms"] / matched["p50_ms"],
        "speedup_mean": brute["mean_ms"] / matched["mean_ms"],  # type: ignore[operator]
    }


def report(results: list[dict[str, object]]) -> None:
    table = Table(title="Customer matching speed", title_justify="left")
    for column in (
        "backend",
        "customers",
        "queries",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "recall",
        "brute p50 ms",
        "brute ÷ indexed (p50 / mean)",
        "RSS MB",
    ):
        table.add_column(column, justify="left" if column == "backend" else "right")
    for r in results:
        m, b = r["matching"], r["brute_force"]
        table.add_row(
            str(r["backend"]),
            f"{r['customers']:,}",
            f"{m['queries']:,}",
            f"{m['p50_ms']:.2f}",
            f"{m['p90_ms']:.2f}",
            f"{m['p99_ms']:.2f}",  # type: ignore[index]
            f"{m['max_ms']:.1f}",
            f"{m['recall']:.4f}",
            f"{b['p50_ms']:,.0f}",
            f"{r['speedup_p50']:,.0f}× / {r['speedup_mean']:,.0f}×",  # type: ignore[index]
            f"{r['matching_process_rss_mb']:.0f}",
        )
    console.print(table)
    console.print(
        "Latency is find_matches in this process (candidate lookups by index, scoring, identities), after 100 warm-up queries.\n"
        "recall: variants of sampled customers whose customer (or a same-name, same-country duplicate) is among the candidates;\n"
        "brute force: rapidfuzz WRatio over every "
        "name held in memory, on a sample of the same queries. RSS MB: this process after matching, before the brute-force list."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--brute-sample", type=int, default=50)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--database", help="an existing SQLite database file with customers (skips seeding)")
    parser.add_argument("--postgres", action="store_true", help="also run against a temporary PostgreSQL database")
    parser.add_argument("--postgres-only", action="store_true", help="run only against PostgreSQL")
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
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
