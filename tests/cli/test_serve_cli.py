"""`alliance serve --workers N` gives each worker time to start on a busy machine."""

from __future__ import annotations

from typing import Any

import pytest

from alliance.cli import serve
from alliance.config import get_settings


def test_workers_are_not_replaced_while_they_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """uvicorn kills a worker that does not answer its supervisor's ping within
    timeout_worker_healthcheck (5 s by default); a worker spawned on a busy machine took 15 s to
    answer, so every worker was killed and respawned during start-up ("Child process died")."""
    import uvicorn

    seen: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: seen.update(kwargs))
    monkeypatch.setenv("ALLIANCE_WORKER_HEALTHCHECK_SECONDS", "90")
    get_settings.cache_clear()
    try:
        serve.run_server("127.0.0.1", 8000, workers=2, outbox_worker=False)
    finally:
        get_settings.cache_clear()
    assert seen["workers"] == 2 and seen["timeout_worker_healthcheck"] == 90


def test_the_default_is_well_above_the_start_up_time_measured() -> None:
    from alliance.config import Settings

    assert Settings(database_url="sqlite://").worker_healthcheck_seconds == 60
