"""What every command shares: the database from settings, the operator actor, error exit."""

from __future__ import annotations

import csv
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, BinaryIO, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn
from rich.table import Table
from sqlalchemy.orm import Session

from alliance import migrate
from alliance.config import get_settings
from alliance.db import Database
from alliance.errors import AllianceError
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters

T = TypeVar("T")

# The arguments every file import takes.
ImportFile = Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV, UTF-8, header row first")]
RejectsFile = Annotated[Path | None, typer.Option("--rejects", dir_okay=False, help="Also write every rejected line to this CSV")]

console = Console()
err_console = Console(stderr=True)


def database() -> Database:
    settings = get_settings()
    return Database(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def operator() -> Actor:
    """CLI commands act as the operator who runs them on the server."""
    return Actor.system(label="cli")


@contextmanager
def unit_of_work(reason: str, db: Database | None = None) -> Iterator[Session]:
    db = db or database()
    try:
        with db.session_scope(PartnerScope.system(reason=reason)) as session:
            yield session
    except AllianceError as exc:
        fail(exc.message + "".join(f"\n  {d.get('field', '')}: {d.get('message', '')}" for d in exc.details))
    finally:
        db.dispose()


def fail(message: str) -> None:
    err_console.print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(1)


def read_stdin_secret() -> str:
    value = sys.stdin.readline().rstrip("\r\n")
    if not value:
        fail("expected the password on standard input")
    return value


def print_rejections(summary: Any, rejects: Path | None, *, shown: int = 20) -> None:
    """An import's first rejected lines, how many more there are, and the ignored columns."""
    for rejection in summary.rejections[:shown]:
        console.print(f"[yellow]rejected[/yellow] {rejection}", highlight=False)
    hidden = summary.rejected - min(summary.rejected, shown)
    if hidden:
        where = f"all are in {rejects}" if rejects else "--rejects FILE lists them all"
        console.print(f"… and {hidden:,} more rejected lines ({where}).")
    if summary.ignored_columns:
        console.print(f"Ignored unknown columns: {', '.join(summary.ignored_columns)}.", highlight=False)


def current_database() -> Database:
    """The configured database, refusing (exit 1) one whose schema is not current."""
    db = database()
    try:
        migrate.ensure_current(db.engine)
    except migrate.SchemaOutOfDate as exc:
        db.dispose()
        fail(str(exc))
    return db


def import_progress() -> Progress:
    """The progress bar of a file import: bytes read, rows, speed (quiet when not a terminal)."""
    return Progress(
        TextColumn("importing"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TextColumn("{task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )


@dataclass
class FileImport:
    """An import command's open file, session, progress bar and side files (see `file_import`)."""

    source: BinaryIO
    session: Session
    stack: ExitStack
    progress: Progress
    task: Any
    started: float

    def on_progress(self, done: int, rows: int) -> None:
        self.progress.update(self.task, completed=done, rows=rows)

    def csv_sink(self, path: Path | None, header: Sequence[str], row: Callable[[T], Sequence[object]]) -> Callable[[T], None] | None:
        """A callback writing each item as a CSV row to `path` (header first); None without a path."""
        if path is None:
            return None
        writer = csv.writer(self.stack.enter_context(path.open("w", encoding="utf-8", newline="")))
        writer.writerow(header)

        def write(item: T) -> None:
            writer.writerow(row(item))

        return write

    def seconds(self) -> float:
        return time.perf_counter() - self.started


@contextmanager
def file_import(file: Path, reason: str) -> Iterator[FileImport]:
    """Opens `file` and a unit of work against the current database, with a progress bar; the
    transaction commits when the block ends, and `seconds()` afterwards includes the commit."""
    db = current_database()
    progress = import_progress()
    task = progress.add_task("import", total=file.stat().st_size, rows=0)
    started = time.perf_counter()
    with ExitStack() as stack:
        source = stack.enter_context(file.open("rb"))
        stack.enter_context(progress)
        session = stack.enter_context(unit_of_work(reason, db))
        yield FileImport(source, session, stack, progress, task, started)


def partner_named(session: Session, actor: Actor, text: str) -> tuple[int, str]:
    """(id, display name) of the partner the operator named: its exact name (display or legal,
    any case), else the one partner whose name contains the text; anything else exits 1 with the
    candidates."""
    wanted = text.strip().lower()
    candidates = partner_service.list_partners(session, actor, filters=PartnerFilters(q=text.strip()), sort="name", page=PageRequest(limit=20)).items
    exact = [p for p in candidates if wanted in (p.display_name.lower(), p.legal_name.lower())]
    found = exact or list(candidates)
    if len(found) != 1:
        names = ", ".join(p.display_name for p in found[:10])
        fail(f"no partner named “{text}”" if not found else f"“{text}” names several partners: {names}")
    return found[0].id, found[0].display_name


def print_rows(title: str, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A list as a Rich table on a terminal; piped (scripts, tests), one tab-separated line per
    row with the header first, so that `cut` and `grep` read it."""
    if console.is_terminal:
        table = Table(*header, title=title)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    for row in (header, *rows):
        typer.echo("\t".join(row))
