"""Invitations, password resets, password change and the last-partner-admin rule, through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation, TooManyAttempts
from alliance.identity import access_service, session_service
from alliance.identity import service as identity_service
from alliance.identity.access_service import RESET_ANSWER, LinkInvalid, LinkPolicy
from alliance.identity.models import ApiToken, PasswordLink, PasswordResetRequest, User, UserSession
from alliance.identity.password_links import AccountStatus, LinkPurpose, link_token, token_digest
from alliance.identity.schemas import UserInvite, UserUpdate
from alliance.identity.scope import PartnerScope, Role
from alliance.identity.user_sessions import SessionPolicy
from alliance.kit import clock
from alliance.notifications.models import NotificationPreference, OutboxMessage
from alliance.notifications.vocabulary import Cadence, EventType
from tests.factories.world import PASSWORD

KEY = "k" * 48
POLICY = LinkPolicy(key=KEY, invitation_expiry=timedelta(days=7), reset_max_per_address=3, reset_max_per_client=20, reset_window=timedelta(minutes=15))
START = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
SESSIONS = SessionPolicy(idle=timedelta(hours=8), lifetime=timedelta(days=14))


def _system(db):  # type: ignore[no-untyped-def]
    return db.session_scope(PartnerScope.system(reason="test"))


def _messages(db, event: EventType) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        return list(session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == event).order_by(OutboxMessage.id)))


def _token_of(message: OutboxMessage, purpose: LinkPurpose) -> str:
    """What the e-mail's link carries (the renderer signs the nonce the outbox holds)."""
    return link_token(KEY, purpose, message.payload["facts"]["nonce"])


def _invite(unit, actor, **fields):  # type: ignore[no-untyped-def]
    data = UserInvite(**{"name": "Nia New", "role": Role.PARTNER_USER, **fields})
    with unit(actor) as session:
        return access_service.invite_user(session, actor, data=data, policy=POLICY).id


def _use(db, token: str, password: str = "a-new-long-password") -> int:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        return access_service.set_password_with_link(session, token=token, password=password).id


def _can_log_in(db, email: str, password: str) -> bool:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        return identity_service.authenticate(session, email=email, password=password, client="t", max_failures=50, window=timedelta(minutes=1)) is not None


def _reset(db, email: str, client: str | None = "10.0.0.1") -> str:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        return access_service.request_password_reset(session, email=email, client=client, policy=POLICY)


def _live_sessions(db, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        return len(session.scalars(select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None))).all())


def _start_session(db, user_id: int) -> int:  # type: ignore[no-untyped-def]
    with _system(db) as session:
        user = session.get(User, user_id)
        return session_service.start_session(session, user=user, user_agent="test", ip=None, policy=SESSIONS)[0].id


class TestInvite:
    def test_the_invitee_gets_a_link_that_works_once(self, db, world, unit, actors):
        user_id = _invite(unit, actors["a_admin"], email=f"nia@partner{world.a.id}.example")
        [message] = _messages(db, EventType.USER_INVITED)
        assert message.recipient_user_id == user_id and message.payload["facts"]["partner"] == "Northwind Consulting"
        token = _token_of(message, LinkPurpose.INVITATION)
        with _system(db) as session:
            link = session.scalars(select(PasswordLink).where(PasswordLink.user_id == user_id)).one()
            assert link.token_hash == token_digest(token) and token not in str(message.payload)
            assert session.get(User, user_id).status == AccountStatus.INVITED
            assert clock.now() + timedelta(days=6) < link.expires_at <= clock.now() + timedelta(days=7)
        assert _use(db, token) == user_id
        assert _can_log_in(db, f"nia@partner{world.a.id}.example", "a-new-long-password")
        with pytest.raises(LinkInvalid, match="already been used"):
            _use(db, token, "another-long-password")
        assert not _can_log_in(db, f"nia@partner{world.a.id}.example", "another-long-password")
        with _system(db) as session:
            actions = [e.action for e in session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "user", AuditEvent.entity_id == str(user_id)))]
        assert {"user.created", "user.invited", "user.invitation_accepted"} <= set(actions)

    def test_the_link_expires_after_the_configured_days(self, db, world, unit, actors):
        clock.freeze(START)
        _invite(unit, actors["admin"], email="vic@vendor.example", role=Role.CAM)
        token = _token_of(_messages(db, EventType.USER_INVITED)[0], LinkPurpose.INVITATION)
        clock.freeze(START + timedelta(days=7, seconds=1))
        with pytest.raises(LinkInvalid, match="expired"):
            _use(db, token)

    def test_a_forged_or_short_password_is_refused_without_using_the_link(self, db, world, unit, actors):
        _invite(unit, actors["admin"], email="vic@vendor.example", role=Role.CAM)
        token = _token_of(_messages(db, EventType.USER_INVITED)[0], LinkPurpose.INVITATION)
        with pytest.raises(LinkInvalid, match="not valid"):
            _use(db, link_token("another-key", LinkPurpose.INVITATION, _messages(db, EventType.USER_INVITED)[0].payload["facts"]["nonce"]))
        with pytest.raises(RuleViolation, match="at least 10"):
            _use(db, token, "short")
        assert _use(db, token)  # still usable

    def test_resend_replaces_the_link(self, db, world, unit, actors):
        user_id = _invite(unit, actors["admin"], email="vic@vendor.example", role=Role.CAM)
        first = _token_of(_messages(db, EventType.USER_INVITED)[0], LinkPurpose.INVITATION)
        with unit(actors["admin"]) as session:
            access_service.resend_invitation(session, actors["admin"], user_id=user_id, policy=POLICY)
        messages = _messages(db, EventType.USER_INVITED)
        assert len(messages) == 2 and messages[0].idempotency_key != messages[1].idempotency_key
        with pytest.raises(LinkInvalid, match="not valid"):
            _use(db, first)
        assert _use(db, _token_of(messages[1], LinkPurpose.INVITATION)) == user_id
        with pytest.raises(Conflict, match="already chosen a password"), unit(actors["admin"]) as session:
            access_service.resend_invitation(session, actors["admin"], user_id=user_id, policy=POLICY)

    def test_a_partner_admin_invites_only_partner_roles_of_their_own(self, db, world, unit, actors):
        with pytest.raises(PermissionDenied):
            _invite(unit, actors["a_admin"], email=f"x@partner{world.a.id}.example", role=Role.CAM)
        with pytest.raises(NotFound), unit(actors["a_admin"]) as session:
            access_service.resend_invitation(session, actors["a_admin"], user_id=world.users["b_user"], policy=POLICY)
        with pytest.raises(PermissionDenied):
            _invite(unit, actors["a_user"], email=f"x@partner{world.a.id}.example")
        assert _messages(db, EventType.USER_INVITED) == []


