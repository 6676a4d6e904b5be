from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from alliance.cli.context import console, fail, operator, unit_of_work
from alliance.partners import program_service
from alliance.partners.program_file import ProgramFileError, parse_programs

app = typer.Typer(help="Partner programs and tiers.", no_args_is_help=True)
DEFAULT_PROGRAMS = Path(__file__).resolve().parent.parent / "partners" / "default_programs.yaml"


@app.command("load")
def load(file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="Programs YAML")]) -> None:
    """Create or update programs and tiers from a YAML file (format: alliance/partners/default_programs.yaml)."""
    load_file(file)


def load_file(file: Path) -> program_service.LoadSummary:
    try:
        document = parse_programs(file.read_text(encoding="utf-8"))
    except ProgramFileError as exc:
        fail(f"{file} is not a valid programs file:\n" + "\n".join(f"  {p}" for p in exc.problems))
        raise  # unreachable: fail exits
    with unit_of_work("cli program load") as session:
        summary = program_service.load_programs(session, operator(), document=document)
    console.print(
        f"Programs: {len(summary.programs_created)} created, {len(summary.programs_updated)} updated, "
        f"{len(summary.programs_unchanged)} unchanged. Tiers: {summary.tiers_created} created, "
        f"{summary.tiers_updated} updated, {summary.tiers_removed} removed."
    )
    return summary


@app.command("list")
def list_programs() -> None:
    """Programs, their tiers and benefits."""
    with unit_of_work("cli program list") as session:
        programs = program_service.list_programs(session, operator())
        table = Table("program", "type", "tiers")
        for program in programs:
            kind = program.partner_type + (f"/{program.si_subtype}" if program.si_subtype else "")
            table.add_row(f"{program.key} ({program.name})", kind, ", ".join(t.name for t in program.tiers))
    console.print(table)


@app.command("metrics")
def metrics() -> None:
    """Metric names tier criteria may use."""
    table = Table("metric", "meaning", "unit")
    for metric in program_service.list_metrics():
        table.add_row(metric.name, metric.label, metric.unit)
    console.print(table)
