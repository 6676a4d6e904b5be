"""Where file contents live: a directory of blobs named by their SHA-256 (the same content is kept
once however often it is uploaded), written whole or not at all — a blob appears under its name
only by an atomic rename of a complete file. Rows in `stored_files` say who uploaded what; a blob
never changes, so a row may point at it for as long as it exists."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

CHUNK = 256 * 1024


class TooLarge(ValueError):
    pass


@dataclass(frozen=True)
class Incoming:
    """An upload read to the end: where it waits, its digest, size and first bytes."""

    path: Path
    sha256: str
    size: int
    head: bytes


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
        digest = hashlib.sha256()
        size = 0
        head = b""
        handle, name = tempfile.mkstemp(dir=self.incoming, prefix="upload-")
        path = Path(name)
        try:
            with os.fdopen(handle, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(f"larger than {max_bytes:,} bytes")
                    if len(head) < head_bytes:
                        head += chunk[: head_bytes - len(head)]
                    digest.update(chunk)
                    out.write(chunk)
            yield Incoming(path=path, sha256=digest.hexdigest(), size=size, head=head)
        finally:
            path.unlink(missing_ok=True)

    def keep(self, incoming: Incoming) -> None:
        """Store the received file under its digest (nothing to do when that content is stored)."""
        target = self.path(incoming.sha256)
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(incoming.path, target)  # atomic: readers see the whole blob or none

    def open(self, sha256: str) -> BinaryIO:
        return self.path(sha256).open("rb")

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()


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