class TestPasswordReset:
    def test_known_and_unknown_addresses_get_the_same_answer(self, db, world):
        known = _reset(db, world.emails["a_user"])
        unknown = _reset(db, "nobody@nowhere.example")
        assert known == unknown == RESET_ANSWER
        [message] = _messages(db, EventType.PASSWORD_RESET)
        assert message.recipient_user_id == world.users["a_user"]
        with _system(db) as session:
            assert session.scalar(select(PasswordResetRequest.id).where(PasswordResetRequest.email == "nobody@nowhere.example")) is not None

    def test_the_link_works_once_for_thirty_minutes_and_ends_sessions(self, db, world):
        clock.freeze(START)
        _start_session(db, world.users["a_user"])
        _reset(db, world.emails["a_user"])
        token = _token_of(_messages(db, EventType.PASSWORD_RESET)[0], LinkPurpose.RESET)
        clock.freeze(START + timedelta(minutes=29))
        _use(db, token, "brand-new-password")
        assert _can_log_in(db, world.emails["a_user"], "brand-new-password") and not _can_log_in(db, world.emails["a_user"], PASSWORD)
        assert _live_sessions(db, world.users["a_user"]) == 0
        with pytest.raises(LinkInvalid, match="already been used"):
            _use(db, token)
        _reset(db, world.emails["a_user"])
        late = _token_of(_messages(db, EventType.PASSWORD_RESET)[1], LinkPurpose.RESET)
        clock.freeze(START + timedelta(minutes=60))
        with pytest.raises(LinkInvalid, match="expired"):
            _use(db, late)

    def test_a_new_request_replaces_the_previous_link(self, db, world):
        _reset(db, world.emails["a_user"])
        _reset(db, world.emails["a_user"])
        first, second = (_token_of(m, LinkPurpose.RESET) for m in _messages(db, EventType.PASSWORD_RESET))
        with pytest.raises(LinkInvalid, match="not valid"):
            _use(db, first)
        _use(db, second)

    def test_mandatory_ignores_a_preference(self, db, world):
        with _system(db) as session:
            session.add(NotificationPreference(user_id=world.users["a_user"], event_type=EventType.PASSWORD_RESET, cadence=Cadence.OFF))
        _reset(db, world.emails["a_user"])
        assert len(_messages(db, EventType.PASSWORD_RESET)) == 1

    def test_a_deactivated_user_cannot_reset(self, db, world, unit, actors):
        _reset(db, world.emails["a_user"])
        token = _token_of(_messages(db, EventType.PASSWORD_RESET)[0], LinkPurpose.RESET)
        with unit(actors["a_admin"]) as session:
            identity_service.update_user(session, actors["a_admin"], user_id=world.users["a_user"], data=UserUpdate(is_active=False))
        with pytest.raises(LinkInvalid, match="not valid"):
            _use(db, token)
        assert _reset(db, world.emails["a_user"]) == RESET_ANSWER
        assert len(_messages(db, EventType.PASSWORD_RESET)) == 1

    def test_throttled_per_address_whoever_holds_it(self, db, world):
        clock.freeze(START)
        for email in (world.emails["a_user"], "ghost@nowhere.example"):
            for n in range(3):
                _reset(db, email, client=f"10.0.1.{n}")
            with pytest.raises(TooManyAttempts, match="this address; try again in 15 minutes") as refused:
                _reset(db, email, client="10.0.2.1")
            assert refused.value.retry_after_seconds == 15 * 60
        assert len(_messages(db, EventType.PASSWORD_RESET)) == 3
        clock.freeze(START + timedelta(minutes=15, seconds=1))
        assert _reset(db, world.emails["a_user"]) == RESET_ANSWER

    def test_throttled_per_client(self, db, world):
        clock.freeze(START)
        for n in range(20):
            _reset(db, f"probe{n}@nowhere.example", client="10.9.9.9")
        with pytest.raises(TooManyAttempts, match="your network address"):
            _reset(db, world.emails["a_user"], client="10.9.9.9")
        assert _reset(db, world.emails["a_user"], client="10.9.9.10") == RESET_ANSWER


