"""`alliance backup` and `alliance restore`: a round trip into an empty database leaves the audit
chain verifiable and every read and export byte-identical; a bad file is refused with a message."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from alliance import backup as backups
from alliance.app import create_app
from alliance.cli import app
from alliance.config import Settings
from alliance.db import Database
from tests.factories.cosell import build_cosell
from tests.factories.world import World

READS = (
    "/api/v1/partners",
    "/api/v1/registrations?limit=200",
    "/api/v1/resource-requests",
    "/api/v1/audit/events?limit=500",
    "/api/v1/audit/verify",
    "/api/v1/reports/contribution.csv",
    "/api/v1/reports/cosell.csv",
)


def reads(client: TestClient, world: World) -> dict[str, bytes]:
    found = {}
    for path in READS:
        response = client.get(path, headers=world.headers("admin"))
        assert response.status_code == 200, f"{path}: {response.text}"
        found[path] = response.content
    return found


def test_round_trip(cli_env, runner, client, db: Database, world: World, settings: Settings, fresh_database_url: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    build_cosell(db, world)
    before = reads(client, world)
    archive = tmp_path / "alliance.backup"
    result = runner.invoke(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert archive.stat().st_size > 0

    restored = Database(fresh_database_url)
    try:
        cli_settings = settings.model_copy(update={"database_url": fresh_database_url})
        backups.restore(fresh_database_url, archive)
        with TestClient(create_app(cli_settings, restored)) as restored_client:
            after = reads(restored_client, world)
            assert restored_client.get("/api/v1/audit/verify", headers=world.headers("admin")).json()["ok"] is True
    finally:
        restored.dispose()
    assert after == before


def test_restore_through_the_cli_replaces_the_database(cli_env, runner, client, db: Database, world: World, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    archive = tmp_path / "alliance.backup"
    assert runner.invoke(app, ["backup", str(archive)]).exit_code == 0
    before = client.get("/api/v1/partners", headers=world.headers("admin")).content
    response = client.patch(f"/api/v1/partners/{world.a.id}", headers=world.headers("admin"), json={"display_name": "Changed after the backup"})
    assert response.status_code == 200
    db.dispose()  # SQLite: nothing may hold the file while it is replaced; PostgreSQL: no open sessions
    result = runner.invoke(app, ["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/partners", headers=world.headers("admin")).content == before


def test_a_file_that_is_not_a_backup_is_refused(cli_env, runner, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"not a backup at all")
    result = runner.invoke(app, ["restore", str(junk), "--yes"])
    said = " ".join(result.output.split())  # the console wraps the message at its width (a long temporary path)
    assert result.exit_code == 1
    assert "not an intact SQLite database" in said or "pg_restore failed" in said
    missing = runner.invoke(app, ["restore", str(tmp_path / "missing.backup"), "--yes"])
    assert missing.exit_code == 1 and "No backup at" in missing.output


def test_uploaded_files_are_backed_up_and_restored_with_the_database(  # type: ignore[no-untyped-def]
    cli_env, runner, client, db: Database, world: World, settings: Settings, monkeypatch, tmp_path: Path
) -> None:
    from alliance.config import get_settings

    monkeypatch.setenv("ALLIANCE_FILE_STORE_DIR", str(settings.file_store_dir))
    get_settings.cache_clear()
    content = b"%PDF-1.7\n" + b"attendee list " * 100
    uploaded = client.post("/api/v1/files", headers=world.headers("a_user"), files={"file": ("attendees.pdf", content, "application/pdf")}).json()
    archive = tmp_path / "alliance.backup"
    result = runner.invoke(app, ["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "stored files to" in " ".join(result.output.split())
    blob = settings.file_store_dir / uploaded["sha256"][:2] / uploaded["sha256"][2:4] / uploaded["sha256"]
    assert (backups.files_beside(archive) / blob.relative_to(settings.file_store_dir)).read_bytes() == content

    blob.unlink()  # the store loses the file after the backup
    assert client.get(f"/api/v1/files/{uploaded['id']}/content", headers=world.headers("a_user")).status_code == 404
    db.dispose()
    restored = runner.invoke(app, ["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert client.get(f"/api/v1/files/{uploaded['id']}/content", headers=world.headers("a_user")).content == content
