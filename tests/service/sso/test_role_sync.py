"""Signing in again re-syncs the user's role from the identity provider's groups (role_sync_service.py):
a changed group changes the role (audited before/after), a vendor group from a partner's provider
changes nothing, no role at all deactivates the user, and the last partner admin is kept. The
claims are what oidc.py or saml.py hand over once the provider's answer is checked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from alliance.identity.models import User
from alliance.identity.scope import PartnerScope
from alliance.identity.service import SessionRequest
from alliance.identity.user_sessions import SessionPolicy
from alliance.sso import connection_service
from alliance.sso import service as sso_service
from alliance.sso.repository import SsoConnectionRepository
from alliance.sso.role_sync_service import LAST_ADMIN, NO_ROLE
from alliance.sso.schemas import ConnectionUpdate
from tests.factories.sso import build_connections, verify_domains
from tests.service.test_sessions import events

REQUEST = SessionRequest(client="127.0.0.1", user_agent="test", policy=SessionPolicy(idle=timedelta(hours=1), lifetime=timedelta(days=1)))


@pytest.fixture
def connection_id(world) -> int:  # type: ignore[no-untyped-def]
    built = build_connections(world.db, world)["a"]["connection_id"]
    verify_domains(world.db)
    return built


def sign_in(db, connection_id: int, *, sub: str, email: str, groups: list[str]) -> sso_service.SignInOutcome:  # type: ignore[no-untyped-def]
    claims = {"sub": sub, "email": email, "email_verified": True, "name": sub.title(), "groups": groups}
    with db.session_scope(PartnerScope.system(reason="test sign-in")) as session:
        return sso_service.sign_in(session, connection_id=connection_id, claims=claims, request=REQUEST)


def user(db, email: str) -> User:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        found = session.scalars(select(User).where(User.email == email)).one()
        session.expunge(found)
        return found


def test_changed_groups_change_the_role_and_a_vendor_group_changes_nothing(world, connection_id):
    assert sign_in(world.db, connection_id, sub="nina", email="nina@a-sso.example", groups=["admins"]).login is not None
    assert user(world.db, "nina@a-sso.example").role == "partner_admin"

    again = sign_in(world.db, connection_id, sub="nina", email="nina@a-sso.example", groups=["everyone"])
    assert again.login is not None and user(world.db, "nina@a-sso.example").role == "partner_user"
    [resynced] = events(world.db, "user.role_resynced")
    assert resynced.before == {"role": "partner_admin"} and resynced.after == {"role": "partner_user"} and "A SSO" in resynced.reason

    # A mapping slipped into the database granting a vendor role: refused, the role stays.
    with world.db.session_scope(PartnerScope.system(reason="test: misconfigured")) as session:
        connection = SsoConnectionRepository(session).get_for_change(connection_id)
        connection.role_mapping = [{"claim": "groups", "value": "vendor", "role": "program_admin"}]
    refused = sign_in(world.db, connection_id, sub="nina", email="nina@a-sso.example", groups=["vendor"])
    assert refused.login is None and "a role it may not grant" in (refused.refusal or "")
    assert user(world.db, "nina@a-sso.example").role == "partner_user"


def test_no_role_any_more_deactivates_the_user(world, connection_id, unit, actors):
    sign_in(world.db, connection_id, sub="sam", email="sam@a-sso.example", groups=["everyone"])
    with unit(actors["admin"]) as session:
        connection_service.update_connection(session, actors["admin"], connection_id=connection_id, data=ConnectionUpdate(default_role=None))
    outcome = sign_in(world.db, connection_id, sub="sam", email="sam@a-sso.example", groups=["everyone"])
    assert outcome.login is None and outcome.refusal == NO_ROLE
    assert not user(world.db, "sam@a-sso.example").is_active
    [deprovisioned] = events(world.db, "user.deprovisioned")
    assert deprovisioned.after["is_active"] is False and "map to no role" in deprovisioned.reason


def test_the_last_partner_admin_is_kept(world, connection_id):
    # Partner A's only admin signs in through A's provider (their domain is A's), no longer in its admin group.
    a_domain = world.emails["a_admin"].rpartition("@")[2]
    with world.db.session_scope(PartnerScope.system(reason="test: A's own domain")) as session:
        SsoConnectionRepository(session).get_for_change(connection_id)
        session.add(connection_service.new_domain(connection_id, a_domain))
    verify_domains(world.db)
    outcome = sign_in(world.db, connection_id, sub="a-admin", email=world.emails["a_admin"], groups=["everyone"])
    assert outcome.login is None and outcome.refusal == LAST_ADMIN
    kept = user(world.db, world.emails["a_admin"])
    assert kept.role == "partner_admin" and kept.is_active
