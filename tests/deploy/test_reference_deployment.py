"""deploy/run.sh starts the reference set-up — nginx in front of the app processes, the outbox
worker and the scheduler — against the test database; a deal is registered through nginx; stop
leaves no process behind. PostgreSQL: two app processes behind nginx; SQLite: the one-process
set-up (a single app process, whose thread delivers the outbox), still behind nginx."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from sqlalchemy import text

from alliance.db import Database
from tests.factories.world import World, deal_input

ROOT = Path(__file__).resolve().parents[2]
RUN = ROOT / "deploy" / "run.sh"


def free_port_block(size: int) -> int:
    """A port P with P..P+size free on loopback (nginx on P, the apps above it)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + size >= 65535:
            continue
        try:
            for port in range(base, base + size + 1):
                with socket.socket() as other:
                    other.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free block of loopback ports")


@pytest.fixture
def deployment(db: Database, database_url: str, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    if shutil.which("nginx") is None and not Path("/usr/sbin/nginx").exists():
        pytest.fail("nginx is not installed: the reference deployment needs Debian's nginx (apt-get install nginx; .ci/run installs it)")
    port = free_port_block(3)
    environment = {
        **os.environ,
        "ALLIANCE_DATABASE_URL": database_url,
        "ALLIANCE_SECRET_KEY": "deploy-test-secret-" + "x" * 32,
        "PYTHON": sys.executable,
        "PYTHONPATH": str(ROOT),
        "DEPLOY_PORT": str(port),
        "DEPLOY_APPS": "2",
        "DEPLOY_MIGRATE": "0",  # the test database is migrated already
        "DEPLOY_START_TIMEOUT": "90",
    }
    directory = tmp_path / "run"
    output = tmp_path / "run.sh.log"  # a file, not a pipe: the processes started keep their copy open
    try:
        with output.open("w") as sink:
            started = subprocess.run(["bash", str(RUN), "start", str(directory)], env=environment, stdout=sink, stderr=subprocess.STDOUT, timeout=150)
        assert started.returncode == 0, output.read_text()
        yield f"http://127.0.0.1:{port}", directory
    finally:
        # Idempotent: the test stops it itself; this is for a failure half-way.
        subprocess.run(["bash", str(RUN), "stop", str(directory)], env=environment, stdout=subprocess.DEVNULL, timeout=60, check=True)


def test_reference_deployment_serves_through_nginx_and_stops_cleanly(db: Database, world: World, deployment: tuple[str, Path]) -> None:
    base, directory = deployment
    pids = [int(line) for line in (directory / "pids").read_text().split()]
    # PostgreSQL: 2 apps + worker + scheduler + nginx; SQLite: 1 app (worker thread) + scheduler + nginx.
    assert len(pids) == (3 if db.is_sqlite else 5)
    assert "least_conn" in (directory / "nginx.conf").read_text()

    with httpx.Client(base_url=base, timeout=30) as client:
        ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "ready"
        world.registrations()  # the product-line catalog
        created = client.post(
            "/api/v1/registrations", headers=world.headers("a_user"), json=deal_input("Through nginx", "Deployed Analytics Corp", submit=True)
        )
        assert created.status_code == 201, created.text
        registration_id = created.json()["id"]
        assert client.get(f"/api/v1/registrations/{registration_id}", headers=world.headers("a_user")).json()["title"] == "Through nginx"

    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM registrations WHERE title = 'Through nginx'")).scalar_one() == 1

    # The scheduler swept once at start (it took the lock: it is the only one).
    assert "took the sweep lock" in (directory / "logs" / "scheduler-1.log").read_text()

    # Stopping leaves nothing running and nothing listening.
    subprocess.run(["bash", str(RUN), "stop", str(directory)], check=True, timeout=60)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    with pytest.raises(httpx.TransportError):
        httpx.get(base + "/healthz", timeout=2)
