"""Identity queries: users, tokens, login attempts."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Select, and_, delete, func, or_, select, update

from alliance.identity.models import ApiToken, LoginAttempt, User, UserSession
from alliance.identity.password_links import AccountStatus
from alliance.identity.scope import Role
from alliance.kit.repository import Repository


class UserRepository(Repository[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(self.readable().where(User.email == email.lower())).first()

    def filtered(
        self, *, role: Role | None = None, partner_id: int | None = None, vendor_only: bool = False, q: str | None = None, status: AccountStatus | None = None
    ) -> Select[User]:
        statement = self.readable()
        if status == AccountStatus.DEACTIVATED:
            statement = statement.where(User.is_active.is_(False))
        elif status is not None:
            has_password = User.password_hash.is_not(None) if status == AccountStatus.ACTIVE else User.password_hash.is_(None)
            statement = statement.where(User.is_active.is_(True), has_password)
        if role:
            statement = statement.where(User.role == role)
        if partner_id is not None:
            statement = statement.where(User.partner_id == partner_id)
        if vendor_only:
            statement = statement.where(User.partner_id.is_(None))
        if q:
            pattern = f"%{q.lower()}%"
            statement = statement.where(func.lower(User.name).like(pattern) | User.email.like(pattern))
        return statement

    def email_domains(self, partner_id: int) -> set[str]:
        """The e-mail domains of a partner's active users."""
        statement = self.readable().where(User.partner_id == partner_id, User.is_active.is_(True)).with_only_columns(User.email)
        return {email.rpartition("@")[2] for email in self.session.scalars(statement)}

    def email_exists(self, email: str) -> bool:
        """Across all partners: emails are unique logins, whoever is asking."""
        return (
            self.session.scalar(
                select(User.id).where(User.email == email.lower()).limit(1).execution_options(bypass_partner_scope="email uniqueness is global")
            )
            is not None
        )

    def vendor_users_with_roles(self, roles: tuple[Role, ...]) -> list[User]:
        statement = self.readable().where(User.partner_id.is_(None), User.role.in_(roles), User.is_active.is_(True)).order_by(User.name)
        return list(self.session.scalars(statement))

    def active_vendor_ids(self, *, roles: Collection[Role], among: Collection[int] | None = None) -> list[int]:
        """Ids of active vendor users with one of `roles` (only those `among`, when given), from any
        scope: a partner's action notifies the vendor staff who act on it."""
        statement = select(User.id).where(User.partner_id.is_(None), User.is_active.is_(True), User.role.in_(roles))
        if among is not None:
            statement = statement.where(User.id.in_(among))
        statement = statement.order_by(User.id).execution_options(bypass_partner_scope="a partner's action notifies the vendor staff who act on it")
        return list(self.session.scalars(statement))

    def active_partner_user_ids(self, *, partner_id: int, roles: Collection[Role]) -> list[int]:
        """Ids of a partner's active users with one of `roles`, from any scope: a vendor user's
        action notifies the partner's people who act on it."""
        statement = select(User.id).where(User.partner_id == partner_id, User.is_active.is_(True), User.role.in_(roles)).order_by(User.id)
        return list(self.session.scalars(statement.execution_options(bypass_partner_scope="a vendor user's action notifies the partner's people")))

    def owner_ids(self, *, partner_id: int, among: Collection[int]) -> set[int]:
        """Which of `among` are active users who may own an item of the partner's plans: its own
        people or vendor staff (projection of ids; a partner names its CAM as an owner)."""
        statement = select(User.id).where(User.id.in_(among), User.is_active.is_(True), or_(User.partner_id == partner_id, User.partner_id.is_(None)))
        return set(self.session.scalars(statement.execution_options(bypass_partner_scope="a plan item may be owned by vendor staff")))

    def owner_choices(self, *, partner_id: int, vendor_ids: Collection[int] | None) -> list[tuple[int, str, bool]]:
        """(id, name, is vendor staff) of the active people who may own an item of the partner's
        plans, by name: its own people and vendor staff (every one, or only `vendor_ids`: a partner
        sees its CAM and the owners already named, never the vendor's whole staff list)."""
        vendor = User.partner_id.is_(None) if vendor_ids is None else and_(User.partner_id.is_(None), User.id.in_(vendor_ids))
        statement = (
            select(User.id, User.name, User.partner_id.is_(None))
            .where(User.is_active.is_(True), or_(User.partner_id == partner_id, vendor))
            .order_by(User.partner_id.is_(None), User.name, User.id)
        )
        rows = self.session.execute(statement.execution_options(bypass_partner_scope="a plan item may be owned by vendor staff: names only"))
        return [(user_id, name, bool(is_vendor)) for user_id, name, is_vendor in rows]

    def vendor_contact(self, user_id: int) -> tuple[str, str] | None:
        """Name and email of an active vendor user, as a projection: a partner sees who their CAM is."""
        statement = select(User.name, User.email).where(User.id == user_id, User.partner_id.is_(None), User.is_active.is_(True))
        row = self.session.execute(statement.execution_options(bypass_partner_scope="partner sees their CAM's name and email")).first()
        return (row[0], row[1]) if row else None


