from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alliance.notifications.attempts import ERROR_LENGTH, RetryPolicy, after_failure, short_error
from alliance.notifications.vocabulary import EVENTS, EventType, OutboxStatus

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class TestRetryPolicy:
    def test_delays_double_from_the_first(self) -> None:
        policy = RetryPolicy(max_attempts=8, first_delay=timedelta(minutes=1), longest_delay=timedelta(hours=6))
        assert [policy.delay(n) for n in range(1, 6)] == [timedelta(minutes=m) for m in (1, 2, 4, 8, 16)]

    def test_delays_stop_growing_at_the_longest(self) -> None:
        policy = RetryPolicy(first_delay=timedelta(minutes=1), longest_delay=timedelta(minutes=10))
        assert policy.delay(4) == timedelta(minutes=8)
        assert policy.delay(5) == policy.delay(500) == timedelta(minutes=10)

    @pytest.mark.parametrize(
        "kwargs", [{"max_attempts": 0}, {"first_delay": timedelta(0)}, {"first_delay": timedelta(minutes=5), "longest_delay": timedelta(minutes=1)}]
    )
    def test_nonsense_policies_are_refused(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValueError):
            RetryPolicy(**kwargs)  # type: ignore[arg-type]


class TestAfterFailure:
    def test_a_passing_failure_is_retried_after_the_backoff(self) -> None:
        then = after_failure(RetryPolicy(max_attempts=3), attempts=2, permanent=False, now=NOW)
        assert then.status == OutboxStatus.RETRYING and then.next_attempt_at == NOW + timedelta(minutes=2)

    def test_the_last_attempt_gives_up(self) -> None:
        assert after_failure(RetryPolicy(max_attempts=3), attempts=3, permanent=False, now=NOW).status == OutboxStatus.DEAD

    def test_a_refusal_that_will_not_change_gives_up_at_once(self) -> None:
        assert after_failure(RetryPolicy(max_attempts=3), attempts=1, permanent=True, now=NOW).status == OutboxStatus.DEAD


def test_long_errors_keep_their_start() -> None:
    error = "SMTP 451 " + "x" * 5000
    assert short_error(error).startswith("SMTP 451") and len(short_error(error)) == ERROR_LENGTH
    assert short_error("short") == "short"


def test_every_event_has_a_label_an_audience_and_a_template() -> None:
    from alliance.delivery.rendering import TEMPLATES_DIR

    for event in EventType:
        # Only a mandatory event may have no audience: nobody could choose it, so it must always go.
        assert EVENTS[event].label and (event.audience or event.mandatory)
        assert (TEMPLATES_DIR / "email" / f"{event.value}.j2").is_file(), event
