"""Single Logout: which SAML connection an identity provider's sign-out request comes from, and the
sessions it ends (those of the user its subject signed in, whatever device)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.identity import session_service
from alliance.identity.repository import UserRepository
from alliance.identity.scope import Actor
from alliance.identity.user_sessions import SessionEnd
from alliance.sso import saml
from alliance.sso.repository import SsoConnectionRepository, SsoIdentityRepository
from alliance.sso.service import SamlSettings
from alliance.sso.vocabulary import SsoProtocol


def connection_of_idp(session: Session, *, idp_entity_id: str) -> SamlSettings | None:
    """The enabled SAML connection whose identity provider has this entity ID, if any."""
    for connection in SsoConnectionRepository(session).listed():
        saml_metadata = connection.idp_metadata if connection.is_enabled and connection.protocol == SsoProtocol.SAML else None
        if saml_metadata and saml.idp_entity_id(saml_metadata) == idp_entity_id:
            return SamlSettings(connection_id=connection.id, idp_metadata=saml_metadata)
    return None


def end_sessions_of_subject(session: Session, *, connection_id: int, subject: str) -> int:
    """End the sessions of the user the connection's subject is (the provider signed them out);
    returns how many ended (audited as sessions.revoked by the connection)."""
    connection = SsoConnectionRepository(session).get(connection_id)
    known = SsoIdentityRepository(session).find(connection_id, subject) if connection is not None else None
    user = UserRepository(session).get(known.user_id) if known is not None else None
    if connection is None or user is None:
        return 0
    operator = Actor.system(label=f"SSO: {connection.name}")
    return session_service.end_sessions_of(session, operator, user=user, reason=SessionEnd.LOGGED_OUT)
