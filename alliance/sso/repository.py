"""SSO connections, their domains, and the identities they signed in."""

from __future__ import annotations

from sqlalchemy import Select, func, select

from alliance.kit.repository import Repository
from alliance.sso.models import SamlAssertionSeen, SsoConnection, SsoDomain, SsoIdentity


class SsoConnectionRepository(Repository[SsoConnection]):
    model = SsoConnection

    def listed(self) -> list[SsoConnection]:
        return list(self.session.scalars(self.readable().order_by(SsoConnection.name, SsoConnection.id)))

    def by_domain(self, domain: str) -> SsoConnection | None:
        """The enabled connection answering for a verified e-mail domain (home-realm discovery; the
        login page has no scope of its own, so it runs under the system scope)."""
        statement = self._claiming(domain).where(SsoConnection.is_enabled.is_(True))
        return self.session.scalars(statement).first()

    def claiming(self, domain: str) -> SsoConnection | None:
        """The connection a verified domain belongs to, switched on or off."""
        return self.session.scalars(self._claiming(domain)).first()

    def _claiming(self, domain: str) -> Select[SsoConnection]:
        return (
            self.readable()
            .join(SsoDomain, SsoDomain.connection_id == SsoConnection.id)
            .where(SsoDomain.domain == domain.lower(), SsoDomain.verified_at.is_not(None))
        )

    def by_scim_digest(self, digest: str) -> SsoConnection | None:
        return self.session.scalars(self.readable().where(SsoConnection.scim_token_hash == digest)).first()


class SsoDomainRepository(Repository[SsoDomain]):
    model = SsoDomain

    def of_connection(self, connection_id: int) -> list[SsoDomain]:
        return list(self.session.scalars(select(SsoDomain).where(SsoDomain.connection_id == connection_id).order_by(SsoDomain.domain)))

    def of_connections(self, connection_ids: list[int]) -> dict[int, list[str]]:
        found: dict[int, list[str]] = {connection_id: [] for connection_id in connection_ids}
        for row in self.session.execute(
            select(SsoDomain.connection_id, SsoDomain.domain).where(SsoDomain.connection_id.in_(connection_ids)).order_by(SsoDomain.domain)
        ):
            found[row[0]].append(row[1])
        return found

    def verified_of(self, connection_id: int) -> list[str]:
        """The domains of a connection that count: proven by DNS or marked by a program admin."""
        statement = select(SsoDomain.domain).where(SsoDomain.connection_id == connection_id, SsoDomain.verified_at.is_not(None))
        return list(self.session.scalars(statement.order_by(SsoDomain.domain)))

    def taken(self, domains: list[str], *, other_than: int | None) -> list[str]:
        """Which of `domains` another connection has proven (an unproven claim takes nothing)."""
        statement = select(SsoDomain.domain).where(SsoDomain.domain.in_(domains), SsoDomain.verified_at.is_not(None))
        if other_than is not None:
            statement = statement.where(SsoDomain.connection_id != other_than)
        return list(self.session.scalars(statement))


class SsoIdentityRepository(Repository[SsoIdentity]):
    model = SsoIdentity

    def find(self, connection_id: int, subject: str) -> SsoIdentity | None:
        return self.session.scalars(select(SsoIdentity).where(SsoIdentity.connection_id == connection_id, SsoIdentity.subject == subject)).first()

    def count_of(self, connection_id: int) -> int:
        """How many users a connection has signed in or provisioned (linked identities)."""
        return int(self.session.scalar(select(func.count(SsoIdentity.id)).where(SsoIdentity.connection_id == connection_id)) or 0)

    def of_user(self, connection_id: int, user_id: int) -> SsoIdentity | None:
        return self.session.scalars(select(SsoIdentity).where(SsoIdentity.connection_id == connection_id, SsoIdentity.user_id == user_id)).first()


class SamlAssertionRepository(Repository[SamlAssertionSeen]):
    model = SamlAssertionSeen

    def known(self, assertion_id: str) -> bool:
        return self.session.scalar(select(SamlAssertionSeen.id).where(SamlAssertionSeen.assertion_id == assertion_id[:255])) is not None
