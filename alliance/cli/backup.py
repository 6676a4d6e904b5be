"""`alliance backup` and `alliance restore`: the whole database, online."""

from __future__ import annotations

from pathlib import Path

import typer

from alliance import backup as backups
from alliance import migrate
from alliance.cli.context import console, database
from alliance.config import get_settings


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup(target: Path = typer.Argument(..., help="File to write (SQLite: a database file; PostgreSQL: a pg_dump custom-format archive)")) -> None:
        """Copy the database while the app runs."""
        url = get_settings().database_url
        try:
            backups.backup(url, target)
        except backups.BackupFailed as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        console.print(f"Backed up to {target} ({target.stat().st_size:,} bytes).")

    @app.command("restore")
    def restore(
        source: Path = typer.Argument(..., help="A file `alliance backup` wrote"),
        yes: bool = typer.Option(False, "--yes", help="Replace the current database without asking"),
    ) -> None:
        """Replace the database with a backup (stop the app and workers first)."""
        url = get_settings().database_url
        if not yes and not typer.confirm(f"Replace everything in the database with {source}?"):
            raise typer.Exit(1)
        try:
            backups.restore(url, source)
        except backups.BackupFailed as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        db = database()
        revision = migrate.current_revision(db.engine)
        db.dispose()
        console.print(f"Restored from {source}; schema at {revision} (this code expects {migrate.head_revision()}: run `alliance db upgrade` if older).")
