from __future__ import annotations

import csv
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from alliance.audit import service as audit_service
from alliance.cli.context import console, err_console, operator, unit_of_work

app = typer.Typer(help="The tamper-evident audit trail.", no_args_is_help=True)


class ExportFormat(StrEnum):
    JSONL = "jsonl"
    CSV = "csv"


@app.command("verify")
def verify() -> None:
    """Recompute the hash chain; exit 1 and name the first bad event if anything was changed."""
    with unit_of_work("cli audit verify") as session:
        verdict = audit_service.verify_chain(session, operator())
    if verdict.ok:
        console.print(f"[green]OK[/green]: {verdict.checked} events verified; the chain is intact.")
        return
    assert verdict.first_break is not None
    err_console.print(f"[red]TAMPERED[/red]: {verdict.first_break.message} (checked {verdict.checked} events)", highlight=False)
    raise typer.Exit(1)


@app.command("export")
def export(fmt: Annotated[ExportFormat, typer.Option("--format", help="jsonl or csv")] = ExportFormat.JSONL) -> None:
    """Stream every event in order to standard output."""
    out = sys.stdout
    with unit_of_work("cli audit export") as session:
        rows = audit_service.export_rows(session, operator())
        if fmt == ExportFormat.JSONL:
            for row in rows:
                out.write(json.dumps(row, separators=(",", ":"), default=str) + "\n")
            return
        writer: csv.DictWriter[str] | None = None
        for row in rows:
            flat = {k: (json.dumps(v, default=str) if isinstance(v, dict) else v) for k, v in row.items()}
            if writer is None:
                writer = csv.DictWriter(out, fieldnames=list(flat))
                writer.writeheader()
            writer.writerow(flat)
