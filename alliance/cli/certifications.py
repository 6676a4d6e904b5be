"""`alliance certifications ...`: import learning records from an external learning system."""

from __future__ import annotations

import csv
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from alliance.cli.context import (
    console,
    current_database,
    import_progress,
    operator,
    print_rejections,
    unit_of_work,
)
from alliance.enablement import importer

app = typer.Typer(help="Certifications: import completions, exam scores, lab results and certifications.", no_args_is_help=True)
SHOWN_REJECTIONS = 20


@app.command("import", help="Import a learning-system export (CSV), idempotently.\n\n\b\n" + importer.FORMAT_HELP)
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, UTF-8, header row first")],
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per database batch")] = importer.DEFAULT_BATCH_SIZE,
    rejects: Annotated[Path | None, typer.Option("--rejects", dir_okay=False, help="Also write every rejected line to this CSV")] = None,
) -> None:
    db = current_database()
    progress = import_progress()
    task = progress.add_task("import", total=file.stat().st_size, rows=0)
    started = time.perf_counter()
    with ExitStack() as stack:
        source = stack.enter_context(file.open("rb"))
        on_reject = None
        if rejects is not None:
            rejects_csv = csv.writer(stack.enter_context(rejects.open("w", encoding="utf-8", newline="")))
            rejects_csv.writerow(["line", "external_ref", "field", "problem"])

            def on_reject(rejection: importer.Rejection) -> None:
                rejects_csv.writerow([rejection.line, rejection.external_ref or "", rejection.field, rejection.message])

        stack.enter_context(progress)
        session = stack.enter_context(unit_of_work("cli certifications import", db))
        summary = importer.import_certifications(
            session,
            operator(),
            source=source,
            source_name=file.name,
            batch_size=batch_size,
            on_progress=lambda done, rows: progress.update(task, completed=done, rows=rows),
            on_reject=on_reject,
        )
    summary.seconds = time.perf_counter() - started  # including the commit
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
