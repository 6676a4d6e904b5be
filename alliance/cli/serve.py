from __future__ import annotations

from typing import Annotated

import typer

from alliance.cli.context import current_database
from alliance.config import get_settings


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes (PostgreSQL deployments)")] = 1,
) -> None:
    """Serve the API (/api/v1, docs at /api/docs) and the web portal."""
    current_database().dispose()  # refuses (exit 1) a schema that is not current
    run_server(host, port, workers)


def run_server(host: str, port: int, workers: int = 1) -> None:
    import uvicorn

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
        timeout_worker_healthcheck=get_settings().worker_healthcheck_seconds,
    )
