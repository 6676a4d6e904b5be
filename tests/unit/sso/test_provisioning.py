"""Who an identity provider may sign in, as rules: role mapping, and the limits no mapping lifts."""

from __future__ import annotations

import pytest

from alliance.identity.scope import Role
from alliance.sso import oidc, provisioning
from alliance.sso.provisioning import Refused, RoleRule

RULES = [RoleRule("groups", "alliance-admins", Role.PARTNER_ADMIN), RoleRule("department", "sales", Role.PARTNER_USER)]


def test_the_first_matching_rule_wins_and_the_default_applies_otherwise():
    assert provisioning.mapped_role({"groups": ["x", "alliance-admins"], "department": "sales"}, RULES, None) == Role.PARTNER_ADMIN
    assert provisioning.mapped_role({"department": "sales"}, RULES, None) == Role.PARTNER_USER
    assert provisioning.mapped_role({"groups": ["other"]}, RULES, Role.PARTNER_USER) == Role.PARTNER_USER
    assert provisioning.mapped_role({}, RULES, None) is None


def test_a_partner_connection_never_grants_a_vendor_role_nor_the_vendor_a_partner_role():
    with pytest.raises(Refused, match="may not grant"):
        provisioning.check_role(Role.PROGRAM_ADMIN, connection_partner_id=7)
    with pytest.raises(Refused, match="may not grant"):
        provisioning.check_role(Role.PARTNER_ADMIN, connection_partner_id=None)
    assert provisioning.check_role(Role.CAM, connection_partner_id=None) == Role.CAM
    with pytest.raises(Refused, match="no role"):
        provisioning.check_role(None, connection_partner_id=7)


def test_only_verified_addresses_at_the_connections_domains():
    assert provisioning.check_identity(email=" Ada@Harbor.example ", email_verified=True, domains=["harbor.example"]) == "ada@harbor.example"
    for email, verified in (("ada@other.example", True), ("ada@harbor.example", False), (None, True), ("ada@sub.harbor.example", True)):
        with pytest.raises(Refused):
            provisioning.check_identity(email=email, email_verified=verified, domains=["harbor.example"])


def test_domains_are_normalised_and_junk_refused():
    assert provisioning.normalise_domain(" @Harbor.Example. ") == "harbor.example"
    for junk in ("harbor", "har bor.example", "-.example" * 40):
        with pytest.raises(ValueError):
            provisioning.normalise_domain(junk)


def test_providers_are_reached_over_https_or_on_this_machine_only():
    assert oidc.require_safe_url("https://idp.example/.well-known/openid-configuration")
    assert oidc.require_safe_url("http://127.0.0.1:4000/jwks")
    with pytest.raises(oidc.OidcError):
        oidc.require_safe_url("http://idp.example/jwks")
