"""`alliance worker`: deliver what the outbox holds (e-mail), until stopped or, with --once,
until nothing is due; `--stats` prints the outbox's figures instead."""

from __future__ import annotations

import json
import signal
import time
from typing import Annotated, Any

import typer
from rich.table import Table

from alliance.cli.context import console, current_database, operator
from alliance.config import get_settings
from alliance.delivery.webhooks import WebhookLane
from alliance.delivery.worker import Worker, WorkerOptions, transports_from_settings
from alliance.identity.scope import PartnerScope
from alliance.notifications import service as notification_service
from alliance.notifications.schemas import OutboxStats
from alliance.notifications.vocabulary import OutboxStatus


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    once: Annotated[bool, typer.Option("--once", help="Deliver until nothing is due, then exit")] = False,
    batch_size: Annotated[
        int | None, typer.Option("--batch-size", min=1, max=10_000, help="Messages claimed at once [default: ALLIANCE_WORKER_BATCH_SIZE]")
    ] = None,
    poll_seconds: Annotated[
        float | None, typer.Option("--poll-seconds", min=0.05, help="Pause when nothing is due [default: ALLIANCE_WORKER_POLL_SECONDS]")
    ] = None,
    stats: Annotated[bool, typer.Option("--stats", help="Print the outbox's figures and exit")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="With --stats: one JSON object")] = False,
) -> None:
    """Deliver queued e-mails and webhooks (several workers may run at once on PostgreSQL). Without an SMTP
    host (ALLIANCE_SMTP_HOST) messages are rendered and logged for the console's mail log."""
    settings = get_settings()
    db = current_database()
    try:
        if stats:
            with db.session_scope(PartnerScope.system(reason="cli worker stats"), write=False) as session:
                figures = notification_service.outbox_stats(session, operator())
            _print_stats(figures, as_json=as_json)
            return
        options = WorkerOptions.from_settings(settings, batch_size=batch_size, poll_seconds=poll_seconds)
        runner = Worker(db, transports_from_settings(settings), options, webhooks=WebhookLane.from_settings(db, settings))
        where = f"SMTP {settings.smtp_host}:{settings.smtp_port}" if settings.smtp_host else "the mail log (no SMTP host configured)"
        console.print(f"worker {runner.name}: delivering to {where}", highlight=False)
        for signum in (signal.SIGTERM, signal.SIGINT):
            # Finish the message in hand, store the outcomes, give the rest of the batch back.
            signal.signal(signum, lambda *_: runner.stop.set())
        started = time.perf_counter()
        tally = runner.drain() if once else runner.run()
        elapsed = time.perf_counter() - started
        rate = f" ({tally.handled / elapsed:,.0f}/s)" if tally.handled and elapsed > 0 else ""
        console.print(f"{tally.summary()} in {elapsed:.1f} s{rate}", highlight=False)
    finally:
        db.dispose()


def _print_stats(figures: OutboxStats, *, as_json: bool) -> None:
    if as_json:
        payload: dict[str, Any] = {status.value: figures.counts.get(status, 0) for status in OutboxStatus}
        payload["oldest_waiting_seconds"] = figures.oldest_waiting_seconds
        typer.echo(json.dumps(payload))
        return
    table = Table(title="Outbox", title_justify="left")
    table.add_column("status")
    table.add_column("messages", justify="right")
    for status in OutboxStatus:
        table.add_row(status.label, f"{figures.counts.get(status, 0):,}")
    console.print(table)
    age = figures.oldest_waiting_seconds
    console.print(
        "Oldest undelivered: " + ("none waiting" if age is None else f"waiting {age:,.0f} s (since {figures.oldest_waiting_since:%Y-%m-%d %H:%M:%S} UTC)")
    )
