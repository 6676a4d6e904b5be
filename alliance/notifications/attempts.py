"""What one delivery attempt can end in, and what follows from it: retry later with exponential
backoff, or give up (dead) after too many attempts or a refusal that will not change. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from alliance.notifications.vocabulary import OutboxStatus

ERROR_LENGTH = 2000  # the start of an error is what says what went wrong


@dataclass(frozen=True)
class Delivered:
    message_id: int
    to_address: str
    subject: str
    logged: bool = False  # rendered and kept for the mail log: no SMTP server is configured


@dataclass(frozen=True)
class Failed:
    message_id: int
    error: str
    # A refusal another attempt cannot change (an SMTP 5xx, a deactivated recipient): dead at once.
    permanent: bool = False


Outcome = Delivered | Failed


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: timedelta = timedelta(minutes=1)
    longest_delay: timedelta = timedelta(hours=6)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        if self.first_delay <= timedelta(0) or self.longest_delay < self.first_delay:
            raise ValueError("delays must be positive, the longest at least the first")

    def delay(self, attempts: int) -> timedelta:
        """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 ... first delays, capped."""
        if attempts < 1:
            raise ValueError("a delay follows at least one attempt")
        delay = self.first_delay
        for _ in range(attempts - 1):
            if delay >= self.longest_delay:
                break  # doubling on would overflow timedelta long before attempts run out
            delay *= 2
        return min(delay, self.longest_delay)


@dataclass(frozen=True)
class AfterFailure:
    status: OutboxStatus  # RETRYING or DEAD
    next_attempt_at: datetime


def after_failure(policy: RetryPolicy, *, attempts: int, permanent: bool, now: datetime) -> AfterFailure:
    """`attempts` counts the one that just failed."""
    if permanent or attempts >= policy.max_attempts:
        return AfterFailure(OutboxStatus.DEAD, now)
    return AfterFailure(OutboxStatus.RETRYING, now + policy.delay(attempts))


def short_error(error: str) -> str:
    return error if len(error) <= ERROR_LENGTH else error[: ERROR_LENGTH - 1] + "…"
