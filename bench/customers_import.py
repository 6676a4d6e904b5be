"""Import throughput and memory: `alliance customers import` of a generated CRM export.

    .venv/bin/python bench/customers_import.py                       # SQLite, 1,000,000 rows
    .venv/bin/python bench/customers_import.py --rows 200000 --postgres
    .venv/bin/python bench/customers_import.py --workers 0           # prepare rows in the writing process only

A CSV of synthetic customers (external_id,name,website,country,industry,employee_band) is written
to a temp directory, then imported twice into a fresh database by `alliance customers import` in a
child process: first every row is new, then every row is unchanged (the idempotent re-run). For
each: rows/s by the command's own timer (reading, preparing, writing, commit) and by wall time
including interpreter start-up, and the child's peak RSS (os.wait4).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, chosen_backends, fresh_database, run_cli, write_csv
from rich.console import Console
from rich.table import Table

console = Console(width=max(Console().width, 120))
SUMMARY = re.compile(r"Imported \S+: ([0-9,]+) rows; ([0-9,]+) inserted, ([0-9,]+) updated, ([0-9,]+) unchanged, ([0-9,]+) rejected in ([0-9.]+) s")


def import_once(url: str, path: Path, args: argparse.Namespace, label: str, backend: str) -> dict[str, object]:
    command = ["customers", "import", str(path), "--batch-size", str(args.batch_size)]
    if args.workers is not None:
        command += ["--workers", str(args.workers)]
    run = run_cli(url, *command)
    found = SUMMARY.search(run.output)
    if found is None:
        raise SystemExit(f"could not read the import summary:\n{run.output}")
    rows, inserted, updated, unchanged, rejected = (int(g.replace(",", "")) for g in found.groups()[:5])
    seconds = float(found.group(6))
    return {
        "backend": backend,
        "run": label,
        "rows": rows,
        "inserted": inserted,
        "updated": updated,
        "unchanged": unchanged,
        "rejected": rejected,
        "command_seconds": seconds,
        "rows_per_second": rows / seconds,
        "wall_seconds": run.seconds,
        "wall_rows_per_second": rows / run.seconds,
        "peak_rss_mb": run.peak_rss_mb,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--workers", type=int, default=None, help="passed to the command (default: its own choice)")
    parser.add_argument("--postgres", action="store_true", help="also run against a temporary PostgreSQL database")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    backends = chosen_backends(args)
    results = []
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        workdir = Path(tmp)
        path = workdir / "customers.csv"
        started = time.perf_counter()
        size = write_csv(path, args.rows, seed=args.seed)
        console.print(f"Generated {args.rows:,} rows ({size / 1e6:,.0f} MB) in {time.perf_counter() - started:.1f} s.")
        for backend in backends:
            with fresh_database(backend, workdir, "import", args.postgres_url) as url:
                for label in ("first import (all new)", "re-import (all unchanged)"):
                    console.print(f"[bold]{backend}[/bold]: {label} …")
                    results.append(import_once(url, path, args, label, backend))
    table = Table(title="Customer import", title_justify="left")
    for column in ("backend", "run", "rows", "inserted", "unchanged", "command s", "rows/s", "wall s", "rows/s (wall)", "peak RSS MB"):
        table.add_column(column, justify="left" if column in ("backend", "run") else "right")
    for r in results:
        table.add_row(
            str(r["backend"]),
            str(r["run"]),
            f"{r['rows']:,}",
            f"{r['inserted']:,}",
            f"{r['unchanged']:,}",
            f"{r['command_seconds']:.1f}",
            f"{r['rows_per_second']:,.0f}",
            f"{r['wall_seconds']:.1f}",
            f"{r['wall_rows_per_second']:,.0f}",
            f"{r['peak_rss_mb']:.0f}",
        )
    console.print(table)
    console.print("Peak RSS: the largest process of the import (the importer or its row-preparing worker), from os.wait4.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
