"""The file store's contract, the same tests for each backend: the local directory and an S3 bucket
on a real S3-compatible server (moto in server mode). Blobs are kept whole under their digest or
not at all; refused uploads leave nothing behind; a corrupted blob is detected on read and never
served whole; uploads and downloads stream."""

from __future__ import annotations

import functools
import hashlib
import io
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from alliance.files import kinds
from alliance.files.s3 import PART_BYTES, S3BlobStore
from alliance.files.storage import CHUNK, BlobStore, ChecksumMismatch, LocalBlobStore, TooLarge, verified_chunks
from tests.s3_server import S3Target

PDF = b"%PDF-1.7\n" + b"a reference architecture " * 400


class Backend:
    """A store under test and what a test needs to look behind it."""

    def __init__(self, store: BlobStore, *, leftovers: Callable[[], list[str]], corrupt: Callable[[str, bytes], None]) -> None:
        self.store = store
        self.leftovers = leftovers  # temporary files or objects, unfinished multipart uploads
        self.corrupt = corrupt  # replace a kept blob's bytes behind the store's back


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "local":
        local = LocalBlobStore(tmp_path)
        return Backend(
            local,
            leftovers=lambda: [p.name for p in local.incoming.iterdir()] if local.incoming.exists() else [],
            corrupt=lambda sha256, content: local.path(sha256).write_bytes(content),
        )
    target: S3Target = request.getfixturevalue("s3_server")
    prefix = f"{uuid.uuid4().hex}/"
    store = S3BlobStore(bucket=target.bucket, prefix=prefix, client=_client(target))
    return Backend(
        store,
        leftovers=lambda: target.keys(prefix + "incoming/") + target.open_uploads(prefix),
        corrupt=lambda sha256, content: _client(target).put_object(Bucket=target.bucket, Key=f"{prefix}blobs/{sha256[:2]}/{sha256}", Body=content),
    )


@functools.cache
def _client(target: S3Target) -> Any:
    # One client for every test (making one costs more than most of these tests).
    return target.client()


def keep(store: BlobStore, source: BinaryIO, *, max_bytes: int = 10**9) -> str:
    with store.receive(source, max_bytes=max_bytes, head_bytes=kinds.SNIFF_BYTES) as incoming:
        store.keep(incoming)
    return incoming.sha256


def read(store: BlobStore, sha256: str) -> bytes:
    return b"".join(verified_chunks(store.open(sha256), sha256))


def test_a_blob_is_kept_under_its_digest_and_read_back(backend: Backend) -> None:
    with backend.store.receive(io.BytesIO(PDF), max_bytes=10**6, head_bytes=16) as incoming:
        assert (incoming.sha256, incoming.size, incoming.head) == (hashlib.sha256(PDF).hexdigest(), len(PDF), PDF[:16])
        assert not backend.store.exists(incoming.sha256)  # not before it is kept
        backend.store.keep(incoming)
    assert backend.store.exists(incoming.sha256) and read(backend.store, incoming.sha256) == PDF
    assert backend.leftovers() == []
    assert keep(backend.store, io.BytesIO(PDF)) == incoming.sha256  # the same content again: the same blob
    assert not backend.store.exists(hashlib.sha256(b"other").hexdigest())


def test_too_large_is_refused_and_nothing_is_left(backend: Backend) -> None:
    big = b"%PDF-1.7\n" + b"x" * (PART_BYTES + CHUNK)  # past one S3 part: a multipart upload was under way
    with pytest.raises(TooLarge, match="larger than"):
        keep(backend.store, io.BytesIO(big), max_bytes=PART_BYTES + 1)
    assert not backend.store.exists(hashlib.sha256(big).hexdigest()) and backend.leftovers() == []


def test_a_refused_kind_is_not_kept(backend: Backend) -> None:
    page = b"<html><script>alert(1)</script></html>"

    def upload() -> None:  # as files.service.upload does: the kind is decided before keeping
        with backend.store.receive(io.BytesIO(page), max_bytes=10**6, head_bytes=kinds.SNIFF_BYTES) as incoming:
            kinds.content_type("page.txt", incoming.head)
            backend.store.keep(incoming)

    with pytest.raises(kinds.RefusedFile):
        upload()
    assert not backend.store.exists(hashlib.sha256(page).hexdigest()) and backend.leftovers() == []


def test_a_corrupted_blob_is_detected_and_never_served_whole(backend: Backend) -> None:
    content = b"%PDF-1.7\n" + bytes(range(256)) * (3 * CHUNK // 256)
    sha256 = keep(backend.store, io.BytesIO(content))
    backend.corrupt(sha256, content[:-1] + b"!")
    served = bytearray()

    def download() -> None:
        for chunk in verified_chunks(backend.store.open(sha256), sha256):
            served.extend(chunk)

    with pytest.raises(ChecksumMismatch, match="corrupted"):
        download()
    assert len(served) < len(content)


class _Generated(io.RawIOBase):
    """`size` bytes made up as they are read (never held whole); records the largest read asked."""

    def __init__(self, size: int) -> None:
        self.left = size
        self.largest_read = 0
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.largest_read = max(self.largest_read, size)
        chunk = (b"%PDF-1.7\n" + b"s" * CHUNK)[: min(size, self.left)]
        self.left -= len(chunk)
        self.digest.update(chunk)
        return chunk


def _peak(action: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_uploads_and_downloads_stream(backend: Backend) -> None:
    size = 2 * PART_BYTES + 12345  # three S3 parts
    source = _Generated(size)
    sha256s: list[str] = []
    upload_peak = _peak(lambda: sha256s.append(keep(backend.store, source)))
    assert sha256s == [source.digest.hexdigest()] and source.largest_read <= CHUNK

    def download() -> None:
        total = 0
        for chunk in verified_chunks(backend.store.open(sha256s[0]), sha256s[0]):
            assert len(chunk) <= CHUNK
            total += len(chunk)
        assert total == size

    download_peak = _peak(download)
    # At most one S3 part (and botocore's copy of it) in memory, whatever the file's size.
    print(upload_peak, download_peak)
    assert upload_peak < 3 * PART_BYTES and download_peak < 4 * CHUNK, (upload_peak, download_peak)
