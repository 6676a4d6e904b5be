"""Web login sessions: started at login, resumed from the cookie's token on each request, listed
for their user, and revoked (one, all but the current one, or all of a user's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import NotFound
from alliance.identity import tokens, two_factor_service
from alliance.identity.models import User, UserSession
from alliance.identity.permissions import Permission, require
from alliance.identity.repository import UserRepository, UserSessionRepository
from alliance.identity.scope import Actor, Role
from alliance.identity.two_factor import SignInMethod
from alliance.identity.user_sessions import (
    SESSION_END_WORDS,
    TOUCH_INTERVAL,
    USER_AGENT_LENGTH,
    SessionEnd,
    SessionPolicy,
    end_of,
    new_session_token,
    touch_due,
)
from alliance.kit import clock

AUDITED_IDS = 200  # a revocation's audit event names this many session ids; the count is exact
# Ended sessions stay listed in the database this long (the audit trail keeps their story for good).
KEEP_ENDED = timedelta(days=30)


@dataclass(frozen=True)
class Resumed:
    """The user a live session belongs to, and whether this request should refresh last_seen_at."""

    user: User
    session_id: int
    touch_due: bool
    # Signed in with a password alone while the policy requires two-factor: it may only enrol.
    enrolment_due: bool


def start_session(
    session: Session, *, user: User, user_agent: str | None, ip: str | None, policy: SessionPolicy, method: SignInMethod = SignInMethod.PASSWORD
) -> tuple[UserSession, str]:
    """A new session for `user` (the caller audits the login); the token is returned once, only its digest is stored."""
    token = new_session_token()
    now = clock.now()
    record = UserSessionRepository(session).add(
        UserSession(
            user_id=user.id,
            token_hash=tokens.token_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.lifetime,
            user_agent=user_agent[:USER_AGENT_LENGTH] if user_agent else None,
            ip=ip,
            sign_in_method=method,
        )
    )
    return record, token


def resume_session(session: Session, *, token: str, policy: SessionPolicy) -> Resumed | None:
    """The session behind a cookie's token while it is live and its user active; None otherwise."""
    record = UserSessionRepository(session).by_digest(tokens.token_digest(token))
    if record is None:
        return None
    now = clock.now()
    if end_of(revoked_reason=record.revoked_reason, expires_at=record.expires_at, last_seen_at=record.last_seen_at, now=now, policy=policy) is not None:
        return None
    user = UserRepository(session).get(record.user_id)
    if user is None or not user.is_active:
        return None
    due = two_factor_service.enrolment_due(session, role=Role(user.role), sign_in_method=record.sign_in_method)
    return Resumed(user=user, session_id=record.id, touch_due=touch_due(record.last_seen_at, now), enrolment_due=due)


def touch_session(session: Session, *, session_id: int) -> None:
    """Record that the session was used now (at most once a minute: not a change worth auditing)."""
    now = clock.now()
    UserSessionRepository(session).touch(session_id, now=now, unless_seen_since=now - TOUCH_INTERVAL)


def list_sessions(session: Session, actor: Actor, *, policy: SessionPolicy) -> list[UserSession]:
    """The actor's own live sessions, most recently used first."""
    if actor.user_id is None:
        return []
    now = clock.now()
    return UserSessionRepository(session).live_for_user(actor.user_id, now=now, seen_since=now - policy.idle)


def revoke_session(session: Session, actor: Actor, *, session_id: int) -> None:
    """End one of the actor's own sessions (another user's is 'not found'); ending an ended one does nothing."""
    record = UserSessionRepository(session).get(session_id)
    if record is None or actor.user_id is None or record.user_id != actor.user_id:
        raise NotFound(f"Session {session_id} not found.")
    if record.revoked_at is not None:
        return
    _revoke(session, actor, user_id=record.user_id, partner_id=actor.partner_id, records=[record], reason=SessionEnd.SIGNED_OUT)


def sign_out_everywhere(session: Session, actor: Actor, *, keep_session_id: int | None) -> int:
    """End every session of the actor's but the one they are using; returns how many ended."""
    if actor.user_id is None:
        return 0
    records = UserSessionRepository(session).unrevoked_for_user(actor.user_id, now=clock.now(), keep_id=keep_session_id)
    return _revoke(session, actor, user_id=actor.user_id, partner_id=actor.partner_id, records=records, reason=SessionEnd.SIGNED_OUT_EVERYWHERE)


def end_sessions_of(session: Session, actor: Actor, *, user: User, reason: SessionEnd, keep_session_id: int | None = None) -> int:
    """End `user`'s sessions (all, or all but `keep_session_id`) because of `reason`; returns how many."""
    records = UserSessionRepository(session).unrevoked_for_user(user.id, now=clock.now(), keep_id=keep_session_id)
    return _revoke(session, actor, user_id=user.id, partner_id=user.partner_id, records=records, reason=reason)


def end_session(session: Session, *, token: str, reason: SessionEnd) -> UserSession | None:
    """Revoke the session behind a token without auditing it (log_out audits); None when it had already ended."""
    record = UserSessionRepository(session).by_digest(tokens.token_digest(token))
    if record is None or record.revoked_at is not None:
        return None
    record.revoked_at = clock.now()
    record.revoked_reason = reason
    session.flush()
    return record


def sweep_sessions(session: Session, actor: Actor, *, now: datetime) -> int:
    """Remove sessions revoked or past their absolute timeout more than KEEP_ENDED ago; returns how many."""
    require(actor, Permission.SESSIONS_SWEEP)
    cutoff = now - KEEP_ENDED
    removed = UserSessionRepository(session).delete_ended_before(cutoff)
    if removed:
        audit.record(
            session,
            actor,
            "sessions.swept",
            entity_type="user_session_sweep",
            entity_id=now.date().isoformat(),
            after={"removed": removed},
            reason=f"ended before {cutoff.date().isoformat()}",
        )
    return removed


def _revoke(session: Session, actor: Actor, *, user_id: int, partner_id: int | None, records: list[UserSession], reason: SessionEnd) -> int:
    if not records:
        return 0
    now = clock.now()
    for record in records:
        record.revoked_at = now
        record.revoked_reason = reason
    ids = [record.id for record in records]
    audit.record(
        session,
        actor,
        "sessions.revoked",
        entity_type="user",
        entity_id=user_id,
        partner_id=partner_id,
        after={"sessions": len(ids), "session_ids": ids[:AUDITED_IDS]},
        reason=SESSION_END_WORDS[reason],
    )
    return len(ids)
