"""What every file import shares: the batch-size rule, the rejection tally, timing and the
not-UTF-8 refusal. Each importer keeps only its own rows, checks and writes."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from alliance.errors import RuleViolation

R = TypeVar("R")

MAX_REPORTED = 1_000  # rejections kept in a summary; on_reject sees every one

Progress = Callable[[int, int], None]  # (bytes read, rows read) after each batch


class NotUtf8(Exception):
    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


def check_batch_size(batch_size: int) -> None:
    if batch_size < 1:
        raise RuleViolation("The batch size must be at least 1.", details=[{"field": "batch_size", "message": "must be 1 or more"}])


@dataclass
class ImportSummary(Generic[R]):
    """The counts every import reports; an importer's summary adds its own."""

    source: str
    rows: int = 0
    inserted: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[R] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    seconds: float = 0.0
    on_reject: Callable[[R], None] | None = field(default=None, repr=False, compare=False)
    started: float = field(default_factory=time.perf_counter, repr=False, compare=False)

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else 0.0

    def reject(self, rejection: R) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REPORTED:
            self.rejections.append(rejection)
        if self.on_reject:
            self.on_reject(rejection)

    def audited(self, **more: Any) -> dict[str, Any]:
        """The figures of the import's audit event: these, and the importer's own."""
        return {"file": self.source, "rows": self.rows, "inserted": self.inserted, "unchanged": self.unchanged, "rejected": self.rejected, **more}

    def stop_clock(self) -> None:
        self.seconds = time.perf_counter() - self.started


@contextmanager
def refusing_non_utf8(source_name: str, error: type[RuleViolation], advice: str = "") -> Iterator[None]:
    """Turns NotUtf8 from reading the file into `error`, naming the line: nothing is imported."""
    try:
        yield
    except NotUtf8 as exc:
        message = f"{source_name} is not UTF-8 text (an invalid byte on line {exc.line}); nothing was imported."
        raise error(f"{message} {advice}" if advice else message) from None
