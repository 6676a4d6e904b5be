"""Matching quality: precision and recall of customer matching at the default conflict threshold.

    .venv/bin/python bench/customers_quality.py                    # SQLite, 20,000 customers, 3,000 queries
    .venv/bin/python bench/customers_quality.py --postgres         # then PostgreSQL too
    .venv/bin/python bench/customers_quality.py --customers 100000 --queries 5000 --json bench/results/quality.json

A synthetic customer base is imported (`alliance customers import`'s service), then labelled queries
run through `customer_service.find_matches` exactly as the API does. Positives are variants of a
known customer (case, punctuation, accents, legal forms of many countries, "&"/"and", a leading
"The", abbreviations, one typo, website variants, and all of these combined); hard negatives are
companies that are not there but share a word with one that is ("Acme Analytics" for "Acme
Logistics", "Zentrix Analytics" for "Acme Analytics"), the same name in another country without a
website, and unknown companies. The base has one customer per name (its distinctive words in any
order, in any country) and per website domain, so that no label is ambiguous: two customers the
names alone cannot tell apart would make any answer both right and wrong.

Counted per (query, returned candidate): a candidate that is the labelled customer is a true
positive, any other candidate a false positive; a labelled customer not returned is a false
negative. "top-1" counts only the best candidate.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import CSV_HEADER, NEGATIVE_FAMILIES, POSITIVE_FAMILIES, Known, Query, fresh_database, identity_words, labelled_queries
from rich.console import Console
from rich.table import Table

from alliance.customers import importer
from alliance.customers import service as customer_service
from alliance.customers.matching import CONFLICT_THRESHOLD
from alliance.customers.websites import matching_domain
from alliance.db import Database
from alliance.demo.customers import SyntheticCustomers
from alliance.identity.scope import Actor, PartnerScope

console = Console(width=max(Console().width, 120))
ACTOR = Actor.system(label="bench")


def build_base(path: Path, count: int, seed: int) -> list[Known]:
    """`count` synthetic customers, one per name (identity_words, in any country) and per website domain, as a CSV."""
    generator = SyntheticCustomers(seed)
    names: set[tuple[str, ...]] = set()
    domains: set[str] = set()
    known: list[Known] = []
    index = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        while len(known) < count:
            r = generator.customer(index).record
            index += 1
            key, domain = identity_words(r.name), matching_domain(r.website)
            if key in names or (domain and domain in domains):
                continue
            names.add(key)
            if domain:
                domains.add(domain)
            writer.writerow([r.external_id, r.name, r.website or "", r.country or "", r.industry or "", r.employee_band or ""])
            known.append(Known(r.external_id or "", r.name, r.website, r.country))  # type: ignore[arg-type]
    return known


def evaluate(url: str, queries: list[Query]) -> dict[str, object]:
    database = Database(url)
    tp = fp = fn = top1_right = top1_answered = 0
    by_family: Counter[str] = Counter()
    hits: Counter[str] = Counter()
    failures: list[str] = []
    started = time.perf_counter()
    try:
        with database.session_scope(PartnerScope.system(reason="bench quality"), write=False) as session:
            for q in queries:
                found = customer_service.find_matches(session, ACTOR, name=q.name, website=q.website, country=q.country)
                ids = [m.external_id for m in found]
                by_family[q.family] += 1
                wrong = [m for m in found if m.external_id != q.expected]
                fp += len(wrong)
                if q.expected is not None:
                    if q.expected in ids:
                        tp += 1
                        hits[q.family] += 1
                    else:
                        fn += 1
                        failures.append(f"missed  [{q.family}] {q.name!r} {q.website or ''} {q.country or ''} -> {q.expected}")
                elif not found:
                    hits[q.family] += 1
                if wrong:
                    failures.append(f"wrong   [{q.family}] {q.name!r} {q.country or ''} -> {wrong[0].name!r} {wrong[0].country} ({wrong[0].score})")
                if found:
                    top1_answered += 1
                    top1_right += found[0].external_id == q.expected
    finally:
        database.dispose()
    positives = sum(1 for q in queries if q.expected is not None)
    return {
        "queries": len(queries),
        "positives": positives,
        "negatives": len(queries) - positives,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "recall": tp / positives if positives else 1.0,
        "top1_precision": top1_right / top1_answered if top1_answered else 1.0,
        "top1_recall": top1_right / positives if positives else 1.0,
        "per_family": {f: (hits[f], by_family[f]) for f in (*POSITIVE_FAMILIES, *NEGATIVE_FAMILIES)},
        "seconds": time.perf_counter() - started,
        "failures": failures,
    }


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    with fresh_database(backend, workdir, "quality", args.postgres_url) as url:
        base = workdir / "base.csv"
        known = build_base(base, args.customers, args.seed)
        database = Database(url)
        try:
            with database.session_scope(PartnerScope.system(reason="bench load")) as session, base.open("rb") as source:
                importer.import_customers(session, ACTOR, source=source, source_name=base.name)
        finally:
            database.dispose()
        queries = labelled_queries(known, args.queries, seed=args.seed + 1)
        result = evaluate(url, queries)
    return {"backend": backend, "customers": len(known), **result}


def report(result: dict[str, object], shown: int) -> None:
    console.print(
        f"[bold]{result['backend']}[/bold]: {result['customers']:,} customers, {result['queries']:,} labelled queries "
        f"({result['positives']:,} variants of known customers, {result['negatives']:,} hard negatives), threshold {CONFLICT_THRESHOLD}"
    )
    table = Table("family", "kind", "right", "of", "rate", title="Per family: variants found / negatives with no candidate", title_justify="left")
    for family, (right, total) in result["per_family"].items():  # type: ignore[attr-defined]
        kind = "variant" if family in POSITIVE_FAMILIES else "negative"
        table.add_row(family, kind, f"{right:,}", f"{total:,}", f"{right / total:.3f}" if total else "—")
    console.print(table)
    console.print(
        f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
        f"(TP {result['true_positives']:,}, FP {result['false_positives']:,}, FN {result['false_negatives']:,}); "
        f"top-1 precision {result['top1_precision']:.4f}, top-1 recall {result['top1_recall']:.4f}; "
        f"{result['queries'] / result['seconds']:,.0f} queries/s"  # type: ignore[operator]
    )
    for line in result["failures"][:shown]:  # type: ignore[index]
        console.print(f"  {line}", highlight=False, markup=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--postgres", action="store_true", help="also run against a temporary PostgreSQL database")
    parser.add_argument("--postgres-url", default=None, help="admin URL used to create and drop the temp database")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    parser.add_argument("--show", type=int, default=12, help="how many misses and wrong matches to print")
    args = parser.parse_args()
    from customers_common import DEFAULT_PG_ADMIN

    args.postgres_url = args.postgres_url or DEFAULT_PG_ADMIN
    results = []
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        for backend in ("sqlite", "postgresql") if args.postgres else ("sqlite",):
            results.append(run_backend(backend, args, Path(tmp)))
            report(results[-1], args.show)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([{k: v for k, v in r.items() if k != "failures"} for r in results], indent=2))


if __name__ == "__main__":
    main()
