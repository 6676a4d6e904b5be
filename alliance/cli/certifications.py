"""`alliance certifications ...`: import learning records from an external learning system."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alliance.cli.context import ImportFile, RejectsFile, console, file_import, operator, print_rejections
from alliance.enablement import importer

app = typer.Typer(help="Certifications: import completions, exam scores, lab results and certifications.", no_args_is_help=True)
SHOWN_REJECTIONS = 20


@app.command("import", help="Import a learning-system export (CSV), idempotently.\n\n\b\n" + importer.FORMAT_HELP)
def import_file(
    file: ImportFile,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per database batch")] = importer.DEFAULT_BATCH_SIZE,
    rejects: RejectsFile = None,
) -> None:
    with file_import(file, "cli certifications import") as run:
        summary = importer.import_certifications(
            run.session,
            operator(),
            source=run.source,
            source_name=file.name,
            batch_size=batch_size,
            on_progress=run.on_progress,
            on_reject=run.csv_sink(rejects, ["line", "external_ref", "field", "problem"], lambda r: [r.line, r.external_ref or "", r.field, r.message]),
        )
    summary.seconds = run.seconds()  # including the commit
    _print_summary(summary, rejects)


def _print_summary(summary: importer.ImportSummary, rejects: Path | None) -> None:
    print_rejections(summary, rejects, shown=SHOWN_REJECTIONS)
    kinds = ", ".join(f"{count:,} {kind}" for kind, count in summary.by_type.items() if count)
    console.print(
        f"Imported {summary.source}: {summary.rows:,} rows; {summary.inserted:,} inserted{f' ({kinds})' if kinds else ''}, "
        f"{summary.unchanged:,} unchanged, {summary.rejected:,} rejected; {summary.awarded:,} certifications awarded "
        f"in {summary.seconds:.2f} s ({summary.rows_per_second:,.0f} rows/s).",
        highlight=False,
    )
