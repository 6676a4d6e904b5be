"""The `alliance` command: thin Typer adapters over the same services the API and portal use."""

from __future__ import annotations

import typer

from alliance.cli import (
    assets,
    audit,
    backup,
    briefs,
    certifications,
    customers,
    db,
    demo,
    early_access,
    programs,
    qbr,
    scheduler,
    serve,
    sso,
    sweep,
    tiers,
    users,
    worker,
)
from alliance.config import get_settings
from alliance.logging_config import configure_logging

app = typer.Typer(help="Alliance partner program platform.", no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False)
app.add_typer(db.app, name="db")
app.add_typer(users.user_app, name="user")
app.add_typer(users.token_app, name="token")
app.add_typer(programs.app, name="program")
app.add_typer(audit.app, name="audit")
app.add_typer(customers.app, name="customers")
app.add_typer(certifications.app, name="certifications")
app.add_typer(tiers.app, name="tiers")
app.add_typer(assets.app, name="assets")
app.add_typer(briefs.app, name="briefs")
app.add_typer(early_access.app, name="early-access")
app.add_typer(qbr.app, name="qbr")
app.add_typer(sso.app, name="sso")
serve.register(app)
sweep.register(app)
scheduler.register(app)
demo.register(app)
backup.register(app)
worker.register(app)


@app.callback()
def _configure() -> None:
    configure_logging(get_settings().log_level)


def main() -> None:
    app()
