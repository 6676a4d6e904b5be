"""A CSV export cut into chunks of whole records, and each chunk turned into checked rows.

Preparing a row (decode, parse, validate, normalize the name, derive its keys) costs about as
much Python time as storing it, so a large import prepares chunks in worker processes while this
process writes: `Preparer(workers=N)`. With `workers=0` the same code runs in this process.
Chunks go out and come back in file order, at most a few in flight, so memory stays bounded.
Pure: no database.
"""

from __future__ import annotations

import csv
import gc
import io
import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any, BinaryIO, NamedTuple

from alliance.customers.records import RecordError, derive, parse_row
from alliance.kit.importing import NotUtf8


@dataclass(frozen=True, slots=True)
class Rejection:
    line: int
    external_id: str | None
    field: str
    message: str

    def __str__(self) -> str:
        who = f" (external_id {self.external_id})" if self.external_id else ""
        return f"line {self.line}{who}: {self.field}: {self.message}"


# A prepared row is a flat tuple, not a named tuple: rows cross from the worker processes, and
# unpickling a named tuple costs about five times as much as a plain one.
# (line, external_id, name, website, country, industry, employee_band,
#  name_key, name_compact, name_reversed, name_len, domain, blocking keys)
Row = tuple[Any, ...]
LINE, EXTERNAL_ID = 0, 1
FIELD_AT = {"name": 2, "website": 3, "country": 4, "industry": 5, "employee_band": 6}
NAME_KEY, DOMAIN, KEYS = 7, 11, 12
STORED = slice(1, 12)  # external_id .. domain: the customers columns, in batches.INSERT_COLUMNS order


class Chunk(NamedTuple):
    first_line: int
    data: bytes  # whole records: never ends inside a quoted field


class Prepared(NamedTuple):
    rows: list[Row]
    rejections: list[Rejection]


class ChunkReader:
    """Reads the header line, then chunks of about `lines` lines that end between records."""

    def __init__(self, source: BinaryIO, *, lines: int) -> None:
        self.source = source
        self.lines = max(1, lines)
        self.bytes_read = 0
        self.line = 0

    def header(self) -> str | None:
        raw = self.source.readline()
        if not raw:
            return None
        self.bytes_read += len(raw)
        self.line = 1
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotUtf8(1) from None
        return text.removeprefix("\ufeff")

    def chunks(self) -> Iterator[Chunk]:
        buffer: list[bytes] = []
        first = self.line + 1
        quotes = 0  # an odd count means the record goes on to the next line
        for raw in self.source:
            self.bytes_read += len(raw)
            self.line += 1
            buffer.append(raw)
            quotes += raw.count(b'"')
            if len(buffer) >= self.lines and quotes % 2 == 0:
                yield Chunk(first, b"".join(buffer))
                buffer, first, quotes = [], self.line + 1, 0
        if buffer:
            yield Chunk(first, b"".join(buffer))


def prepare_chunk(chunk: Chunk, columns: Sequence[str]) -> Prepared:
    """The chunk's good rows and its rejected lines (duplicates across chunks are the caller's)."""
    try:
        text = chunk.data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotUtf8(chunk.first_line + chunk.data.count(b"\n", 0, exc.start)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[Row] = []
    rejections: list[Rejection] = []
    offset = chunk.first_line - 1
    width = len(columns)
    while True:
        line = reader.line_num + 1 + offset
        try:
            fields = next(reader)
        except StopIteration:
            return Prepared(rows, rejections)
        except csv.Error as exc:
            rejections.append(Rejection(line, None, "row", f"cannot be read as CSV ({exc})"))
            continue
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue
        if len(fields) != width:
            rejections.append(Rejection(line, None, "row", f"has {len(fields)} fields; the header has {width}"))
            continue
        if any("\x00" in value for value in fields):
            rejections.append(Rejection(line, None, "row", "contains a NUL character"))
            continue
        raw = dict(zip(columns, fields, strict=True))  # unknown columns land on "" (ignored)
        try:
            record = parse_row(raw)
            derived = derive(record.name, record.website)
            rows.append((line, *record, *derived[:5], tuple(derived.keys)))
        except RecordError as exc:
            rejections.append(Rejection(line, (raw.get("external_id") or "").strip()[:64] or None, exc.field, exc.message))


class Preparer:
    """`map(chunks)` yields each chunk's Prepared in order, from `workers` processes (0: here)."""

    def __init__(self, columns: Sequence[str], *, workers: int = 0) -> None:
        self.columns = list(columns)
        self.workers = max(0, workers)
        self._pool: Any = None

    def __enter__(self) -> Preparer:
        if self.workers:
            # spawn, not fork: the workers must not inherit this process's database connections.
            self._pool = multiprocessing.get_context("spawn").Pool(self.workers, initializer=gc.disable)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._pool is not None:
            if exc is None:
                self._pool.close()
            else:
                self._pool.terminate()
            self._pool.join()

    def map(self, chunks: Iterator[Chunk]) -> Iterator[Prepared]:
        if self._pool is None:
            for chunk in chunks:
                yield prepare_chunk(chunk, self.columns)
            return
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(self._pool.apply_async(prepare_chunk, (chunk, self.columns)))
            if len(pending) > 2 * self.workers:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Around a bulk load: rows are tuples and dicts that reference counting frees as soon as a
    batch is written, while the cyclic collector, triggered by every few hundred allocations,
    would re-walk all the long-lived objects of the process over and over (about a fifth of an
    import's time). Restores the collector as it was."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
