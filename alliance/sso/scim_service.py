"""SCIM 2.0 provisioning (RFC 7643/7644) for one connection's identity provider: create, read,
replace, patch and deactivate users. The bearer token is the connection's own (shown once, stored
as SHA-256); a connection provisions only users of its own organisation at its own domains, with
the roles provisioning.py allows it. Deactivation ends the user's sessions and API tokens (through
identity.service.update_user, like a deactivation in the console)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, RuleViolation
from alliance.identity import service as identity_service
from alliance.identity import tokens
from alliance.identity.models import User
from alliance.identity.permissions import Permission, require
from alliance.identity.repository import UserRepository
from alliance.identity.schemas import UserUpdate
from alliance.identity.scope import Actor, Role
from alliance.kit import clock
from alliance.sso import provisioning
from alliance.sso.models import SsoConnection, SsoIdentity
from alliance.sso.provisioning import Refused
from alliance.sso.repository import SsoConnectionRepository, SsoDomainRepository, SsoIdentityRepository

SCIM_TOKEN_PREFIX = "scim_"


@dataclass(frozen=True)
class ScimCaller:
    """The connection a SCIM request came with, and the actor its changes are audited as."""

    connection_id: int
    partner_id: int | None
    actor: Actor


@dataclass(frozen=True)
class ScimUser:
    """What SCIM says about a user: everything the answer needs, read inside the transaction."""

    id: int
    user_name: str
    display_name: str
    active: bool
    role: Role
    external_id: str | None
    created: str
    last_modified: str


@dataclass(frozen=True)
class UserChange:
    """A create or replace: the fields the IdP sends (None: not sent)."""

    user_name: str | None = None
    display_name: str | None = None
    active: bool | None = None
    external_id: str | None = None
    roles: tuple[str, ...] = ()


def new_scim_token(session: Session, actor: Actor, *, connection_id: int) -> str:
    """A new bearer token for the connection's SCIM client (the previous one stops working); shown once."""
    require(actor, Permission.SIGN_IN_MANAGE)
    connection = SsoConnectionRepository(session).get_for_change(connection_id)
    if connection is None:
        raise NotFound(f"Connection {connection_id} not found.")
    token = SCIM_TOKEN_PREFIX + tokens.new_token().removeprefix(tokens.TOKEN_PREFIX)
    replaced = connection.scim_token_hash is not None
    connection.scim_token_hash, connection.scim_token_prefix = tokens.token_digest(token), tokens.display_prefix(token)
    audit.record(
        session,
        actor,
        "sso_connection.scim_token_issued",
        entity_type="sso_connection",
        entity_id=connection.id,
        partner_id=connection.partner_id,
        after={"prefix": connection.scim_token_prefix, "replaced": replaced},
    )
    return token


def caller_for(session: Session, *, token: str) -> ScimCaller | None:
    if not token.startswith(SCIM_TOKEN_PREFIX):
        return None
    connection = SsoConnectionRepository(session).by_scim_digest(tokens.token_digest(token))
    if connection is None or not connection.is_enabled:
        return None
    return ScimCaller(connection.id, connection.partner_id, Actor.system(label=f"SCIM: {connection.name}"))


def get_user(session: Session, caller: ScimCaller, *, user_id: int) -> ScimUser:
    return _view(session, caller, _own_user(session, caller, user_id))


def find_users(session: Session, caller: ScimCaller, *, user_name: str | None, start: int, count: int) -> tuple[int, list[ScimUser]]:
    """The connection's organisation's users (one, when filtered by userName), a page of them."""
    users = UserRepository(session)
    if user_name is not None:
        found = users.by_email(user_name)
        listed = [found] if found is not None and _is_own(session, caller, found) else []
    else:
        listed = list(session.scalars(users.filtered(partner_id=caller.partner_id, vendor_only=caller.partner_id is None).order_by(User.id)))
    return len(listed), [_view(session, caller, user) for user in listed[start - 1 : start - 1 + count]]


def create_user(session: Session, caller: ScimCaller, *, change: UserChange) -> ScimUser:
    connection = _connection(session, caller)
    email, role = _checked(session, connection, change)
    if UserRepository(session).email_exists(email):
        raise Conflict("A user with this userName already exists.", details=[{"field": "userName", "message": "uniqueness"}])
    user = UserRepository(session).add(
        User(
            email=email,
            name=(change.display_name or email)[:200],
            role=role,
            partner_id=connection.partner_id,
            password_hash=None,
            is_active=change.active is not False,
        )
    )
    if change.external_id:
        SsoIdentityRepository(session).add(SsoIdentity(connection_id=connection.id, subject=change.external_id[:255], user_id=user.id, created_at=clock.now()))
    audit.record(
        session,
        caller.actor,
        "user.provisioned",
        entity_type="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        after={**snapshot(user, identity_service.USER_FIELDS), "connection": connection.id},
        reason="SCIM",
    )
    return _view(session, caller, user)


