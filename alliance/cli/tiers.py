"""`alliance tiers evaluate`: the tier engine for the whole portfolio or one partner."""

from __future__ import annotations

import csv
import time
from typing import Annotated

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from alliance.cli.context import ImportFile, RejectsFile, console, current_database, err_console, fail, operator, print_rejections, unit_of_work
from alliance.kit import clock
from alliance.kit.csv_header import read_header
from alliance.tiers import figure_service
from alliance.tiers import service as tier_service

app = typer.Typer(help="Tier engine: evaluate partners against their program's tier criteria.", no_args_is_help=True)


@app.callback()
def tiers() -> None:
    """Tier engine: evaluate partners against their program's tier criteria."""


@app.command("evaluate")
def evaluate(
    all_partners: Annotated[bool, typer.Option("--all", help="Evaluate every partner and queue recommendations")] = False,
    partner: Annotated[int | None, typer.Option("--partner", min=1, help="Explain one partner's tier (nothing is written)")] = None,
) -> None:
    """Evaluate the whole portfolio (--all) or explain one partner's tier (--partner ID)."""
    if all_partners == (partner is not None):
        fail("give either --all or --partner ID")
    if partner is not None:
        _explain(partner)
        return
    progress = Progress(
        TextColumn("evaluating"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
        transient=True,
    )
    task = progress.add_task("evaluate", total=None)
    started = time.perf_counter()
    with progress, unit_of_work("cli tiers evaluate --all") as session:
        summary = tier_service.evaluate_all(
            session,
            operator(),
            today=clock.today(),
            on_progress=lambda done, total: progress.update(task, completed=done, total=total),
        )
    seconds = time.perf_counter() - started  # including the commit
    console.print(
        f"evaluated {summary.evaluated:,} partners in {seconds:.2f} s: {summary.upgrades:,} upgrades and {summary.downgrades:,} downgrades "
        f"queued for review, {summary.grace_started:,} grace periods started, {summary.in_grace:,} in grace, {summary.at_tier:,} at their tier, "
        f"{summary.unchanged:,} already pending, {summary.superseded:,} superseded",
        highlight=False,
    )


def _explain(partner_id: int) -> None:
    with unit_of_work("cli tiers evaluate --partner") as session:
        found = tier_service.evaluate_partner(session, operator(), partner_id=partner_id)
    evaluation = found.evaluation
    current = found.current_tier.name if found.current_tier else "no tier"
    qualifying = evaluation.qualifying_tier.name if evaluation.qualifying_tier else "no tier"
    console.print(f"{found.partner_name} ({found.program_name}): tier {current}, qualifies for {qualifying}", highlight=False)
    if evaluation.next_tier is None:
        console.print("  top tier: nothing more to reach", highlight=False)
    else:
        console.print(f"  to reach {evaluation.next_tier.name}:", highlight=False)
        for gap in evaluation.gaps:
            mark = "met" if gap.met else "gap"
            console.print(f"    [{mark}] {gap.words}", highlight=False, markup=False)
        for line in evaluation.summary if evaluation.next_tier_mode == "any" else []:
            console.print(f"    {line}", highlight=False, markup=False)
    for sentence in found.forecast.sentences:
        console.print(f"  forecast: {sentence}", highlight=False)


FIGURE_COLUMNS = ("partner_id", "metric", "period", "value")


class _BadFile(Exception):
    pass


@app.command("import-figures")
def import_figures(
    file: ImportFile,
    confirmed: Annotated[bool, typer.Option("--confirmed", help="Record the figures as confirmed (the vendor's own data)")] = False,
    rejects: RejectsFile = None,
) -> None:
    """Import reported figures (managed customers, sub-resellers): columns partner_id,metric,period
    (YYYY-MM),value and optionally note. Each row is validated as the API validates it; bad rows are
    listed with their line and skipped. Without --confirmed each figure awaits a CAM's confirmation."""
    db = current_database()
    try:
        with file.open(encoding="utf-8-sig", newline="") as source:
            lines = source.read().splitlines()
        names, ignored = read_header(lines[0] if lines else None, required=FIGURE_COLUMNS, optional=("note",), error=_BadFile)
    except (_BadFile, UnicodeDecodeError) as exc:
        db.dispose()
        fail(str(exc) if isinstance(exc, _BadFile) else "The file is not UTF-8.")
        return
    rows = [(number, {n: v for n, v in zip(names, values, strict=False) if n}) for number, values in enumerate(csv.reader(lines[1:]), start=2) if values]
    with unit_of_work("cli tiers import-figures", db) as session:
        summary = figure_service.import_figures(session, operator(), rows=rows, confirm=confirmed)
    summary.ignored_columns = ignored
    if rejects is not None:
        with rejects.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["line", "problem"])
            for rejection in summary.rejections:
                line, _, problem = rejection.partition(": ")
                writer.writerow([line.removeprefix("line "), problem])
    print_rejections(summary, rejects)
    state = "confirmed" if confirmed else "awaiting confirmation"
    console.print(
        f"Imported {file.name}: {summary.rows:,} rows; {summary.recorded:,} figures recorded ({state}), {summary.rejected:,} rejected.", highlight=False
    )
