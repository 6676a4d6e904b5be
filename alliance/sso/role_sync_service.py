"""Signing in again through a connection re-syncs the user's role from the identity provider's
groups as the connection maps them today: the provider is the source of truth for its users.

- A new mapped role replaces the old one (sessions of the old role end; audited before/after).
- A role the connection may not grant (a vendor role from a partner's provider) is refused and
  changes nothing.
- No role at all (no rule matches, no default role) deactivates the user: their sessions and API
  tokens end, and the sign-in is refused with a sentence saying why.
- An organisation keeps its last active partner admin (identity's rule): a re-sync demoting or
  deactivating it is refused and the user is left as they were, so the organisation's channel
  account manager can name another admin first."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict
from alliance.identity import service as identity_service
from alliance.identity.models import User
from alliance.identity.schemas import UserUpdate
from alliance.identity.scope import Actor, Role
from alliance.sso import provisioning
from alliance.sso.models import SsoConnection
from alliance.sso.provisioning import Refused

NO_ROLE = "Your identity provider's groups no longer give you a role in Alliance, so your account is deactivated. Ask your administrator for access."
LAST_ADMIN = (
    "Your identity provider's groups no longer make you a partner admin, but you are your organisation's last one: "
    "ask your channel account manager to name another partner admin first."
)


def resync(session: Session, connection: SsoConnection, operator: Actor, *, user: User, mapped: Role | None) -> None:
    """Bring an active user's role in line with `mapped` (the connection's mapping of the claims
    just received); raises Refused when the sign-in must not go on."""
    if mapped is None:
        _change(session, operator, user, UserUpdate(is_active=False))
        audit.record(
            session,
            operator,
            "user.deprovisioned",
            entity_type="user",
            entity_id=user.id,
            partner_id=user.partner_id,
            before={"role": user.role.value, "is_active": True},
            after={"is_active": False},
            reason=f"single sign-on through {connection.name}: the identity provider's groups map to no role",
        )
        raise Refused(NO_ROLE)
    role = provisioning.check_role(mapped, connection_partner_id=connection.partner_id)
    if role == user.role:
        return
    before = user.role.value
    _change(session, operator, user, UserUpdate(role=role))
    audit.record(
        session,
        operator,
        "user.role_resynced",
        entity_type="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        before={"role": before},
        after={"role": role.value},
        reason=f"single sign-on through {connection.name}: the identity provider's groups changed",
    )


def _change(session: Session, operator: Actor, user: User, data: UserUpdate) -> None:
    try:
        identity_service.update_user(session, operator, user_id=user.id, data=data)
    except Conflict as exc:
        raise Refused(LAST_ADMIN) from exc
