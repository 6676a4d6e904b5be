"""`alliance customers ...`: import a CRM export, look a company up."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from alliance.cli.context import ImportFile, RejectsFile, console, file_import, operator, print_rejections, unit_of_work
from alliance.customers import importer
from alliance.customers import service as customer_service
from alliance.customers.matching import CONFLICT_THRESHOLD

app = typer.Typer(help="End customers: import from a CRM export, match a company name.", no_args_is_help=True)
SHOWN_REJECTIONS = 20
AUTO_WORKERS_BYTES = 8 * 1024 * 1024
DUPLICATE_COLUMNS = ["line", "external_id", "name", "existing_customer_id", "existing_external_id", "existing_name", "reason"]


@app.command("import")
def import_file(
    file: ImportFile,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per database batch")] = importer.DEFAULT_BATCH_SIZE,
    rejects: RejectsFile = None,
    duplicates: Annotated[
        Path | None, typer.Option("--duplicates", dir_okay=False, help="Also write every new customer flagged as a likely duplicate to this CSV")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=0, help="Processes preparing rows while this one writes (default: 1 per spare CPU for files over 8 MB, at most 3)"),
    ] = None,
) -> None:
    """Create or update customers from a CSV file, matched on external_id.

    Columns: external_id,name,website,country (required) and industry,employee_band (optional).
    New external ids are inserted, changed rows updated, unchanged rows left alone; bad rows are
    reported with their line numbers and skipped. A new customer whose website domain an existing
    customer already has is imported but reported as a likely duplicate (and listed on the console
    for merging). Exit status 1 only when the file cannot be
    imported at all (no usable header, not UTF-8), in which case nothing is imported."""
    if workers is None:
        workers = min(3, (os.cpu_count() or 1) - 1) if file.stat().st_size > AUTO_WORKERS_BYTES else 0
    with file_import(file, "cli customers import") as run:
        summary = importer.import_customers(
            run.session,
            operator(),
            source=run.source,
            source_name=file.name,
            batch_size=batch_size,
            workers=workers,
            on_progress=run.on_progress,
            on_reject=run.csv_sink(rejects, ["line", "external_id", "field", "problem"], lambda r: [r.line, r.external_id or "", r.field, r.message]),
            on_duplicate=run.csv_sink(duplicates, DUPLICATE_COLUMNS, _duplicate_row),
        )
    summary.seconds = run.seconds()  # including the commit
    _print_summary(summary, rejects, duplicates)


def _duplicate_row(found: importer.LikelyDuplicate) -> list[object]:
    return [found.line, found.external_id, found.name, found.existing_id, found.existing_external_id or "", found.existing_name, found.reason]


def _print_summary(summary: importer.ImportSummary, rejects: Path | None, duplicates: Path | None = None) -> None:
    print_rejections(summary, rejects, shown=SHOWN_REJECTIONS)
    for found in summary.likely_duplicates[:SHOWN_REJECTIONS]:
        console.print(f"[yellow]likely duplicate[/yellow] {found}", highlight=False)
    if summary.duplicates:
        where = f"all are in {duplicates}" if duplicates else "--duplicates FILE lists them all"
        console.print(
            f"{summary.duplicates:,} new customers look like existing ones: imported and listed for merging on the console "
            f"(Customers → Likely duplicates; {where}).",
            highlight=False,
        )
    console.print(
        f"Imported {summary.source}: {summary.rows:,} rows; {summary.inserted:,} inserted, {summary.updated:,} updated, "
        f"{summary.unchanged:,} unchanged, {summary.rejected:,} rejected in {summary.seconds:.2f} s "
        f"({summary.rows_per_second:,.0f} rows/s).",
        highlight=False,
    )


@app.command("match")
def match(
    name: Annotated[str, typer.Argument(help="Company name as someone would type it")],
    website: Annotated[str | None, typer.Option(help="Website or domain")] = None,
    country: Annotated[str | None, typer.Option(help="ISO country code")] = None,
    limit: Annotated[int, typer.Option(min=1, max=50)] = 10,
    min_score: Annotated[float | None, typer.Option("--min-score", min=0.0, max=1.0, help=f"Default: the conflict threshold ({CONFLICT_THRESHOLD})")] = None,
) -> None:
    """Known customers that may be this company, best first, with the evidence."""
    with unit_of_work("cli customers match") as session:
        found = customer_service.find_matches(session, operator(), name=name, website=website, country=country, limit=limit, min_score=min_score)
    if not found:
        console.print("No known customer matches.")
        return
    table = Table("score", "id", "external id", "name", "website", "country", "evidence")
    for m in found:
        evidence = "; ".join(r.detail for r in m.reasons if r.verdict != "unknown")
        table.add_row(f"{m.score:.2f}", str(m.customer_id), m.external_id or "", m.name, m.website or "", m.country or "", evidence)
    console.print(table)
