"""Matching quality on the hard labelled set (bench/matching_labelled.py), per family, and latency.

    .venv/bin/python bench/customers_hard.py                                  # SQLite, 100,000 companies, 6,000 queries
    .venv/bin/python bench/customers_hard.py --postgres                       # then PostgreSQL too
    .venv/bin/python bench/customers_hard.py --companies 1000000 --postgres-only
    .venv/bin/python bench/customers_hard.py --companies 20000 --fit          # refit the score's coefficients
    .venv/bin/python bench/customers_hard.py --companies 1000000 --keep hard  # keep the imported corpus for the next run

The corpus is imported through the CSV import service, then every labelled query runs through
`customer_service.find_matches` at the conflict threshold, as the API does. Per family:
- recall@1: the labelled company is the best candidate (variants);
- precision: of the candidates returned for variants, the share that are the labelled company
  (a sibling returned next to it is a false conflict against an innocent partner);
- no-match false positives: hard negatives (a sibling that is not there, a near acronym, an
  unknown company) for which anything at all is returned.
Latency p50/p99 per query, and a brute-force baseline (rapidfuzz WRatio over every name in memory)
on a sample, printed as a ratio. `--fit` collects the score's features for every candidate the
indexes return (matching.features) and fits the logistic coefficients (numpy, Newton's method),
printing them to paste into alliance/customers/matching.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import CSV_HEADER, DEFAULT_PG_ADMIN, kept_or_fresh_database, percentile
from matching_labelled import NEGATIVE_FAMILIES, POSITIVE_FAMILIES, Company, Corpus, Query, queries
from rapidfuzz import fuzz, process
from rich.console import Console
from rich.table import Table

from alliance.customers import importer, matching
from alliance.customers import service as customer_service
from alliance.customers.names import NormalizedName
from alliance.customers.repository import CustomerRepository
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope

console = Console(width=max(Console().width, 130))
ACTOR = Actor.system(label="bench")


def write_corpus(path: Path, companies: list[Company]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        for c in companies:
            writer.writerow([c.id, c.name, c.website or "", c.country, "", ""])


def load(url: str, path: Path) -> float:
    started = time.perf_counter()
    database = Database(url)
    try:
        with database.session_scope(PartnerScope.system(reason="bench load")) as session, path.open("rb") as source:
            importer.import_customers(session, ACTOR, source=source, source_name=path.name)
    finally:
        database.dispose()
    return time.perf_counter() - started


def evaluate(url: str, labelled: list[Query]) -> dict[str, object]:
    database = Database(url)
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()  # variants: labelled company first; negatives: nothing returned
    returned: Counter[str] = Counter()
    returned_right: Counter[str] = Counter()
    latencies: list[float] = []
    failures: dict[str, list[str]] = defaultdict(list)
    try:
        with database.session_scope(PartnerScope.system(reason="bench hard"), write=False) as session:
            for q in labelled[:50]:
                customer_service.find_matches(session, ACTOR, name=q.name, website=q.website, country=q.country)
            for q in labelled:
                started = time.perf_counter()
                found = customer_service.find_matches(session, ACTOR, name=q.name, website=q.website, country=q.country)
                latencies.append((time.perf_counter() - started) * 1000)
                total[q.family] += 1
                ids = [m.external_id for m in found]
                if q.expected is None:
                    right[q.family] += not found
                    returned[q.family] += len(found)
                    if found:
                        failures[q.family].append(f"{q.name!r} {q.website or ''} {q.country or ''} -> {found[0].name!r} {found[0].country} {found[0].score}")
                    continue
                returned[q.family] += len(found)
                returned_right[q.family] += q.expected in ids
                if ids[:1] == [q.expected]:
                    right[q.family] += 1
                else:
                    got = f"{found[0].name!r} {found[0].country} {found[0].score}" if found else "nothing"
                    failures[q.family].append(f"{q.name!r} {q.website or ''} {q.country or ''} [{q.expected}] -> {got}")
    finally:
        database.dispose()
    return {
        "total": dict(total),
        "right": dict(right),
        "returned": dict(returned),
        "returned_right": dict(returned_right),
        "p50_ms": percentile(latencies, 0.5),
        "p90_ms": percentile(latencies, 0.9),
        "p99_ms": percentile(latencies, 0.99),
        "max_ms": max(latencies),
        "failures": dict(failures.items()),
    }


def summary(result: dict[str, object]) -> dict[str, float]:
    total, right = result["total"], result["right"]
    returned, returned_right = result["returned"], result["returned_right"]
    positives = [f for f in POSITIVE_FAMILIES if f in total]  # type: ignore[operator]
    negatives = [f for f in NEGATIVE_FAMILIES if f in total]  # type: ignore[operator]
    n_pos = sum(total[f] for f in positives)  # type: ignore[index]
    n_neg = sum(total[f] for f in negatives)  # type: ignore[index]
    tp = sum(returned_right.get(f, 0) for f in positives)  # type: ignore[attr-defined]
    fp = sum(returned.get(f, 0) for f in (*positives, *negatives)) - tp  # type: ignore[attr-defined]
    return {
        "recall_at_1": sum(right.get(f, 0) for f in positives) / n_pos if n_pos else 1.0,  # type: ignore[attr-defined]
        "precision": tp / (tp + fp) if tp + fp else 1.0,
        "no_match_false_positive_rate": 1 - sum(right.get(f, 0) for f in negatives) / n_neg if n_neg else 0.0,  # type: ignore[attr-defined]
    }


def brute_force(companies: list[Company], labelled: list[Query], sample: int) -> float:
    names = [c.name for c in companies]
    timings = []
    for q in labelled[:sample]:
        started = time.perf_counter()
        process.extract(q.name, names, scorer=fuzz.WRatio, limit=5)
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.5)


def report(backend: str, count: int, result: dict[str, object], brute_p50: float | None, shown: int) -> None:
    total, right = result["total"], result["right"]
    returned, returned_right = result["returned"], result["returned_right"]
    table = Table("family", "queries", "recall@1", "precision", "no-match FP", title=f"{backend}, {count:,} companies, threshold {matching.CONFLICT_THRESHOLD}")
    for family in (*POSITIVE_FAMILIES, *NEGATIVE_FAMILIES):
        n = total.get(family, 0)  # type: ignore[attr-defined]
        if not n:
            continue
        if family in POSITIVE_FAMILIES:
            got = returned.get(family, 0)  # type: ignore[attr-defined]
            precision = returned_right.get(family, 0) / got if got else 1.0  # type: ignore[attr-defined]
            table.add_row(family, f"{n:,}", f"{right.get(family, 0) / n:.3f}", f"{precision:.3f}", "")  # type: ignore[attr-defined]
        else:
            table.add_row(family, f"{n:,}", "", "", f"{1 - right.get(family, 0) / n:.3f}")  # type: ignore[attr-defined]
    console.print(table)
    s = summary(result)
    console.print(
        f"recall@1 {s['recall_at_1']:.4f}  precision {s['precision']:.4f}  no-match FP {s['no_match_false_positive_rate']:.4f}   "
        f"latency p50 {result['p50_ms']:.2f} ms, p90 {result['p90_ms']:.2f}, p99 {result['p99_ms']:.2f}, max {result['max_ms']:.1f}"
        + (f"; brute force p50 {brute_p50:.1f} ms = {brute_p50 / result['p50_ms']:,.0f}x" if brute_p50 else "")  # type: ignore[operator]
    )
    for family, lines in result["failures"].items():  # type: ignore[attr-defined]
        for line in lines[:shown]:
            console.print(f"  [{family}] {line}", highlight=False, markup=False)


# --- fitting the score -------------------------------------------------------------------------------


Groups = list[tuple[Query, list[tuple[tuple[float, ...], int]]]]


def collect_features(url: str, labelled: list[Query]) -> tuple[Groups, Groups]:
    """The score's features for every candidate the indexes give each query, labelled 1 for the
    query's company and 0 for any other: as find_matches scores them, and without what the
    candidate reads say about the typed words (matching.with_corpus_words)."""
    database = Database(url)
    groups: Groups = []
    plain: Groups = []
    try:
        with database.session_scope(PartnerScope.system(reason="bench fit"), write=False) as session:
            repository = CustomerRepository(session)
            for q in labelled:
                typed = matching.profile(q.name, q.website, q.country)
                if not typed.name.tokens:
                    continue
                ids, query = customer_service._candidates(repository, typed)
                found = []
                for identity in repository.identities(ids):
                    candidate = matching.Profile(NormalizedName.from_key(identity.name_key), identity.domain, identity.country, written=identity.name)
                    found.append((identity, candidate, matching.compare_pair(query, candidate)))
                # A candidate hidden by an exact namesake (matching.without_near_namesakes) is never
                # the model's decision: fitting on it would teach that a name one typo away is
                # another company, which is only true when the typed name exists as typed.
                exact = any(names.similarity >= 1.0 for _, _, names in found)
                kept = [
                    (identity, candidate)
                    for identity, candidate, names in found
                    if not exact or names.similarity >= 1.0 or (query.domain and query.domain == candidate.domain)
                ]
                groups.append((q, [(matching.features(query, candidate), int(identity.external_id == q.expected)) for identity, candidate in kept]))
                # The same pairs without what the reads say about the typed words: a record scored
                # on its own (chosen by hand) must still read as a probability.
                plain.append((q, [(matching.features(typed, candidate), int(identity.external_id == q.expected)) for identity, candidate in kept]))
    finally:
        database.dispose()
    return groups, plain


def sweep(groups: list[tuple[Query, list[tuple[tuple[float, ...], int]]]], weights: list[float]) -> None:
    """Query-level recall@1, precision and no-match false positives at several thresholds, for
    these coefficients (in memory: no database)."""
    import math

    def p(values: tuple[float, ...]) -> float:
        z = weights[0] + sum(w * v for w, v in zip(weights[1:], values, strict=True))
        value = 1 / (1 + math.exp(-z)) if z > -50 else 0.0
        return max(value, 0.9 + 0.1 * value) if values[matching.FEATURES.index("domain_same")] else value

    for threshold in (0.3, 0.5, 0.6, 0.65, 0.7, 0.8, 0.85, 0.9, 0.95):
        hits = positives = negatives = negatives_hit = tp = fp = 0
        per_family: Counter[str] = Counter()
        family_total: Counter[str] = Counter()
        for q, pairs in groups:
            kept = sorted(((p(f), label) for f, label in pairs), reverse=True)
            kept = [(value, label) for value, label in kept if value >= threshold]
            if q.expected is None:
                negatives += 1
                negatives_hit += bool(kept)
                fp += len(kept)
                continue
            positives += 1
            family_total[q.family] += 1
            tp += sum(label for _, label in kept)
            fp += sum(1 - label for _, label in kept)
            if kept and kept[0][1] == 1:
                hits += 1
                per_family[q.family] += 1
        worst = min(family_total, key=lambda f: per_family[f] / family_total[f])
        console.print(
            f"threshold {threshold:.2f}: recall@1 {hits / positives:.4f}  precision {tp / max(1, tp + fp):.4f}  "
            f"no-match FP {negatives_hit / max(1, negatives):.4f}  worst family {worst} {per_family[worst] / family_total[worst]:.3f}"
        )


def fit(rows: list[tuple[float, ...]], labels: list[int], l2: float = 1.0) -> list[float]:
    import numpy as np

    x = np.hstack([np.ones((len(rows), 1)), np.array(rows, dtype=float)])
    y = np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return [float(v) for v in w]


# --- main --------------------------------------------------------------------------------------------


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    corpus = Corpus(args.seed)
    companies = corpus.companies(args.companies)
    labelled = queries(corpus, companies, args.queries, seed=args.seed + 1)
    keep = f"{args.keep}_{backend}_{args.companies}_{args.seed}" if args.keep else None
    with kept_or_fresh_database(backend, workdir, "hard", args.postgres_url, keep) as (url, empty):
        if empty:
            path = workdir / "hard.csv"
            write_corpus(path, companies)
            seconds = load(url, path)
            console.print(f"{backend}: imported {len(companies):,} companies in {seconds:.1f} s; {len(labelled):,} labelled queries")
        else:
            console.print(f"{backend}: kept database {keep} ({len(companies):,} companies); {len(labelled):,} labelled queries")
        if args.fit:
            groups, plain = collect_features(url, labelled)
            rows = [f for _, pairs in (*groups, *plain) for f, _ in pairs]
            labels = [label for _, pairs in (*groups, *plain) for _, label in pairs]
            weights = fit(rows, labels)
            console.print("current coefficients:")
            sweep(groups, [matching.BIAS, *matching.COEFFICIENTS])
            console.print("fitted coefficients:")
            sweep(groups, weights)
            console.print(f"{len(rows):,} candidate pairs ({sum(labels):,} right); features {matching.FEATURES}")
            console.print("COEFFICIENTS = (" + ", ".join(f"{w:.3f}" for w in weights) + ")")
            return {"backend": backend, "coefficients": weights}
        result = evaluate(url, labelled)
    brute = brute_force(companies, labelled, args.brute_sample) if args.brute_sample else None
    report(backend, len(companies), result, brute, args.show)
    return {"backend": backend, "companies": len(companies), **summary(result), **{k: v for k, v in result.items() if k != "failures"}, "brute_p50_ms": brute}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--companies", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=6_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--postgres", action="store_true", help="also run on a temporary PostgreSQL database")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--fit", action="store_true", help="fit the score's coefficients instead of evaluating")
    parser.add_argument("--brute-sample", type=int, default=30)
    parser.add_argument("--show", type=int, default=4, help="misses and false matches to print per family")
    parser.add_argument("--json", type=Path)
    parser.add_argument(
        "--keep",
        metavar="NAME",
        help="keep the imported corpus between runs (NAME_<backend>_<companies>_<seed>: a PostgreSQL database or a SQLite file in the "
        "temporary folder); valid while the stored names' keys (matching.blocking_keys) are unchanged",
    )
    args = parser.parse_args()
    backends = ["postgresql"] if args.postgres_only else ["sqlite", "postgresql"] if args.postgres else ["sqlite"]
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        results = [run_backend(backend, args, Path(tmp)) for backend in backends]
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
