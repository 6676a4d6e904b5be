"""`alliance qbr generate`: the quarter's QBR packages for the strategic partners (or all), figures
computed for all of them together, PDFs rendered in parallel worker processes."""

from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from alliance.cli.context import console, err_console, fail, operator, unit_of_work
from alliance.kit.types import parse_day
from alliance.qbr import service as qbr_service
from alliance.qbr.vocabulary import QbrStatus
from alliance.web import qbr_document

app = typer.Typer(help="Quarterly business review packages.", no_args_is_help=True)


@app.callback()
def qbr() -> None:
    """Quarterly business review packages."""


@app.command("generate")
def generate(
    quarter: Annotated[str, typer.Option("--quarter", help="Fiscal quarter: 2026Q4 or FY2026-Q4")],
    strategic_only: Annotated[
        bool, typer.Option("--strategic-only/--all", help="Strategic partners (a vendor executive sponsor), or every active partner")
    ] = True,
    as_of: Annotated[str | None, typer.Option("--as-of", help="The data's date, YYYY-MM-DD (default: the quarter's last day, or today)")] = None,
    out: Annotated[Path | None, typer.Option("--out", file_okay=False, help="Write each package's PDF into this directory")] = None,
    workers: Annotated[int, typer.Option("--workers", min=0, max=64, help="PDF worker processes (0: one per core)")] = 0,
) -> None:
    """Generate (or regenerate) the drafts of the quarter; published packages stay as they are.
    With --out, every package's PDF is written there, rendered in parallel."""
    day = _day(as_of) if as_of else None
    started = time.perf_counter()
    documents: list[tuple[dict[str, Any], dict[str, str] | None, QbrStatus, str | None, str]] = []
    with unit_of_work(f"cli qbr generate {quarter}") as session:
        packages = qbr_service.generate_portfolio(session, operator(), quarter=quarter, strategic_only=strategic_only, as_of=day)
        drafts = sum(1 for p in packages if p.status == "draft")
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            for package in packages:
                name = f"qbr_{package.period_key}_{_slug(package.figures['partner']['name'])}_{package.partner_id}.pdf"
                figures = {**package.figures, "commitments": qbr_service.content_commitments(package)}
                documents.append((figures, package.charts, package.status, package.content_sha256, str(out / name)))
    figures_seconds = time.perf_counter() - started
    console.print(f"{len(packages)} packages for {quarter} ({drafts} drafts generated, {len(packages) - drafts} already published) in {figures_seconds:.1f} s")
    if out is None or not documents:
        return
    progress = Progress(TextColumn("PDFs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console, disable=not err_console.is_terminal)
    task = progress.add_task("pdf", total=len(documents))
    started = time.perf_counter()
    pages_bytes = 0
    qbr_document.load_pdf_engine()  # before the workers fork: each starts with WeasyPrint loaded instead of loading it again
    with progress, ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = [pool.submit(qbr_document.write_pdf, *document) for document in documents]
        for future in as_completed(futures):
            pages_bytes += future.result()
            progress.advance(task)
    console.print(f"{len(documents)} PDFs ({pages_bytes / 1_000_000:.1f} MB) written to {out} in {time.perf_counter() - started:.1f} s")


def _day(text: str) -> date:
    try:
        return parse_day(text)
    except ValueError as error:
        fail(f"--as-of: {error}")
        raise


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "partner"
