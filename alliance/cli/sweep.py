"""`alliance sweep`: materialise what time changes (expired protections ...), idempotent, for cron."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep() -> None:
        """Materialise time-based state changes. Safe to run repeatedly (e.g. from cron)."""
