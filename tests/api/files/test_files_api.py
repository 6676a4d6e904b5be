"""POST /api/v1/files, GET /api/v1/files/{id}[/content]: uploads kept whole under their digest,
refused with the field named, read back only by their owner's side."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select

from alliance.audit.models import AuditEvent
from alliance.files.models import StoredFile
from alliance.files.storage import LocalBlobStore
from alliance.identity.scope import PartnerScope

PDF = b"%PDF-1.7\n" + b"proof of performance " * 200


def upload(client, world, who: str, content: bytes = PDF, name: str = "invoice.pdf", **form: Any):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/files", headers=world.headers(who), files={"file": (name, content, "application/octet-stream")}, data=form)


def rows(world) -> int:  # type: ignore[no-untyped-def]
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return int(session.scalar(select(func.count()).select_from(StoredFile)) or 0)


@pytest.fixture
def store(app) -> LocalBlobStore:  # type: ignore[no-untyped-def]
    return LocalBlobStore(app.state.settings.file_store_dir)


@pytest.fixture
def small_limit(app) -> Iterator[int]:  # type: ignore[no-untyped-def]
    original = app.state.settings
    app.state.settings = original.model_copy(update={"max_upload_bytes": 4096})
    yield 4096
    app.state.settings = original


def test_a_partner_uploads_and_reads_back_its_file(client, world, store):
    response = upload(client, world, "a_user", purpose="fund_claim")
    assert response.status_code == 201, response.text
    body = response.json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert (body["partner_id"], body["filename"], body["content_type"], body["size_bytes"], body["sha256"], body["purpose"]) == (
        world.a.id,
        "invoice.pdf",
        "application/pdf",
        len(PDF),
        digest,
        "fund_claim",
    )
    assert store.path(digest).read_bytes() == PDF
    download = client.get(f"/api/v1/files/{body['id']}/content", headers=world.headers("a_admin"))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''invoice.pdf"
    assert download.headers["x-content-type-options"] == "nosniff" and download.headers["content-security-policy"] == "sandbox"
    with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "file.uploaded")).one()
    assert (event.partner_id, event.after["sha256"]) == (world.a.id, digest)


def test_another_partner_gets_404_for_the_file_and_its_content(client, world):
    file_id = upload(client, world, "a_user").json()["id"]
    for path in (f"/api/v1/files/{file_id}", f"/api/v1/files/{file_id}/content", "/api/v1/files/999999"):
        response = client.get(path, headers=world.headers("b_user"))
        assert response.status_code == 404 and "not found" in response.json()["error"]["message"]


def test_a_partner_cannot_upload_for_another(client, world):
    assert upload(client, world, "a_admin", partner_id=str(world.b.id)).status_code == 404
    assert rows(world) == 0


def test_vendor_files_are_the_vendors_own_or_a_partners(client, world):
    own = upload(client, world, "admin", purpose="asset").json()
    assert own["partner_id"] is None
    assert client.get(f"/api/v1/files/{own['id']}", headers=world.headers("a_user")).status_code == 404  # only the library grants them
    on_behalf = upload(client, world, "cam", partner_id=str(world.a.id)).json()
    assert on_behalf["partner_id"] == world.a.id
    assert client.get(f"/api/v1/files/{on_behalf['id']}/content", headers=world.headers("a_user")).content == PDF
    assert upload(client, world, "cam", partner_id="999999").status_code == 404
    assert upload(client, world, "auditor").status_code == 403  # read-only roles upload nothing


def test_the_same_content_twice_is_one_blob_and_two_records(client, world, store):
    first, second = upload(client, world, "a_user").json(), upload(client, world, "a_admin", name="copy.pdf").json()
    assert first["sha256"] == second["sha256"] and first["id"] != second["id"]
    assert sum(1 for path in store.root.rglob("*") if path.is_file() and path.name == first["sha256"]) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("invoice.png", PDF, "the file is application/pdf but its name ends in .png"),
        ("page.html", b"<html></html>", "files ending in .html are not accepted"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_refused_files_name_the_field_and_keep_nothing(client, world, name, content, message):
    response = upload(client, world, "a_user", content, name)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert message in error["message"] or any(message in d["message"] for d in error["details"])
    assert [d["field"] for d in error["details"]] == ["file"]
    assert rows(world) == 0


def test_too_large_is_refused_and_nothing_is_kept(client, world, store, small_limit):
    big = b"%PDF-1.7\n" + b"x" * (small_limit + 1)
    response = upload(client, world, "a_user", big)
    assert response.status_code == 422 and "too large" in response.json()["error"]["message"]
    assert not store.exists(hashlib.sha256(big).hexdigest()) and rows(world) == 0
    assert not any(store.incoming.iterdir())  # the partial upload is gone too


def test_uploads_may_exceed_the_request_body_limit_of_other_requests(client, world, app):
    # 2 MB: over ALLIANCE_MAX_REQUEST_BYTES (JSON and forms), within ALLIANCE_MAX_UPLOAD_BYTES.
    content = b"%PDF-1.7\n" + b"y" * 2_000_000
    assert len(content) > app.state.settings.max_request_bytes
    response = upload(client, world, "a_user", content)
    assert response.status_code == 201 and response.json()["size_bytes"] == len(content)
    too_big_json = client.post("/api/v1/registrations", headers={**world.headers("a_user"), "content-type": "application/json"}, content=b" " * 1_100_000)
    assert too_big_json.status_code == 413
