"""Backups of the whole database, online: SQLite's backup API (a consistent copy while the app
runs), PostgreSQL's pg_dump/pg_restore (custom format). A restore replaces what the target holds;
afterwards `alliance audit verify` passes and every export reads as it did when the backup was
taken. Uploaded files (the file store's blobs) are copied beside the database's backup, into
`<backup>.files/`, and restored from there: a database restored without its files would point at
content that is not there."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url


class BackupFailed(RuntimeError):
    pass


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def backup(url: str, target: Path) -> None:
    """Write a consistent copy of the database at `url` to `target` (replaced if it exists)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if is_sqlite(url):
        partial = target.with_name(target.name + ".partial")
        with _sqlite(url) as source, sqlite3.connect(partial) as copy:
            source.backup(copy)
        partial.replace(target)  # a crash mid-backup never leaves a truncated file under the name
        return
    _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", _libpq(url))


def restore(url: str, source: Path) -> None:
    """Replace the database at `url` with the backup in `source`, in one transaction."""
    if not source.is_file():
        raise BackupFailed(f"No backup at {source}.")
    if is_sqlite(url):
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as backup_copy:
            try:
                intact = backup_copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            except sqlite3.DatabaseError:
                intact = False
            if not intact:
                raise BackupFailed(f"{source} is not an intact SQLite database.")
            with _sqlite(url) as target:
                backup_copy.backup(target)
        return
    _run(
        "pg_restore",
        "--clean",
        "--if-exists",
        "--no-owner",
        "--no-privileges",
        "--single-transaction",
        "--exit-on-error",
        f"--dbname={_libpq(url)}",
        str(source),
    )


def files_beside(target: Path) -> Path:
    """Where the backup at `target` keeps the file store's blobs."""
    return target.with_name(target.name + ".files")


def backup_files(store_dir: Path, target: Path) -> int:
    """Copy the file store's blobs to `files_beside(target)` (replacing an older copy there); how
    many. Blobs never change once written, so a copy taken while uploads continue holds every blob
    of every committed upload the database backup (taken first) knows of."""
    destination = files_beside(target)
    partial = destination.with_name(destination.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    copied = 0
    if store_dir.is_dir():
        for blob in _blobs(store_dir):
            relative = blob.relative_to(store_dir)
            (partial / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(blob, partial / relative)
            copied += 1
    shutil.rmtree(destination, ignore_errors=True)
    partial.rename(destination)
    return copied


def restore_files(source: Path, store_dir: Path) -> int:
    """Make the file store hold exactly the blobs backed up beside `source`; how many. A backup
    without files (taken before uploads existed) leaves an empty store."""
    backed_up = files_beside(source)
    staging = store_dir.with_name(store_dir.name + ".restoring")
    shutil.rmtree(staging, ignore_errors=True)
    if backed_up.is_dir():
        shutil.copytree(backed_up, staging)
    else:
        staging.mkdir(parents=True)
    previous = store_dir.with_name(store_dir.name + ".before-restore")
    shutil.rmtree(previous, ignore_errors=True)
    if store_dir.exists():
        store_dir.rename(previous)
    staging.rename(store_dir)
    shutil.rmtree(previous, ignore_errors=True)
    return sum(1 for _ in _blobs(store_dir))


def _blobs(store_dir: Path) -> list[Path]:
    """Stored blobs, not uploads still arriving (`.incoming`)."""
    return [path for path in store_dir.rglob("*") if path.is_file() and not path.relative_to(store_dir).parts[0].startswith(".")]


def _sqlite(url: str) -> sqlite3.Connection:
    path = make_url(url).database
    if not path or path == ":memory:":
        raise BackupFailed("An in-memory SQLite database has nothing to back up or restore into.")
    return sqlite3.connect(path)


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as a libpq connection URI (no +driver)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _run(program: str, *args: str) -> None:
    if shutil.which(program) is None:
        raise BackupFailed(f"{program} is not installed (Debian: apt-get install postgresql-client).")
    finished = subprocess.run([program, *args], capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        raise BackupFailed(f"{program} failed: {finished.stderr.strip()[-2000:]}")
