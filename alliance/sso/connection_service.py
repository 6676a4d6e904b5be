"""Administering a single sign-on connection once it exists: its name, e-mail domains (proven by a
DNS TXT record, or marked verified by a program admin with a reason), role mapping, switches, and
deletion. Program admins manage every connection; a partner admin only their own organisation's
(the session's scope hides the others: 404), and a partner's connection only ever grants partner
roles whoever edits it. Each act is one function here, shared by the console, the portal, the API
and the CLI, and audited in its transaction."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity.permissions import Permission, require, require_any
from alliance.identity.scope import Actor, Role
from alliance.kit import clock
from alliance.kit.pagination import Page, PageRequest
from alliance.partners.repository import PartnerRepository
from alliance.sso import domain_verification, provisioning
from alliance.sso.models import SsoConnection, SsoDomain
from alliance.sso.repository import SsoConnectionRepository, SsoDomainRepository, SsoIdentityRepository
from alliance.sso.schemas import ConnectionRead, ConnectionUpdate, DomainRead, RoleRuleIn
from alliance.sso.vocabulary import DomainProof

MANAGE = (Permission.SIGN_IN_MANAGE, Permission.OWN_SIGN_IN_MANAGE)
EDITABLE = ("name", "is_enabled", "sso_required", "role_mapping", "default_role")


def check_grants(roles: Iterable[Role], *, partner_id: int | None) -> None:
    """A partner's connection grants partner roles only, the vendor's vendor roles only."""
    side = "partner" if partner_id is not None else "vendor"
    for role in roles:
        if not provisioning.allowed_role(role, connection_partner_id=partner_id):
            raise RuleViolation(
                f"A {side} connection can only grant {side} roles; {role.label} is not one.",
                details=[{"field": "role_mapping", "message": f"{side} roles only"}],
            )


def list_details(session: Session, actor: Actor) -> list[ConnectionRead]:
    require_any(actor, MANAGE)
    return [_detail(session, connection) for connection in SsoConnectionRepository(session).listed()]


def page_details(session: Session, actor: Actor, *, page: PageRequest) -> Page[ConnectionRead]:
    """One page of list_details (an organisation has a handful of connections: counted in memory)."""
    details = list_details(session, actor)
    return Page(items=details[page.offset : page.offset + page.limit], total=len(details), limit=page.limit, offset=page.offset)


def get_detail(session: Session, actor: Actor, *, connection_id: int) -> ConnectionRead:
    connection = _visible(session, connection_id)  # first: another organisation's is "not found", never "forbidden"
    require_any(actor, MANAGE)
    return _detail(session, connection)


def update_connection(session: Session, actor: Actor, *, connection_id: int, data: ConnectionUpdate) -> ConnectionRead:
    connection = _for_change(session, connection_id)
    require_any(actor, MANAGE)
    changes = data.model_fields_set
    if "name" in changes and data.name is None:
        raise RuleViolation("A connection needs a name.", details=[{"field": "name", "message": "required"}])
    for switch in ("is_enabled", "sso_required"):
        if switch in changes and getattr(data, switch) is None:
            raise RuleViolation(f"{switch} is true or false.", details=[{"field": switch, "message": "true or false"}])
    granted = (
        [rule.role for rule in data.role_mapping]
        if data.role_mapping is not None
        else [rule.role for rule in provisioning.parse_rules(connection.role_mapping)]
    )
    default_role = data.default_role if "default_role" in changes else connection.default_role
    check_grants(granted + ([default_role] if default_role else []), partner_id=connection.partner_id)
    domains = SsoDomainRepository(session)
    before = {**snapshot(connection, EDITABLE), "domains": [d.domain for d in domains.of_connection(connection.id)]}
    for field in EDITABLE:
        if field in changes and field != "role_mapping":
            setattr(connection, field, getattr(data, field))
    if data.role_mapping is not None:
        connection.role_mapping = [rule.model_dump(mode="json") for rule in data.role_mapping]
    if data.domains is not None:
        _replace_domains(session, connection, data.domains)
    session.flush()
    after = {**snapshot(connection, EDITABLE), "domains": [d.domain for d in domains.of_connection(connection.id)]}
    audit.record_update(
        session,
        actor,
        "sso_connection.updated",
        entity_type="sso_connection",
        entity_id=connection.id,
        partner_id=connection.partner_id,
        before=before,
        after=after,
    )
    return _detail(session, connection)


def delete_connection(session: Session, actor: Actor, *, connection_id: int) -> None:
    """Only a connection nobody signed in with: its users' links (and their SCIM identities) would
    go with it. Switching it off is always possible instead."""
    connection = _for_change(session, connection_id)
    require_any(actor, MANAGE)
    linked = SsoIdentityRepository(session).count_of(connection.id)
    if linked:
        people = "1 user" if linked == 1 else f"{linked} users"
        raise Conflict(
            f"{connection.name} has signed in {people}: it cannot be deleted while they are linked to it. Switch it off instead.",
            details=[{"field": "connection", "message": f"{people} linked"}],
        )
    domains = [d.domain for d in SsoDomainRepository(session).of_connection(connection.id)]
    audit.record(
        session,
        actor,
        "sso_connection.deleted",
        entity_type="sso_connection",
        entity_id=connection.id,
        partner_id=connection.partner_id,
        before={**snapshot(connection, ("name", "protocol", *EDITABLE)), "domains": domains},
    )
    SsoConnectionRepository(session).delete(connection)
    session.flush()


def check_domain(session: Session, actor: Actor, *, connection_id: int, domain_id: int) -> DomainRead:
    """Look the domain's TXT records up; the domain is verified when one carries its token. DNS is
    asked before the connection is locked: a slow answer holds no lock."""
    domain = _domain_of(session, _visible(session, connection_id), domain_id)
    require_any(actor, MANAGE)
    if domain.verified_at is not None:
        return _state(domain)
    try:
        check = domain_verification.proven_by(domain.domain, domain.verification_token, domain_verification.txt_records(domain.domain))
    except domain_verification.LookupFailed as exc:
        raise RuleViolation(exc.message, details=[{"field": "domain", "message": "DNS did not answer"}]) from exc
    if not check.proven:
        seen = f" It has {', '.join(repr(found) for found in check.found)}." if check.found else " It has no verification record yet."
        raise RuleViolation(
            f"No TXT record {check.expected!r} at {domain.domain}.{seen} DNS changes can take a while to show: check again later.",
            details=[{"field": "domain", "message": "TXT record not found"}],
        )
    return _verify(session, actor, connection_id, domain_id, DomainProof.DNS, reason=None)


def mark_domain_verified(session: Session, actor: Actor, *, connection_id: int, domain_id: int, reason: str) -> DomainRead:
    """A program admin vouches for a domain without DNS (an organisation that cannot publish TXT
    records), with a reason kept in the audit trail."""
    _domain_of(session, _visible(session, connection_id), domain_id)
    require(actor, Permission.SIGN_IN_MANAGE)
    if len(reason.strip()) < 5:
        raise RuleViolation(
            "Say why the domain is the organisation's: the reason is kept in the audit trail.", details=[{"field": "reason", "message": "required"}]
        )
    return _verify(session, actor, connection_id, domain_id, DomainProof.MANUAL, reason=reason.strip())


def _verify(session: Session, actor: Actor, connection_id: int, domain_id: int, proof: DomainProof, *, reason: str | None) -> DomainRead:
    connection = _for_change(session, connection_id)
    domain = _domain_of(session, connection, domain_id)
    if domain.verified_at is None:
        refuse_taken(session, [domain.domain], other_than=connection.id)
        domain.verified_at, domain.verified_by = clock.now(), proof
        session.flush()
        audit.record(
            session,
            actor,
            "sso_domain.verified",
            entity_type="sso_connection",
            entity_id=connection.id,
            partner_id=connection.partner_id,
            after={"domain": domain.domain, "verified_by": proof.value},
            reason=reason,
        )
    return _state(domain)


def _replace_domains(session: Session, connection: SsoConnection, wanted: list[str]) -> None:
    repository = SsoDomainRepository(session)
    refuse_taken(session, wanted, other_than=connection.id)
    current = {d.domain: d for d in repository.of_connection(connection.id)}
    for name, domain in current.items():
        if name not in wanted:
            repository.delete(domain)
    session.flush()
    for name in wanted:
        if name not in current:
            repository.add(new_domain(connection.id, name))


def refuse_taken(session: Session, domains: list[str], *, other_than: int | None) -> None:
    """409 when another connection has proven one of `domains`. Claims that nobody proved do not
    count: a partner admin adding a domain they do not own must not lock its owner out."""
    taken = SsoDomainRepository(session).taken(domains, other_than=other_than)
    if taken:
        raise Conflict(f"Another connection has proven {', '.join(taken)}.", details=[{"field": "domains", "message": "already proven by another connection"}])


def new_domain(connection_id: int, name: str) -> SsoDomain:
    """A domain just claimed: unverified, with its own token for the TXT record."""
    return SsoDomain(connection_id=connection_id, domain=name, verified_at=None, verified_by=None, verification_token=domain_verification.new_token())


def _visible(session: Session, connection_id: int) -> SsoConnection:
    connection = SsoConnectionRepository(session).get(connection_id)
    if connection is None:
        raise NotFound(f"Connection {connection_id} not found.")
    return connection


def _for_change(session: Session, connection_id: int) -> SsoConnection:
    connection = SsoConnectionRepository(session).get_for_change(connection_id)
    if connection is None:
        raise NotFound(f"Connection {connection_id} not found.")
    return connection


def _domain_of(session: Session, connection: SsoConnection, domain_id: int) -> SsoDomain:
    found = next((d for d in SsoDomainRepository(session).of_connection(connection.id) if d.id == domain_id), None)
    if found is None:
        raise NotFound(f"Domain {domain_id} not found.")
    return found


def _state(domain: SsoDomain) -> DomainRead:
    return DomainRead(
        id=domain.id,
        domain=domain.domain,
        verified=domain.verified_at is not None,
        verified_at=domain.verified_at,
        verified_by=domain.verified_by,
        txt_name=domain.domain,
        txt_value=domain_verification.record_value(domain.verification_token),
    )


def _detail(session: Session, connection: SsoConnection) -> ConnectionRead:
    partner = PartnerRepository(session).get(connection.partner_id) if connection.partner_id is not None else None
    return ConnectionRead(
        id=connection.id,
        name=connection.name,
        protocol=connection.protocol,
        partner_id=connection.partner_id,
        partner_name=partner.display_name if partner is not None else None,
        is_enabled=connection.is_enabled,
        sso_required=connection.sso_required,
        issuer=connection.issuer,
        client_id=connection.client_id,
        role_mapping=[RoleRuleIn.model_validate(rule) for rule in connection.role_mapping],
        default_role=connection.default_role,
        domains=[_state(d) for d in SsoDomainRepository(session).of_connection(connection.id)],
        linked_users=SsoIdentityRepository(session).count_of(connection.id),
        scim_token_prefix=connection.scim_token_prefix,
        updated_at=connection.updated_at,
    )