class TestPasswordChange:
    def test_needs_the_current_password_and_ends_other_sessions(self, db, world, unit, actors):
        user_id = world.users["a_user"]
        here, elsewhere = _start_session(db, user_id), _start_session(db, user_id)
        with pytest.raises(RuleViolation, match="current password is not right"), unit(actors["a_user"]) as session:
            access_service.change_password(session, actors["a_user"], current_password="wrong", new_password="a-new-long-password", keep_session_id=here)
        with unit(actors["a_user"]) as session:
            access_service.change_password(session, actors["a_user"], current_password=PASSWORD, new_password="a-new-long-password", keep_session_id=here)
        assert _can_log_in(db, world.emails["a_user"], "a-new-long-password")
        with _system(db) as session:
            assert session.get(UserSession, here).revoked_at is None and session.get(UserSession, elsewhere).revoked_at is not None


class TestDeactivateAndRoles:
    def test_deactivation_ends_sessions_tokens_and_links(self, db, world, unit, actors):
        user_id = world.users["a_user"]
        _start_session(db, user_id)
        _reset(db, world.emails["a_user"])
        with unit(actors["a_admin"]) as session:
            identity_service.update_user(session, actors["a_admin"], user_id=user_id, data=UserUpdate(is_active=False))
        with _system(db) as session:
            assert session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))).all() == []
            assert session.scalars(select(PasswordLink).where(PasswordLink.user_id == user_id, PasswordLink.revoked_at.is_(None))).all() == []
            assert session.get(User, user_id).status == AccountStatus.DEACTIVATED
        assert _live_sessions(db, user_id) == 0
        assert not _can_log_in(db, world.emails["a_user"], PASSWORD)

    @pytest.mark.parametrize(("who", "change"), [("a_admin", UserUpdate(role=Role.PARTNER_USER)), ("admin", UserUpdate(is_active=False))])
    def test_the_last_active_partner_admin_stays(self, db, world, unit, actors, who, change):
        with pytest.raises(Conflict, match=r"last active partner admin of .*keeps at least one") as refused, unit(actors[who]) as session:
            identity_service.update_user(session, actors[who], user_id=world.users["a_admin"], data=change)
        assert refused.value.details[0]["message"] == "the last active partner admin cannot be removed"
        with unit(actors["a_admin"]) as session:
            identity_service.update_user(session, actors["a_admin"], user_id=world.users["a_user"], data=UserUpdate(role=Role.PARTNER_ADMIN))
        with unit(actors[who]) as session:
            identity_service.update_user(session, actors[who], user_id=world.users["a_admin"], data=change)
        with pytest.raises(Conflict), unit(actors["admin"]) as session:
            identity_service.update_user(session, actors["admin"], user_id=world.users["a_user"], data=UserUpdate(role=Role.PARTNER_USER))

    def test_a_deactivated_admin_does_not_count(self, db, world, unit, actors):
        with unit(actors["admin"]) as session:
            identity_service.update_user(session, actors["admin"], user_id=world.users["a_user"], data=UserUpdate(role=Role.PARTNER_ADMIN))
            identity_service.update_user(session, actors["admin"], user_id=world.users["a_user"], data=UserUpdate(is_active=False))
        with pytest.raises(Conflict), unit(actors["admin"]) as session:
            identity_service.update_user(session, actors["admin"], user_id=world.users["a_admin"], data=UserUpdate(role=Role.PARTNER_USER))

    def test_a_partner_admin_never_grants_a_vendor_role(self, db, world, unit, actors):
        with pytest.raises(RuleViolation, match="between vendor and partner roles"), unit(actors["a_admin"]) as session:
            identity_service.update_user(session, actors["a_admin"], user_id=world.users["a_user"], data=UserUpdate(role=Role.PROGRAM_ADMIN))
        with pytest.raises(NotFound), unit(actors["a_admin"]) as session:
            identity_service.update_user(session, actors["a_admin"], user_id=world.users["b_user"], data=UserUpdate(is_active=False))
