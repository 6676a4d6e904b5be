from __future__ import annotations

from typing import Annotated

import typer

from alliance.cli.context import console, current_database, database
from alliance.config import get_settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL deployments)")] = 1,
    outbox_worker: Annotated[
        bool | None,
        typer.Option("--worker/--no-worker", help="Deliver e-mail from a thread of this process [default: on for SQLite, off for PostgreSQL]"),
    ] = None,
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the web portal."""
    current_database().dispose()  # refuses (exit 1) a schema that is not current
    run_server(host, port, workers, outbox_worker=outbox_worker)


def run_server(host: str, port: int, workers: int = 1, *, outbox_worker: bool | None = None) -> None:
    import uvicorn

    from alliance.delivery.worker import start_thread

    settings = get_settings()
    db = database()
    if outbox_worker is None:
        outbox_worker = settings.serve_worker if settings.serve_worker is not None else db.is_sqlite
    running = start_thread(db, settings) if outbox_worker else None
    if running:
        console.print(
            f"Delivering e-mail from this process ({'SMTP ' + settings.smtp_host if settings.smtp_host else 'to the mail log: no SMTP host'}).", highlight=False
        )
    try:
        # log_config=None: uvicorn keeps its hands off logging; create_app configures it in each worker.
        # timeout_worker_healthcheck: uvicorn's supervisor pings each worker every half second and
        # kills one that does not answer within it (5 s by default). A new worker answers only once
        # its interpreter has started and imported uvicorn, which took longer than 5 s on a busy
        # machine: every worker was killed and respawned during start-up ("Child process died").
        uvicorn.run(
            "alliance.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_config=None,
            proxy_headers=True,
            timeout_worker_healthcheck=settings.worker_healthcheck_seconds,
        )
    finally:
        if running:
            worker, thread = running
            worker.stop.set()
            thread.join(timeout=30)
        db.dispose()