def update_user(session: Session, caller: ScimCaller, *, user_id: int, change: UserChange) -> ScimUser:
    """A PUT or PATCH: name, role (from `roles`) and active; deactivation ends sessions and tokens."""
    connection = _connection(session, caller)
    user = _own_user(session, caller, user_id)
    if change.user_name is not None and change.user_name.strip().lower() != user.email:
        raise RuleViolation("userName cannot change: it is the person's sign-in address.", details=[{"field": "userName", "message": "mutability"}])
    fields: dict[str, Any] = {}
    if change.display_name:
        fields["name"] = change.display_name[:200]
    if change.roles:
        _, fields["role"] = _checked(session, connection, UserChange(user_name=user.email, roles=change.roles))
    if change.active is not None:
        fields["is_active"] = change.active
    if fields:
        identity_service.update_user(session, caller.actor, user_id=user.id, data=UserUpdate(**fields))
        if change.active is False:
            audit.record(session, caller.actor, "user.deprovisioned", entity_type="user", entity_id=user.id, partner_id=user.partner_id, reason="SCIM")
    return _view(session, caller, user)


def _connection(session: Session, caller: ScimCaller) -> SsoConnection:
    connection = SsoConnectionRepository(session).get(caller.connection_id)
    if connection is None:
        raise NotFound("The connection is gone.")
    return connection


def _checked(session: Session, connection: SsoConnection, change: UserChange) -> tuple[str, Role]:
    domains = SsoDomainRepository(session).verified_of(connection.id)
    rules = provisioning.parse_rules(connection.role_mapping)
    try:
        email = provisioning.check_identity(email=change.user_name, email_verified=True, domains=domains)
        role = provisioning.check_role(
            provisioning.mapped_role({"roles": list(change.roles)}, rules, connection.default_role), connection_partner_id=connection.partner_id
        )
    except Refused as refused:
        raise RuleViolation(refused.message, details=[{"field": "userName", "message": refused.message}]) from refused
    return email, role


def _is_own(session: Session, caller: ScimCaller, user: User) -> bool:
    del session
    return user.partner_id == caller.partner_id


def _own_user(session: Session, caller: ScimCaller, user_id: int) -> User:
    user = UserRepository(session).get(user_id)
    if user is None or not _is_own(session, caller, user):
        raise NotFound(f"User {user_id} not found.")
    return user


def _view(session: Session, caller: ScimCaller, user: User) -> ScimUser:
    identity = SsoIdentityRepository(session).of_user(caller.connection_id, user.id)
    return ScimUser(
        id=user.id,
        user_name=user.email,
        display_name=user.name,
        active=user.is_active,
        role=Role(user.role),
        external_id=identity.subject if identity is not None else None,
        created=user.created_at.isoformat(),
        last_modified=user.updated_at.isoformat(),
    )


# --- groups: the connection's role mapping, seen from SCIM -----------------------------------------


@dataclass(frozen=True)
class ScimGroup:
    """A rule of the role mapping as a SCIM group: its members are the organisation's active users
    holding its role (membership is not stored: the role is)."""

    id: int  # the rule's position in the mapping, from 1
    display_name: str
    role: Role
    member_ids: list[int]


def list_groups(session: Session, caller: ScimCaller) -> list[ScimGroup]:
    connection = _connection(session, caller)
    rules = provisioning.parse_rules(connection.role_mapping)
    users = list(session.scalars(UserRepository(session).filtered(partner_id=caller.partner_id, vendor_only=caller.partner_id is None).order_by(User.id)))
    return [
        ScimGroup(id=index, display_name=rule.value, role=rule.role, member_ids=[u.id for u in users if u.is_active and u.role == rule.role])
        for index, rule in enumerate(rules, start=1)
    ]


def get_group(session: Session, caller: ScimCaller, *, group_id: int) -> ScimGroup:
    found = next((group for group in list_groups(session, caller) if group.id == group_id), None)
    if found is None:
        raise NotFound(f"Group {group_id} not found.")
    return found


def change_members(session: Session, caller: ScimCaller, *, group_id: int, added: list[int], removed: list[int]) -> ScimGroup:
    """Members added get the group's role; members removed fall back to the connection's default
    role (refused when it has none: removing a group never silently removes access)."""
    group = get_group(session, caller, group_id=group_id)
    connection = _connection(session, caller)
    if removed and connection.default_role is None:
        raise RuleViolation(
            "This connection has no default role to fall back to: deactivate the user instead.", details=[{"field": "members", "message": "no default role"}]
        )
    for user_id, role in [(u, group.role) for u in added] + [(u, connection.default_role) for u in removed]:
        assert role is not None
        user = _own_user(session, caller, user_id)
        if user.role != role:
            identity_service.update_user(session, caller.actor, user_id=user.id, data=UserUpdate(role=role))
    return get_group(session, caller, group_id=group_id)
