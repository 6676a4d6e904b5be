"""Single sign-on: connections as data (program admins), home-realm discovery by e-mail domain,
"SSO required" refusing passwords, and the sign-in an identity provider vouched for, with
just-in-time provisioning bounded by provisioning.py's rules. Every sign-in, refusal and
provisioning is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import NotFound, RuleViolation
from alliance.identity import service as identity_service
from alliance.identity.models import User
from alliance.identity.permissions import Permission, require, require_any
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor, Role
from alliance.identity.service import Login, SecondStepNeeded, SessionRequest
from alliance.identity.two_factor import SignInMethod
from alliance.kit import clock, encryption
from alliance.partners.repository import PartnerRepository
from alliance.sso import connection_service, provisioning, role_sync_service, saml
from alliance.sso.models import SamlAssertionSeen, SsoConnection, SsoIdentity
from alliance.sso.provisioning import Refused
from alliance.sso.repository import SamlAssertionRepository, SsoConnectionRepository, SsoDomainRepository, SsoIdentityRepository
from alliance.sso.schemas import ConnectionCreate
from alliance.sso.vocabulary import SsoProtocol

CONNECTION_FIELDS = ("name", "protocol", "partner_id", "is_enabled", "sso_required", "issuer", "client_id", "role_mapping", "default_role")


@dataclass(frozen=True)
class ConnectionView:
    connection: SsoConnection
    domains: list[str]
    partner_name: str | None


@dataclass(frozen=True)
class Discovery:
    """The connection an address signs in with: what the login page offers."""

    connection_id: int
    name: str
    required: bool
    enabled: bool = True


@dataclass(frozen=True)
class SignInOutcome:
    login: Login | None
    refusal: str | None


def list_connections(session: Session, actor: Actor) -> list[ConnectionView]:
    require_any(actor, connection_service.MANAGE)
    connections = SsoConnectionRepository(session).listed()
    domains = SsoDomainRepository(session).of_connections([c.id for c in connections])
    partners = PartnerRepository(session)
    views = []
    for connection in connections:
        partner = partners.get(connection.partner_id) if connection.partner_id is not None else None
        views.append(ConnectionView(connection, domains[connection.id], partner.display_name if partner else None))
    return views


def create_connection(session: Session, actor: Actor, *, data: ConnectionCreate) -> SsoConnection:
    require(actor, Permission.SIGN_IN_MANAGE)
    if data.partner_id is not None and PartnerRepository(session).get(data.partner_id) is None:
        raise NotFound(f"Partner {data.partner_id} not found.")
    connection_service.check_grants([rule.role for rule in data.role_mapping] + ([data.default_role] if data.default_role else []), partner_id=data.partner_id)
    if data.protocol == SsoProtocol.SAML:
        try:
            saml.idp_entity_id(data.idp_metadata or "")
        except Exception as exc:  # pysaml2 refuses bad metadata with many exception types
            message = exc.message if isinstance(exc, saml.SamlError) else "The identity provider's metadata cannot be read."
            raise RuleViolation(message, details=[{"field": "idp_metadata", "message": message}]) from exc
    connection_service.refuse_taken(session, data.domains, other_than=None)
    connection = SsoConnectionRepository(session).add(
        SsoConnection(
            name=data.name,
            protocol=data.protocol,
            partner_id=data.partner_id,
            issuer=(data.issuer or "").rstrip("/") or None,
            client_id=data.client_id,
            client_secret_sealed=None if data.client_secret is None else encryption.keyring_of(session).seal(data.client_secret),
            idp_metadata=data.idp_metadata if data.protocol == SsoProtocol.SAML else None,
            role_mapping=[rule.model_dump(mode="json") for rule in data.role_mapping],
            default_role=data.default_role,
            sso_required=data.sso_required,
        )
    )
    for domain in data.domains:
        SsoDomainRepository(session).add(connection_service.new_domain(connection.id, domain))
    audit.record(
        session,
        actor,
        "sso_connection.created",
        entity_type="sso_connection",
        entity_id=connection.id,
        partner_id=connection.partner_id,
        after={**snapshot(connection, CONNECTION_FIELDS), "domains": data.domains},
    )
    return connection


def discover(session: Session, *, email: str) -> Discovery | None:
    """The connection a verified domain of the address belongs to (home-realm discovery), if any;
    switched off, it is said so (`enabled`) rather than offered."""
    connection = SsoConnectionRepository(session).claiming(provisioning.email_domain(email))
    if connection is None:
        return None
    return Discovery(connection_id=connection.id, name=connection.name, required=connection.sso_required, enabled=connection.is_enabled)


def enabled_connection(session: Session, *, connection_id: int) -> SsoConnection:
    connection = SsoConnectionRepository(session).get(connection_id)
    if connection is None or not connection.is_enabled:
        raise NotFound("There is no single sign-on at this address.")
    return connection


def sign_in(session: Session, *, connection_id: int, claims: dict[str, Any], request: SessionRequest, assertion: saml.Accepted | None = None) -> SignInOutcome:
    """Sign in the person the connection's provider vouched for (claims of a validated ID token or
    assertion): the user its subject signed in before, or the active user at that address of the
    connection's own organisation, or a new one provisioned just in time with the mapped role. A
    refusal is audited against the connection and said to the person in one sentence."""
    connection = enabled_connection(session, connection_id=connection_id)
    operator = Actor.system(label=f"SSO: {connection.name}")
    try:
        if assertion is not None:
            _first_use(session, connection, assertion)
        user = _user_for(session, connection, operator, claims)
    except Refused as refused:
        audit.record(
            session,
            operator,
            "sso.sign_in_refused",
            entity_type="sso_connection",
            entity_id=connection.id,
            partner_id=connection.partner_id,
            after={"subject": str(claims.get("sub", ""))[:200], "email": str(claims.get("email", ""))[:320]},
            reason=refused.message,
        )
        return SignInOutcome(login=None, refusal=refused.message)
    login = identity_service.start_web_session(session, user=user, method=SignInMethod.SSO, request=request, via=connection.name)
    return SignInOutcome(login=login, refusal=None)


def record_refusal(session: Session, *, connection_id: int, reason: str) -> None:
    """Audit an identity provider's answer refused before anyone was identified (a bad signature,
    another audience, an expired token)."""
    connection = SsoConnectionRepository(session).get(connection_id)
    if connection is None:
        return
    operator = Actor.system(label=f"SSO: {connection.name}")
    audit.record(
        session, operator, "sso.sign_in_refused", entity_type="sso_connection", entity_id=connection.id, partner_id=connection.partner_id, reason=reason[:500]
    )


def _first_use(session: Session, connection: SsoConnection, assertion: saml.Accepted) -> None:
    """A SAML assertion signs in once: a second use of the same one is a replay."""
    seen = SamlAssertionRepository(session)
    if seen.known(assertion.assertion_id):
        raise Refused("This SAML answer was already used. Start again from the login page.")
    seen.add(SamlAssertionSeen(assertion_id=assertion.assertion_id[:255], connection_id=connection.id, keep_until=assertion.valid_until))


def _user_for(session: Session, connection: SsoConnection, operator: Actor, claims: dict[str, Any]) -> User:
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused("Your identity provider did not say who you are.")
    domains = SsoDomainRepository(session).verified_of(connection.id)
    email = provisioning.check_identity(email=claims.get("email"), email_verified=claims.get("email_verified") is True, domains=domains)
    role = provisioning.mapped_role(claims, provisioning.parse_rules(connection.role_mapping), connection.default_role)
    identities = SsoIdentityRepository(session)
    users = UserRepository(session)
    known = identities.find(connection.id, subject)
    user = users.get(known.user_id) if known is not None else users.by_email(email)
    if user is not None and user.partner_id != connection.partner_id:
        # An address at this connection's domain held by another organisation's (or the vendor's) user.
        raise Refused("Your identity provider may not sign in this account.")
    if user is not None and not user.is_active:
        raise Refused("Your account is deactivated. Ask your administrator to reactivate it.")
    if user is None:
        role = provisioning.check_role(role, connection_partner_id=connection.partner_id)
        user = _provision(session, connection, operator, email=email, name=str(claims.get("name") or email)[:200], role=role)
    else:
        role_sync_service.resync(session, connection, operator, user=user, mapped=role)
    now = clock.now()
    if known is None:
        identities.add(SsoIdentity(connection_id=connection.id, subject=subject, user_id=user.id, created_at=now, last_sign_in_at=now))
    else:
        known.last_sign_in_at = now
    return user


def _provision(session: Session, connection: SsoConnection, operator: Actor, *, email: str, name: str, role: Role) -> User:
    user = UserRepository(session).add(User(email=email, name=name, role=role, partner_id=connection.partner_id, password_hash=None))
    audit.record(
        session,
        operator,
        "user.provisioned",
        entity_type="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        after={**snapshot(user, identity_service.USER_FIELDS), "connection": connection.id},
        reason="just-in-time at the first single sign-on",
    )
    return user


def password_refusal(session: Session, *, email: str) -> Discovery | None:
    """The connection whose "SSO required" forbids this address a password login, if any."""
    found = discover(session, email=email)
    return found if found is not None and found.required else None


@dataclass(frozen=True)
class OidcClient:
    """What the relying party needs of a connection to talk to its provider."""

    connection_id: int
    issuer: str
    client_id: str
    client_secret: str


def oidc_client(session: Session, *, connection_id: int) -> OidcClient:
    connection = enabled_connection(session, connection_id=connection_id)
    if connection.protocol != SsoProtocol.OIDC or not (connection.issuer and connection.client_id and connection.client_secret_sealed):
        raise NotFound("There is no OpenID Connect sign-in at this address.")
    secret = encryption.keyring_of(session).open(connection.client_secret_sealed)
    return OidcClient(connection_id=connection.id, issuer=connection.issuer, client_id=connection.client_id, client_secret=secret)


def sign_in_with_password(
    session: Session, *, email: str, password: str, request: SessionRequest, max_failures: int, window: timedelta
) -> Login | SecondStepNeeded | Discovery | None:
    """A password login, unless the address's organisation requires single sign-on: then the
    connection to use instead (the password is not even checked, so this door tells a guesser nothing)."""
    required = password_refusal(session, email=email)
    if required is not None:
        return required
    return identity_service.log_in(
        session,
        email=email,
        password=password,
        client=request.client,
        user_agent=request.user_agent,
        max_failures=max_failures,
        window=window,
        policy=request.policy,
    )


@dataclass(frozen=True)
class SamlSettings:
    connection_id: int
    idp_metadata: str


def saml_settings(session: Session, *, connection_id: int) -> SamlSettings:
    connection = enabled_connection(session, connection_id=connection_id)
    if connection.protocol != SsoProtocol.SAML or not connection.idp_metadata:
        raise NotFound("There is no SAML sign-in at this address.")
    return SamlSettings(connection_id=connection.id, idp_metadata=connection.idp_metadata)


def protocol_of(session: Session, *, connection_id: int) -> SsoProtocol:
    return enabled_connection(session, connection_id=connection_id).protocol
