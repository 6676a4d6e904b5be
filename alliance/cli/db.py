from __future__ import annotations

import typer

from alliance import migrate
from alliance.cli.context import console, database, fail
from alliance.config import get_settings

app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Create the database or migrate it to the latest schema."""
    settings = get_settings()
    _ensure_sqlite_dir(settings.database_url)
    migrate.upgrade(settings.database_url)
    db = database()
    console.print(f"Database at revision [bold]{migrate.current_revision(db.engine)}[/bold] (head).")
    db.dispose()


@app.command("current")
def current() -> None:
    """Show the schema revision of the database and of this code."""
    db = database()
    console.print(f"database: {migrate.current_revision(db.engine) or 'empty'}   code: {migrate.head_revision()}")
    db.dispose()


@app.command("reseal-secrets")
def reseal_secrets() -> None:
    """Re-encrypt the stored secrets under the current ALLIANCE_SECRET_KEY (after a key rotation)."""
    from alliance.identity.models import TwoFactor
    from alliance.kit import encryption
    from alliance.sso.models import SsoConnection

    db = database()
    try:
        with db.engine.begin() as connection:
            done = 0
            for model, column in ((SsoConnection, "client_secret"), (TwoFactor, "secret")):
                done += encryption.reseal_column(connection, str(model.__tablename__), column)
    except encryption.SecretUnreadable as exc:
        fail(exc.message)
    finally:
        db.dispose()
    console.print(f"{done} secrets encrypted under the current key; ALLIANCE_OLD_SECRET_KEYS can be emptied.")


def _ensure_sqlite_dir(url: str) -> None:
    if url.startswith("sqlite:///"):
        from pathlib import Path

        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