class TokenRepository(Repository[ApiToken]):
    model = ApiToken

    def by_digest(self, digest: str) -> ApiToken | None:
        return self.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest)).first()

    def by_prefix(self, prefix: str) -> list[ApiToken]:
        return list(self.session.scalars(select(ApiToken).where(ApiToken.prefix == prefix)))

    def for_user(self, user_id: int) -> list[ApiToken]:
        return list(self.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)))

    def unrevoked_for_user(self, user_id: int) -> list[ApiToken]:
        return list(self.session.scalars(select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None)).order_by(ApiToken.id)))


class UserSessionRepository(Repository[UserSession]):
    """Web login sessions. A user's own sessions only: every method takes the user id."""

    model = UserSession

    def by_digest(self, digest: str) -> UserSession | None:
        return self.session.scalars(select(UserSession).where(UserSession.token_hash == digest)).first()

    def live_for_user(self, user_id: int, *, now: datetime, seen_since: datetime) -> list[UserSession]:
        """Unrevoked, not past expires_at, seen since `seen_since` (now minus the idle timeout); most recent first."""
        statement = (
            select(UserSession)
            .where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now, UserSession.last_seen_at > seen_since)
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        )
        return list(self.session.scalars(statement))

    def unrevoked_for_user(self, user_id: int, *, now: datetime, keep_id: int | None = None) -> list[UserSession]:
        """The sessions a revocation ends: not revoked, not past expires_at, other than `keep_id`."""
        statement = select(UserSession).where(UserSession.user_id == user_id, UserSession.revoked_at.is_(None), UserSession.expires_at > now)
        if keep_id is not None:
            statement = statement.where(UserSession.id != keep_id)
        return list(self.session.scalars(statement.order_by(UserSession.id)))

    def touch(self, session_id: int, *, now: datetime, unless_seen_since: datetime) -> None:
        """last_seen_at = now, unless a concurrent request already moved it past `unless_seen_since`."""
        self.session.execute(
            update(UserSession)
            .where(UserSession.id == session_id, UserSession.revoked_at.is_(None), UserSession.last_seen_at <= unless_seen_since)
            .values(last_seen_at=now)
            .execution_options(synchronize_session=False)
        )

    def delete_ended_before(self, cutoff: datetime) -> int:
        """Remove rows revoked or expired before `cutoff`; returns how many."""
        result = self.session.execute(
            delete(UserSession).where(or_(UserSession.revoked_at < cutoff, UserSession.expires_at < cutoff)).execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class LoginAttemptRepository(Repository[LoginAttempt]):
    model = LoginAttempt

    def failures_since(self, email: str, since: datetime) -> tuple[int, datetime | None]:
        row = self.session.execute(
            select(func.count(), func.min(LoginAttempt.attempted_at)).where(
                LoginAttempt.email == email, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at >= since
            )
        ).one()
        return row[0], row[1]

    def clear_failures(self, email: str) -> None:
        self.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.succeeded.is_(False)))
