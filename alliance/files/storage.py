"""Where file contents live: blobs named by their SHA-256 (the same content is kept once however
often it is uploaded), written whole or not at all. The local store is a directory where a blob
appears under its name only by an atomic rename of a complete file; the S3 store (files/s3.py)
keeps them as objects in a bucket. Rows in `stored_files` say who uploaded what; a blob never
changes, so a row may point at it for as long as it exists."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from alliance.config import Settings

CHUNK = 256 * 1024


class TooLarge(ValueError):
    pass


@dataclass(frozen=True)
class Incoming:
    """An upload read to the end: where it waits (a temporary file or object), its digest, size
    and first bytes."""

    location: str
    sha256: str
    size: int
    head: bytes


class Tally:
    """What passes through an upload: hashed, counted, its first bytes kept; TooLarge past the limit."""

    def __init__(self, *, max_bytes: int, head_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.head_bytes = head_bytes
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""

    def read(self, source: BinaryIO, size: int = CHUNK) -> bytes:
        """The next chunk of `source`, at most `size` bytes (empty at its end), tallied."""
        chunk = source.read(size)
        self.size += len(chunk)
        if self.size > self.max_bytes:
            raise TooLarge(f"larger than {self.max_bytes:,} bytes")
        if len(self.head) < self.head_bytes:
            self.head += chunk[: self.head_bytes - len(self.head)]
        self.digest.update(chunk)
        return chunk

    def incoming(self, location: str) -> Incoming:
        return Incoming(location=location, sha256=self.digest.hexdigest(), size=self.size, head=self.head)


class BlobStore(Protocol):
    """What the file service needs of a store; LocalBlobStore and s3.S3BlobStore provide it."""

    def receive(self, source: BinaryIO, *, max_bytes: int, head_bytes: int) -> AbstractContextManager[Incoming]: ...

    def keep(self, incoming: Incoming) -> None: ...

    def open(self, sha256: str) -> BinaryIO: ...

    def exists(self, sha256: str) -> bool: ...

    def download_url(self, sha256: str, *, filename: str, content_type: str, disposition: str) -> str | None:
        """A short-lived URL the client may fetch the blob from directly, or None: stream it."""


class LocalBlobStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.incoming = root / ".incoming"

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    @contextmanager
    def receive(self, source: BinaryIO, *, max_bytes: int, head_bytes: int) -> Iterator[Incoming]:
        """Copy `source` to a temporary file beside the blobs, hashing as it goes; TooLarge past
        `max_bytes` (nothing is kept). The temporary file is gone when the block ends, kept or not."""
        self.incoming.mkdir(parents=True, exist_ok=True)
        tally = Tally(max_bytes=max_bytes, head_bytes=head_bytes)
        handle, name = tempfile.mkstemp(dir=self.incoming, prefix="upload-")
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := tally.read(source):
                    out.write(chunk)
            yield tally.incoming(name)
        finally:
            path.unlink(missing_ok=True)

    def keep(self, incoming: Incoming) -> None:
        """Store the received file under its digest (nothing to do when that content is stored)."""
        target = self.path(incoming.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming.location, target)  # atomic: readers see the whole blob or none

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def download_url(self, sha256: str, *, filename: str, content_type: str, disposition: str) -> str | None:
        return None  # a local blob is only ever streamed through the application


def chunks(handle: BinaryIO) -> Iterator[bytes]:
    """A stored file read a chunk at a time (downloads stream; memory stays bounded)."""
    with handle:
        while chunk := handle.read(CHUNK):
            yield chunk


class ChecksumMismatch(RuntimeError):
    """A stored blob no longer has the digest it was stored under (disk corruption, tampering)."""


def verified_chunks(handle: BinaryIO, sha256: str) -> Iterator[bytes]:
    """The blob a chunk at a time, hashed on the way; the last chunk is held back until the whole
    digest is checked, so a corrupted blob never reaches the reader complete: the stream stops
    short of its Content-Length (the client sees a failed download) and ChecksumMismatch is raised."""
    digest = hashlib.sha256()
    with handle:
        held: bytes | None = None
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            if held is not None:
                yield held
            held = chunk
        if digest.hexdigest() != sha256:
            raise ChecksumMismatch(f"blob {sha256} is corrupted: its content hashes to {digest.hexdigest()}")
        if held is not None:
            yield held


def store_for(settings: Settings) -> BlobStore:
    """The configured store (ALLIANCE_FILE_STORE): the local directory, or an S3 bucket whose
    client is made once per configuration (boto3 clients are thread-safe and slow to make)."""
    if settings.file_store == "s3":
        return _s3_store(
            settings.file_store_s3_bucket,
            settings.file_store_s3_prefix,
            settings.file_store_s3_endpoint_url,
            settings.file_store_s3_region,
            settings.file_store_s3_path_style,
            settings.file_store_s3_presign_seconds if settings.file_store_s3_presigned_downloads else None,
        )
    return LocalBlobStore(settings.file_store_dir)


@lru_cache(maxsize=8)
def _s3_store(bucket: str, prefix: str, endpoint_url: str, region: str, path_style: bool, presign_seconds: int | None) -> BlobStore:
    from alliance.files.s3 import S3BlobStore  # boto3 is imported only where S3 is configured

    return S3BlobStore(bucket=bucket, prefix=prefix, endpoint_url=endpoint_url, region=region, path_style=path_style, presign_seconds=presign_seconds)
