"""QBR figures for the whole portfolio, set-based, against a per-partner loop; and PDF pages per second.

    .venv/bin/python bench/qbr_figures.py                       # SQLite: 5,000 partners, 100,000 people, 400,000 certifications
    .venv/bin/python bench/qbr_figures.py --postgres            # then PostgreSQL
    .venv/bin/python bench/qbr_figures.py --partners 500 --certifications 20000 --sample 50 --pdfs 8

The data is bench/tiers_evaluate.py's (`alliance seed`, then certifications, won registrations and
their attribution ledger), plus a submitted and a won event per registration so the pipeline's
as-of stages have history to read. It times `figures_service.compute` for every partner (a fixed
number of grouped queries) and, in the same process, `compute` for a sample of partners one at a
time, extrapolated to the portfolio. Then it renders the PDFs of a sample of packages in worker
processes (as `alliance qbr generate --out` does) and reports pages per second.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_cli, run_on_each_backend, write_json
from rich.console import Console
from rich.table import Table
from sqlalchemy import insert, select
from tiers_evaluate import load

from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock, fiscal
from alliance.partners.models import Partner
from alliance.qbr import figures_service
from alliance.qbr.charts import svgs
from alliance.qbr.vocabulary import QbrStatus
from alliance.registrations.models import Registration, RegistrationEvent

console = Console(width=170)
BATCH = 20_000


def add_history(database: Database) -> int:
    """A submitted and a won event per registration (the bench data inserts registrations bare)."""
    with database.session_scope(PartnerScope.system(reason="bench history")) as session:
        rows = session.execute(select(Registration.id, Registration.partner_id, Registration.closed_at)).all()
        events = []
        for registration_id, partner_id, closed_at in rows:
            at = closed_at or clock.now()
            base = {"partner_id": partner_id, "registration_id": registration_id, "actor_label": "bench", "actor_side": "partner"}
            events.append({**base, "at": at - timedelta(days=60), "action": "submit", "from_status": "draft", "to_status": "submitted"})
            events.append({**base, "at": at, "action": "mark_won", "from_status": "approved", "to_status": "won"})
        for start in range(0, len(events), BATCH):
            session.execute(insert(RegistrationEvent.__table__), events[start : start + BATCH])
        return len(events)


def compute(database: Database, partner_ids: list[int] | None) -> tuple[float, dict[int, dict[str, Any]]]:
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, clock.today())
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench QBR figures"), write=False) as session:
        found = figures_service.compute(session, partner_ids=partner_ids, quarter=quarter, as_of=clock.today())
    return time.perf_counter() - started, found


def render_pdf(html: str) -> int:
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    document.write_pdf()
    return len(document.pages)


def pdf_pages_per_second(figures: list[dict[str, Any]], workers: int) -> tuple[int, float]:
    from alliance.qbr.service import QbrContent
    from alliance.web import qbr_document

    documents = [qbr_document.document_html(QbrContent(f, svgs(f)), status=QbrStatus.DRAFT, sha256=None) for f in figures]
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pages = sum(pool.map(render_pdf, documents))
    return pages, time.perf_counter() - started


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "qbr", args.postgres_url) as url:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners (alliance seed) …")
        seeded = run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", str(args.people_per_partner), "--seed", str(args.seed))
        console.print(f"  {seeded.output}  ({seeded.seconds:.1f} s)")
        database = Database(url)
        try:
            loaded = load(database, certifications=args.certifications, seed=args.seed)
            events = add_history(database)
            console.print(
                f"  {loaded['certifications']:,} certifications, {loaded['registrations']:,} registrations ({events:,} events), {loaded['attribution_entries']:,} ledger entries"
            )
            with database.session_scope(PartnerScope.system(reason="bench ids"), write=False) as session:
                ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
            sample = random.Random(args.seed).sample(ids, min(args.sample, len(ids)))
            compute(database, sample[:5])  # warm-up
            set_seconds, found = compute(database, None)
            started = time.perf_counter()
            for partner_id in sample:
                compute(database, [partner_id])
            loop_seconds = time.perf_counter() - started
            console.print(
                f"  figures for {len(found):,} partners: {set_seconds:.2f} s set-based; {loop_seconds / len(sample) * 1000:.0f} ms per partner one at a time, "
                f"{loop_seconds / len(sample) * len(found):.0f} s extrapolated ({loop_seconds / len(sample) * len(found) / set_seconds:.1f}×)"
            )
            pages, pdf_seconds = pdf_pages_per_second([found[pid] for pid in sample[: args.pdfs]], args.workers)
        finally:
            database.dispose()
    extrapolated = loop_seconds / len(sample) * len(found)
    return {
        "backend": backend,
        "partners": len(found),
        "certifications": loaded["certifications"],
        "registrations": loaded["registrations"],
        "set_based_s": set_seconds,
        "per_partner_ms": loop_seconds / len(sample) * 1000,
        "loop_extrapolated_s": extrapolated,
        "ratio": extrapolated / set_seconds,
        "pdf_pages": pages,
        "pdf_pages_per_s": pages / pdf_seconds,
        "workers": args.workers,
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="QBR figures (sections 1-8, section 7 on empty MDF and library tables; five quarters) for every partner, and PDFs")
    for column in (
        "backend",
        "partners",
        "certifications",
        "registrations",
        "set-based s",
        "per-partner ms",
        "loop, extrapolated s",
        "loop ÷ set-based",
        "PDF pages/s",
    ):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            r["backend"],
            f"{r['partners']:,}",
            f"{r['certifications']:,}",
            f"{r['registrations']:,}",
            f"{r['set_based_s']:.2f}",
            f"{r['per_partner_ms']:.1f}",
            f"{r['loop_extrapolated_s']:.1f}",
            f"{r['ratio']:.1f}×",
            f"{r['pdf_pages_per_s']:.2f} ({r['pdf_pages']} pages, {r['workers']} workers)",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--people-per-partner", type=int, default=20)
    parser.add_argument("--certifications", type=int, default=400_000)
    parser.add_argument("--sample", type=int, default=100, help="partners computed one at a time for the baseline")
    parser.add_argument("--pdfs", type=int, default=8, help="packages rendered as PDFs")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    results = run_on_each_backend(args, lambda backend, workdir: run_backend(backend, args, workdir))
    report(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
