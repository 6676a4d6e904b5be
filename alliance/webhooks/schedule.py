"""When a failed delivery is tried again: after each failure the next wait of a fixed schedule (the
default, like Svix's, adds up to about 28 hours); when the schedule is spent the delivery fails and
its endpoint is disabled. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_SCHEDULE_SECONDS = (5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 10 * 3600)
EXCERPT_LENGTH = 2000


@dataclass(frozen=True)
class RetrySchedule:
    delays: tuple[timedelta, ...] = tuple(timedelta(seconds=s) for s in DEFAULT_SCHEDULE_SECONDS)

    def __post_init__(self) -> None:
        if any(delay <= timedelta(0) for delay in self.delays):
            raise ValueError("every wait must be positive")

    @classmethod
    def of_seconds(cls, seconds: tuple[float, ...]) -> RetrySchedule:
        return cls(tuple(timedelta(seconds=s) for s in seconds))

    @property
    def max_attempts(self) -> int:
        """The first attempt and one per wait."""
        return len(self.delays) + 1

    @property
    def total(self) -> timedelta:
        return sum(self.delays, timedelta(0))

    def next_attempt(self, *, attempts: int, now: datetime) -> datetime | None:
        """After the `attempts`-th attempt failed: when to try again, or None when it is the last."""
        if attempts < 1:
            raise ValueError("a retry follows at least one attempt")
        if attempts > len(self.delays):
            return None
        return now + self.delays[attempts - 1]


def excerpt(text: str, length: int = EXCERPT_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


@dataclass(frozen=True)
class Attempt:
    """What one POST of a delivery ended in (the transport builds it; the worker records it)."""

    delivery_id: int
    request_headers: str  # as sent, signature included (the secret is not in them)
    duration_ms: int = 0
    response_status: int | None = None
    response_excerpt: str | None = None
    error: str | None = None  # no answer: refused address, timeout, connection refused ...

    @property
    def ok(self) -> bool:
        return self.error is None and self.response_status is not None and 200 <= self.response_status < 300

    @property
    def failure(self) -> str:
        """Why it failed, in a line for the log."""
        return self.error or f"HTTP {self.response_status}"
