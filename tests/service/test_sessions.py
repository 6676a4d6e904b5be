"""identity.session_service and the revocations identity.service makes: which sessions end, and
what the audit trail records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.errors import NotFound
from alliance.identity import service as identity_service
from alliance.identity import session_service
from alliance.identity.models import ApiToken, UserSession
from alliance.identity.repository import UserRepository
from alliance.identity.schemas import UserUpdate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.identity.user_sessions import SessionEnd, SessionPolicy
from alliance.kit import clock
from tests.factories.world import PASSWORD

POLICY = SessionPolicy(idle=timedelta(hours=8), lifetime=timedelta(days=14))


def start(db, user_id: int, agent: str = "test") -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        user = UserRepository(session).get(user_id)
        record, token = session_service.start_session(session, user=user, user_agent=agent, ip="127.0.0.1", policy=POLICY)
        return record.id, token


def reasons(db, user_id: int) -> list[SessionEnd | None]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return list(session.scalars(select(UserSession.revoked_reason).where(UserSession.user_id == user_id).order_by(UserSession.id)))


def events(db, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def user_actor(world, who: str, role: Role) -> Actor:  # type: ignore[no-untyped-def]
    partner_id = {"a_admin": world.a.id, "a_user": world.a.id}.get(who)
    return Actor(user_id=world.users[who], role=role, partner_id=partner_id, label=world.emails[who])


def resumed(db, token: str) -> bool:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return session_service.resume_session(session, token=token, policy=POLICY) is not None


class TestLogIn:
    def test_starts_a_session_and_audits_the_login_with_it(self, db, world):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            login = identity_service.log_in(
                session,
                email=world.emails["cam"],
                password=PASSWORD,
                client="10.0.0.1",
                user_agent="agent",
                max_failures=5,
                window=timedelta(minutes=15),
                policy=POLICY,
            )
        assert login is not None and resumed(db, login.token)
        [event] = events(db, "user.logged_in")
        assert event.after == {"session": login.session_id, "method": "password"}

    def test_wrong_password_starts_nothing(self, db, world):
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            login = identity_service.log_in(
                session, email=world.emails["cam"], password="wrong", client=None, user_agent=None, max_failures=5, window=timedelta(minutes=15), policy=POLICY
            )
        assert login is None and reasons(db, world.users["cam"]) == [] and events(db, "user.logged_in") == []


class TestLogOut:
    def test_ends_the_session_once(self, db, world):
        _, token = start(db, world.users["cam"])
        for _ in range(2):
            with db.session_scope(PartnerScope.system(reason="test")) as session:
                identity_service.log_out(session, token=token)
        assert not resumed(db, token)
        assert reasons(db, world.users["cam"]) == [SessionEnd.LOGGED_OUT]
        assert len(events(db, "user.logged_out")) == 1


class TestSignOutEverywhere:
    def test_keeps_the_current_session_and_audits_the_others(self, db, world):
        current, current_token = start(db, world.users["cam"])
        _, other_token = start(db, world.users["cam"])
        start(db, world.users["admin"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            ended = session_service.sign_out_everywhere(session, user_actor(world, "cam", Role.CAM), keep_session_id=current)
        assert ended == 1
        assert resumed(db, current_token) and not resumed(db, other_token)
        assert reasons(db, world.users["admin"]) == [None]
        [event] = events(db, "sessions.revoked")
        assert event.entity_id == str(world.users["cam"]) and event.after["sessions"] == 1 and event.reason == "signed out everywhere"

    def test_nothing_to_end_writes_no_event(self, db, world):
        current, _ = start(db, world.users["cam"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            assert session_service.sign_out_everywhere(session, user_actor(world, "cam", Role.CAM), keep_session_id=current) == 0
        assert events(db, "sessions.revoked") == []


class TestRevokeOne:
    def test_someone_elses_session_is_not_found(self, db, world):
        admin_session, token = start(db, world.users["admin"])
        with db.session_scope(PartnerScope.system(reason="test")) as session, pytest.raises(NotFound):
            session_service.revoke_session(session, user_actor(world, "cam", Role.CAM), session_id=admin_session)
        assert resumed(db, token)


class TestPasswordChange:
    def test_own_change_keeps_the_session_it_came_from(self, db, world):
        current, current_token = start(db, world.users["cam"])
        _, other_token = start(db, world.users["cam"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.set_password(
                session, user_actor(world, "cam", Role.CAM), user_id=world.users["cam"], password="another-password", keep_session_id=current
            )
        assert resumed(db, current_token) and not resumed(db, other_token)
        assert [e.reason for e in events(db, "sessions.revoked")] == ["password changed"]

    def test_an_admin_setting_it_ends_every_session_whatever_id_it_names(self, db, world):
        kept, token = start(db, world.users["a_user"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            admin = user_actor(world, "a_admin", Role.PARTNER_ADMIN)
            identity_service.set_password(session, admin, user_id=world.users["a_user"], password="another-password", keep_session_id=kept)
        assert not resumed(db, token)


class TestDeactivation:
    def test_ends_sessions_and_revokes_tokens(self, db, world):
        _, token = start(db, world.users["a_user"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.update_user(
                session, user_actor(world, "a_admin", Role.PARTNER_ADMIN), user_id=world.users["a_user"], data=UserUpdate(is_active=False)
            )
        assert not resumed(db, token)
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            tokens = list(session.scalars(select(ApiToken).where(ApiToken.user_id == world.users["a_user"])))
        assert tokens and all(t.revoked_at is not None for t in tokens)
        [revoked] = events(db, "tokens.revoked")
        assert revoked.partner_id == world.a.id and revoked.reason == "user deactivated"

    def test_other_changes_end_nothing(self, db, world):
        _, token = start(db, world.users["a_user"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.update_user(session, Actor.system(), user_id=world.users["a_user"], data=UserUpdate(title="Engineer"))
        assert resumed(db, token) and events(db, "sessions.revoked") == []


class TestResume:
    def test_an_idle_session_is_not_resumed(self, db, world):
        _, token = start(db, world.users["cam"])
        clock.freeze(clock.now() + timedelta(minutes=5))
        assert resumed(db, token)
        clock.freeze(clock.now() + timedelta(hours=8))
        assert not resumed(db, token)


class TestSweep:
    def test_removes_sessions_ended_over_thirty_days_ago_once(self, db, world):
        start_at = clock.now()
        clock.freeze(start_at - timedelta(days=45))
        start(db, world.users["cam"])  # expired 31 days ago (14-day lifetime)
        _, token = start(db, world.users["cam"])  # revoked 45 days ago
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.log_out(session, token=token)
        clock.freeze(start_at - timedelta(days=20))
        _, recent = start(db, world.users["cam"])
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            identity_service.log_out(session, token=recent)  # revoked 20 days ago: kept
        clock.freeze(start_at)
        start(db, world.users["cam"])  # live
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            assert session_service.sweep_sessions(session, Actor.system(), now=clock.now()) == 2
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            assert session_service.sweep_sessions(session, Actor.system(), now=clock.now()) == 0
        assert reasons(db, world.users["cam"]) == [SessionEnd.LOGGED_OUT, None]
        [event] = events(db, "sessions.swept")
        assert event.after == {"removed": 2}

    def test_needs_the_sweep_permission(self, db, world):
        from alliance.errors import PermissionDenied

        with db.session_scope(PartnerScope.system(reason="test")) as session, pytest.raises(PermissionDenied):
            session_service.sweep_sessions(session, user_actor(world, "cam", Role.CAM), now=clock.now())
