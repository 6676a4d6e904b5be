from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from alliance.errors import TooManyAttempts
from alliance.identity import service as identity_service
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from tests.factories.world import PASSWORD

WINDOW = timedelta(minutes=15)


def _login(db, email, password):
    with db.session_scope(PartnerScope.system(reason="test login")) as session:
        user = identity_service.authenticate(session, email=email, password=password, client="test", max_failures=5, window=WINDOW)
        return user.id if user else None


class TestAuthenticate:
    def test_right_and_wrong_password(self, db, world):
        assert _login(db, world.emails["cam"].upper(), PASSWORD) == world.users["cam"]
        assert _login(db, world.emails["cam"], "wrong password") is None
        assert _login(db, "nobody@x.example", PASSWORD) is None

    def test_locked_after_five_failures_for_fifteen_minutes(self, db, world):
        start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
        clock.freeze(start)
        for _ in range(5):
            assert _login(db, world.emails["cam"], "wrong") is None
        with pytest.raises(TooManyAttempts) as locked:
            _login(db, world.emails["cam"], PASSWORD)
        assert 0 < locked.value.retry_after_seconds <= 15 * 60 + 1
        # Other accounts are unaffected.
        assert _login(db, world.emails["admin"], PASSWORD) == world.users["admin"]
        clock.freeze(start + WINDOW + timedelta(seconds=1))
        assert _login(db, world.emails["cam"], PASSWORD) == world.users["cam"]

    def test_success_resets_failures(self, db, world):
        for _ in range(4):
            _login(db, world.emails["cam"], "wrong")
        assert _login(db, world.emails["cam"], PASSWORD) is not None
        for _ in range(4):
            _login(db, world.emails["cam"], "wrong")
        assert _login(db, world.emails["cam"], PASSWORD) is not None

    def test_inactive_user_cannot_log_in(self, db, world):
        from alliance.identity.schemas import UserUpdate
        from alliance.identity.scope import Actor

        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.update_user(session, Actor.system(), user_id=world.users["cam"], data=UserUpdate(is_active=False))
        assert _login(db, world.emails["cam"], PASSWORD) is None


class TestTokens:
    def test_token_stored_hashed(self, db, world):
        from sqlalchemy import select

        from alliance.identity.models import ApiToken

        with db.session_scope(PartnerScope.system(reason="test")) as session:
            stored = session.scalars(select(ApiToken)).all()
        plaintexts = set(world.tokens.values())
        assert stored and all(t.token_hash not in plaintexts and len(t.token_hash) == 64 for t in stored)
