"""The file routes on the S3 store (moto in server mode): what a partner uploads is an object under
its digest, downloads stream verified or, when configured, redirect to a short-lived presigned URL
only after the reader is authorized."""

from __future__ import annotations

import hashlib
import urllib.request
import uuid
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from alliance.files.storage import ChecksumMismatch
from tests.api.files.test_files_api import PDF, rows, upload
from tests.s3_server import S3Target


def _on_s3(app, s3_server: S3Target, *, presigned: bool) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app's files in the S3 bucket under a fresh prefix."""
    prefix = f"{uuid.uuid4().hex}/"
    original = app.state.settings
    app.state.settings = original.model_copy(update=s3_server.settings(prefix, presigned=presigned))
    yield prefix
    app.state.settings = original


@pytest.fixture
def on_s3(app, s3_server: S3Target) -> Iterator[str]:  # type: ignore[no-untyped-def]
    yield from _on_s3(app, s3_server, presigned=False)


@pytest.fixture
def on_s3_presigned(app, s3_server: S3Target) -> Iterator[str]:  # type: ignore[no-untyped-def]
    yield from _on_s3(app, s3_server, presigned=True)


def test_uploads_are_objects_read_back_verified_and_refusals_keep_nothing(client, world, s3_server, on_s3):
    assert upload(client, world, "a_user", b"<html></html>", "page.html").status_code == 422
    assert s3_server.keys(on_s3) == [] and rows(world) == 0
    body = upload(client, world, "a_user").json()
    digest = hashlib.sha256(PDF).hexdigest()
    assert s3_server.keys(on_s3) == [f"{on_s3}blobs/{digest[:2]}/{digest}"]
    download = client.get(f"/api/v1/files/{body['id']}/content", headers=world.headers("a_admin"))
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"] == "attachment; filename*=UTF-8''invoice.pdf"
    s3_server.client().put_object(Bucket=s3_server.bucket, Key=f"{on_s3}blobs/{digest[:2]}/{digest}", Body=PDF[:-1] + b"!")
    with pytest.raises(ChecksumMismatch):
        client.get(f"/api/v1/files/{body['id']}/content", headers=world.headers("a_admin"))


def test_presigned_downloads_are_given_only_to_the_authorized_and_expire_soon(client, world, on_s3_presigned):
    file_id = upload(client, world, "a_user").json()["id"]
    assert client.get(f"/api/v1/files/{file_id}/content", headers=world.headers("b_user")).status_code == 404
    answer = client.get(f"/api/v1/files/{file_id}/content", headers=world.headers("a_admin"), follow_redirects=False)
    assert answer.status_code == 307 and answer.headers["cache-control"] == "private, no-store"
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["X-Amz-Expires"] == ["60"] and query["response-content-disposition"] == ["attachment; filename*=UTF-8''invoice.pdf"]
    with urllib.request.urlopen(answer.headers["location"], timeout=10) as fetched:
        assert fetched.read() == PDF and fetched.headers["Content-Disposition"] == "attachment; filename*=UTF-8''invoice.pdf"
