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
        """Copy the database while the app runs, and the uploaded files beside it (<target>.files/)."""
        settings = get_settings()
        try:
            backups.backup(settings.database_url, target)
        except backups.BackupFailed as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        files = backups.backup_files(settings.file_store_dir, target)
        console.print(f"Backed up to {target} ({target.stat().st_size:,} bytes) and {files:,} stored files to {backups.files_beside(target)}.")

    @app.command("restore")
    def restore(
        source: Path = typer.Argument(..., help="A file `alliance backup` wrote"),
        yes: bool = typer.Option(False, "--yes", help="Replace the current database without asking"),
    ) -> None:
        """Replace the database, and the uploaded files, with a backup (stop the app and workers first)."""
        settings = get_settings()
        url = settings.database_url
        if not yes and not typer.confirm(f"Replace everything in the database with {source}?"):
            raise typer.Exit(1)
        try:
            backups.restore(url, source)
        except backups.BackupFailed as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        files = backups.restore_files(source, settings.file_store_dir)
        db = database()
        revision = migrate.current_revision(db.engine)
        db.dispose()
        console.print(
            f"Restored {files:,} stored files and the database from {source}; schema at {revision} (this code expects {migrate.head_revision()}: run `alliance db upgrade` if older)."
        )
