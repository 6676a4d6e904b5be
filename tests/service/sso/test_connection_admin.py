"""Administering single sign-on connections (connection_service): who may change which connection,
the roles a partner's connection may grant whoever edits it, deletion refused while users are
linked, domains proven by a real DNS TXT lookup or marked verified by a program admin, and only
verified domains counting for discovery and "SSO required"."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alliance.config import get_settings
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.identity.scope import PartnerScope, Role
from alliance.kit import clock
from alliance.sso import connection_service
from alliance.sso import service as sso_service
from alliance.sso.models import SsoIdentity
from alliance.sso.schemas import ConnectionUpdate
from alliance.sso.vocabulary import DomainProof
from tests.factories.sso import build_connections
from tests.idp.dns_server import serving
from tests.service.test_sessions import events


@pytest.fixture
def built(world):  # type: ignore[no-untyped-def]
    return build_connections(world.db, world)


def discovered(db, email: str):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        return sso_service.discover(session, email=email)


class TestUpdateConnection:
    def test_a_partner_admin_edits_their_own_connection_and_new_domains_start_unverified(self, world, unit, actors, built):
        a = built["a"]["connection_id"]
        with unit(actors["a_admin"]) as session:
            data = ConnectionUpdate(name="Northwind Okta", domains=["a-sso.example", "@Northwind-Two.example"], sso_required=True, default_role="partner_admin")
            detail = connection_service.update_connection(session, actors["a_admin"], connection_id=a, data=data)
        assert detail.name == "Northwind Okta" and detail.sso_required and detail.default_role is Role.PARTNER_ADMIN
        assert [(d.domain, d.verified) for d in detail.domains] == [("a-sso.example", False), ("northwind-two.example", False)]
        assert detail.domains[1].txt_value.startswith("alliance-domain-verification=") and detail.domains[0].txt_value != detail.domains[1].txt_value
        [event] = events(world.db, "sso_connection.updated")
        assert event.before["name"] == "A SSO" and event.after["domains"] == ["a-sso.example", "northwind-two.example"]

    def test_hostile_partner_admins_reach_neither_vendor_roles_nor_other_connections(self, world, unit, actors, built):
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation, match="can only grant partner roles"):
            connection_service.update_connection(
                session,
                actors["a_admin"],
                connection_id=built["a"]["connection_id"],
                data=ConnectionUpdate(role_mapping=[{"claim": "groups", "value": "admins", "role": "program_admin"}]),
            )
        data = ConnectionUpdate(default_role="cam")
        with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation, match="partner roles"):
            connection_service.update_connection(session, actors["a_admin"], connection_id=built["a"]["connection_id"], data=data)
        # Partner B's connection is "not found" to A's admin, as a missing one is.
        for connection_id in (built["b"]["connection_id"], 987654):
            with unit(actors["a_admin"]) as session, pytest.raises(NotFound):
                connection_service.update_connection(session, actors["a_admin"], connection_id=connection_id, data=ConnectionUpdate(name="Mine now"))
        # Moving the connection to another organisation is not a field at all.
        with pytest.raises(ValidationError):
            ConnectionUpdate.model_validate({"partner_id": world.b.id})
        # A partner user may not manage it; nor may a partner admin vouch for a domain by hand.
        with unit(actors["a_user"]) as session, pytest.raises(PermissionDenied):
            connection_service.get_detail(session, actors["a_user"], connection_id=built["a"]["connection_id"])
        with unit(actors["a_admin"]) as session, pytest.raises(PermissionDenied):
            connection_service.mark_domain_verified(
                session, actors["a_admin"], connection_id=built["a"]["connection_id"], domain_id=built["a"]["domain_id"], reason="trust me, it is ours"
            )
        with unit(actors["admin"]) as session:
            assert connection_service.get_detail(session, actors["admin"], connection_id=built["b"]["connection_id"]).name == "B SSO"

    def test_a_claim_nobody_proved_blocks_no_one_and_a_proven_domain_is_one_connections_alone(self, world, unit, actors, built):
        a, b = built["a"], built["b"]
        # A's admin claims B's domain while B has not proven it yet: allowed, and it counts for nothing.
        with unit(actors["a_admin"]) as session:
            squatted = connection_service.update_connection(
                session, actors["a_admin"], connection_id=a["connection_id"], data=ConnectionUpdate(domains=["a-sso.example", "b-sso.example"])
            )
        squat_id = next(d.id for d in squatted.domains if d.domain == "b-sso.example")
        assert discovered(world.db, "someone@b-sso.example") is None
        # B, the owner, proves it (here a program admin vouches for it) although A claims it too.
        with unit(actors["admin"]) as session:
            connection_service.mark_domain_verified(
                session, actors["admin"], connection_id=b["connection_id"], domain_id=b["domain_id"], reason="B's IT confirmed by phone"
            )
        assert discovered(world.db, "someone@b-sso.example").name == "B SSO"
        # From then on the domain is B's alone: A can neither prove its claim nor claim it afresh.
        with unit(actors["admin"]) as session, pytest.raises(Conflict, match=r"b-sso\.example"):
            connection_service.mark_domain_verified(session, actors["admin"], connection_id=a["connection_id"], domain_id=squat_id, reason="mistaken vouching")
        with unit(actors["admin"]) as session, pytest.raises(Conflict, match=r"b-sso\.example"):
            connection_service.update_connection(
                session, actors["admin"], connection_id=a["connection_id"], data=ConnectionUpdate(domains=["b-sso.example", "c.example"])
            )


class TestDeleteConnection:
    def test_deleting_is_refused_while_users_are_linked_and_audited_when_done(self, world, unit, actors, built):
        b = built["b"]["connection_id"]
        with world.db.session_scope(PartnerScope.system(reason="test: a linked user")) as session:
            session.add(SsoIdentity(connection_id=b, subject="b-1", user_id=world.users["b_user"], created_at=clock.now(), last_sign_in_at=None))
        with unit(actors["b_admin"]) as session, pytest.raises(Conflict, match="has signed in 1 user"):
            connection_service.delete_connection(session, actors["b_admin"], connection_id=b)
        # Switching it off is always possible.
        with unit(actors["b_admin"]) as session:
            assert not connection_service.update_connection(session, actors["b_admin"], connection_id=b, data=ConnectionUpdate(is_enabled=False)).is_enabled

        a = built["a"]["connection_id"]
        with unit(actors["a_admin"]) as session:
            connection_service.delete_connection(session, actors["a_admin"], connection_id=a)
        with unit(actors["admin"]) as session:
            assert [d.name for d in connection_service.list_details(session, actors["admin"])] == ["B SSO"]
        [deleted] = events(world.db, "sso_connection.deleted")
        assert deleted.before["name"] == "A SSO" and deleted.before["domains"] == ["a-sso.example"]


class TestDomainVerification:
    def test_the_dns_txt_record_proves_a_domain_and_only_then_it_counts(self, world, unit, actors, built, monkeypatch):
        a, domain_id = built["a"]["connection_id"], built["a"]["domain_id"]
        with unit(actors["admin"]) as session:
            connection_service.update_connection(session, actors["admin"], connection_id=a, data=ConnectionUpdate(sso_required=True))
            expected = connection_service.get_detail(session, actors["admin"], connection_id=a).domains[0].txt_value
        # Unverified: no discovery, and passwords still work at the domain.
        assert discovered(world.db, "x@a-sso.example") is None
        with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert sso_service.password_refusal(session, email="x@a-sso.example") is None

        with serving(monkeypatch) as dns:
            with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation, match="no verification record yet"):
                connection_service.check_domain(session, actors["a_admin"], connection_id=a, domain_id=domain_id)
            dns.records["a-sso.example"] = ["v=spf1 -all", "alliance-domain-verification=someone-elses"]
            with unit(actors["a_admin"]) as session, pytest.raises(RuleViolation, match="someone-elses"):
                connection_service.check_domain(session, actors["a_admin"], connection_id=a, domain_id=domain_id)
            dns.records["a-sso.example"].append(expected)
            with unit(actors["a_admin"]) as session:
                state = connection_service.check_domain(session, actors["a_admin"], connection_id=a, domain_id=domain_id)
        assert state.verified and state.verified_by == DomainProof.DNS
        [event] = events(world.db, "sso_domain.verified")
        assert event.after == {"domain": "a-sso.example", "verified_by": "dns"}

        found = discovered(world.db, "x@A-SSO.example")
        assert found is not None and found.name == "A SSO" and found.required and found.enabled
        # Switched off, an SSO-required connection still refuses passwords, and says it is off.
        with unit(actors["a_admin"]) as session:
            connection_service.update_connection(session, actors["a_admin"], connection_id=a, data=ConnectionUpdate(is_enabled=False))
        with world.db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            refusal = sso_service.password_refusal(session, email="x@a-sso.example")
        assert refusal is not None and not refusal.enabled

    def test_dns_that_does_not_answer_changes_nothing(self, unit, actors, built, monkeypatch):
        with serving(monkeypatch) as dns:
            dns.close()  # nobody answers on the port any more
            monkeypatch.setattr(get_settings(), "sso_dns_timeout_seconds", 0.3)
            with unit(actors["admin"]) as session, pytest.raises(RuleViolation, match="DNS did not answer"):
                connection_service.check_domain(session, actors["admin"], connection_id=built["a"]["connection_id"], domain_id=built["a"]["domain_id"])

    def test_a_program_admin_marks_a_domain_verified_with_a_reason(self, world, unit, actors, built):
        ids = {"connection_id": built["b"]["connection_id"], "domain_id": built["b"]["domain_id"]}
        with unit(actors["admin"]) as session, pytest.raises(RuleViolation, match="Say why"):
            connection_service.mark_domain_verified(session, actors["admin"], reason="  ", **ids)
        with unit(actors["admin"]) as session:
            state = connection_service.mark_domain_verified(session, actors["admin"], reason="Blue Harbor's IT confirmed by phone", **ids)
        assert state.verified_by == DomainProof.MANUAL
        [event] = events(world.db, "sso_domain.verified")
        assert event.reason == "Blue Harbor's IT confirmed by phone" and event.partner_id == world.b.id
        assert discovered(world.db, "someone@b-sso.example").name == "B SSO"
