from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alliance.identity.user_sessions import SessionEnd, SessionPolicy, describe_client, end_of, new_session_token, touch_due

POLICY = SessionPolicy(idle=timedelta(hours=8), lifetime=timedelta(days=14))
LOGIN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def ended(*, now: datetime, last_seen: datetime = LOGIN, revoked: SessionEnd | None = None) -> SessionEnd | None:
    return end_of(revoked_reason=revoked, expires_at=LOGIN + POLICY.lifetime, last_seen_at=last_seen, now=now, policy=POLICY)


class TestEndOf:
    def test_live_until_idle_for_the_idle_timeout(self):
        assert ended(now=LOGIN + timedelta(hours=8) - timedelta(seconds=1)) is None
        assert ended(now=LOGIN + timedelta(hours=8)) is SessionEnd.IDLE

    def test_activity_moves_the_idle_deadline_but_not_the_absolute_one(self):
        late = LOGIN + POLICY.lifetime - timedelta(minutes=1)
        assert ended(now=late, last_seen=late - timedelta(hours=1)) is None
        assert ended(now=LOGIN + POLICY.lifetime, last_seen=late) is SessionEnd.EXPIRED

    def test_a_revocation_wins_whatever_the_times(self):
        assert ended(now=LOGIN, revoked=SessionEnd.LOGGED_OUT) is SessionEnd.LOGGED_OUT


class TestTouchDue:
    def test_at_most_once_a_minute(self):
        assert not touch_due(LOGIN, LOGIN + timedelta(seconds=59))
        assert touch_due(LOGIN, LOGIN + timedelta(seconds=60))


def test_policy_refuses_non_positive_timeouts():
    with pytest.raises(ValueError, match="positive"):
        SessionPolicy(idle=timedelta(0), lifetime=timedelta(days=1))


def test_tokens_are_long_and_distinct():
    tokens = {new_session_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(token) >= 43 for token in tokens)


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on macOS"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
            "Safari on iOS",
        ),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36", "Chrome on Linux"),
        ("curl/8.5.0", "curl"),
        ("SomeBot/1.0", "SomeBot/1.0"),
        (None, "Unknown client"),
    ],
)
def test_describe_client(agent, shown):
    assert describe_client(agent) == shown
