"""Single sign-on set-up helpers: tests create connections through the console, then treat their
domains as proven (the DNS check itself is tested in tests/service/sso/)."""

from __future__ import annotations

from sqlalchemy import update

from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.sso import service as sso_service
from alliance.sso.models import SsoDomain
from alliance.sso.repository import SsoDomainRepository
from alliance.sso.schemas import ConnectionCreate
from alliance.sso.vocabulary import DomainProof


def verify_domains(db: Database) -> None:
    """Every domain claimed so far counts as verified, as if a program admin had marked it."""
    with db.session_scope(PartnerScope.system(reason="test: domains proven")) as session:
        session.execute(update(SsoDomain).where(SsoDomain.verified_at.is_(None)).values(verified_at=clock.now(), verified_by=DomainProof.MANUAL))


def build_connections(db: Database, world) -> dict[str, dict[str, int]]:  # type: ignore[no-untyped-def]
    """An OpenID Connect connection of partner A and of partner B (through the service, domains
    unverified): {"a": {"connection_id", "domain_id"}, "b": {...}}. Built once per world."""
    if hasattr(world, "sso_connections"):
        return world.sso_connections  # type: ignore[no-any-return]
    built: dict[str, dict[str, int]] = {}
    operator = Actor.system(label="test-setup")
    with db.session_scope(PartnerScope.system(reason="test connections")) as session:
        for key, partner in (("a", world.a), ("b", world.b)):
            data = ConnectionCreate(
                name=f"{key.upper()} SSO",
                partner_id=partner.id,
                domains=[f"{key}-sso.example"],
                issuer=f"https://{key}-idp.example",
                client_id="client",
                client_secret="secret",
                role_mapping=[{"claim": "groups", "value": "admins", "role": "partner_admin"}],
                default_role="partner_user",
            )
            connection = sso_service.create_connection(session, operator, data=data)
            domain = SsoDomainRepository(session).of_connection(connection.id)[0]
            built[key] = {"connection_id": connection.id, "domain_id": domain.id}
    world.sso_connections = built
    return built
