"""Identity queries: users, tokens, login attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, func, select

from alliance.identity.models import ApiToken, LoginAttempt, User
from alliance.identity.scope import Role
from alliance.kit.repository import Repository


class UserRepository(Repository[User]):
    model = User

    def by_email(self, email: str) -> User | None:
        return self.session.scalars(self.readable().where(User.email == email.lower())).first()

    def filtered(self, *, role: Role | None = None, partner_id: int | None = None, vendor_only: bool = False, q: str | None = None) -> Select[User]:
        statement = self.readable()
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
