"""Password links, reset requests, and the partner admins the last-admin rule counts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update

from alliance.identity.models import PasswordLink, PasswordResetRequest, User
from alliance.identity.password_links import LinkPurpose
from alliance.identity.scope import Role
from alliance.kit.repository import Repository


class PasswordLinkRepository(Repository[PasswordLink]):
    model = PasswordLink

    def by_digest(self, digest: str) -> PasswordLink | None:
        return self.session.scalars(select(PasswordLink).where(PasswordLink.token_hash == digest)).first()

    def use(self, digest: str, *, now: datetime) -> bool:
        """Mark the link used if it is still usable, in one statement: of two requests with the same
        token at once, exactly one gets True."""
        result = self.session.execute(
            update(PasswordLink)
            .where(PasswordLink.token_hash == digest, PasswordLink.used_at.is_(None), PasswordLink.revoked_at.is_(None), PasswordLink.expires_at > now)
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(result.rowcount or 0) == 1  # type: ignore[attr-defined]

    def revoke_live(self, user_id: int, *, now: datetime, purpose: LinkPurpose | None = None) -> int:
        """Replace every unused, unrevoked link of the user (of one purpose, when given); returns how many."""
        statement = update(PasswordLink).where(PasswordLink.user_id == user_id, PasswordLink.used_at.is_(None), PasswordLink.revoked_at.is_(None))
        if purpose is not None:
            statement = statement.where(PasswordLink.purpose == purpose)
        result = self.session.execute(statement.values(revoked_at=now).execution_options(synchronize_session=False))
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def latest_invitation(self, user_id: int) -> PasswordLink | None:
        statement = select(PasswordLink).where(PasswordLink.user_id == user_id, PasswordLink.purpose == LinkPurpose.INVITATION)
        return self.session.scalars(statement.order_by(PasswordLink.id.desc()).limit(1)).first()


class ResetRequestRepository(Repository[PasswordResetRequest]):
    model = PasswordResetRequest

    def count_since(self, *, email: str | None = None, client: str | None = None, since: datetime) -> tuple[int, datetime | None]:
        """Requests for the address (or from the client) since `since`, and the oldest of them."""
        statement = select(func.count(), func.min(PasswordResetRequest.requested_at)).where(PasswordResetRequest.requested_at >= since)
        if email is not None:
            statement = statement.where(PasswordResetRequest.email == email)
        if client is not None:
            statement = statement.where(PasswordResetRequest.client == client)
        row = self.session.execute(statement).one()
        return row[0], row[1]


class PartnerAdminRepository(Repository[User]):
    model = User

    def other_active_admins(self, partner_id: int, *, excluding: int) -> int:
        """Active partner admins of the partner other than `excluding` (read after the partner's lock)."""
        statement = (
            self.readable()
            .where(User.partner_id == partner_id, User.role == Role.PARTNER_ADMIN, User.is_active.is_(True), User.id != excluding)
            .with_only_columns(func.count())
            .execution_options(populate_existing=True)
        )
        return int(self.session.scalar(statement) or 0)
