"""Who an identity provider's sign-in may be here, as rules: the role its groups or claims map to,
and the limits no mapping can lift. A partner's connection only ever yields a user of that partner
with a partner role, at one of the connection's own domains: an IdP asserting a vendor role, or an
address at another organisation's domain, is refused, whatever its configuration says."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alliance.identity.scope import Role


@dataclass(frozen=True)
class RoleRule:
    """When the claim `claim` equals `value` (or is a list containing it), the user gets `role`."""

    claim: str
    value: str
    role: Role


class Refused(Exception):
    """The sign-in cannot go on; `message` is shown to the person (it names no other organisation)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def normalise_domain(text: str) -> str:
    domain = text.strip().lower().removeprefix("@").rstrip(".")
    labels = domain.split(".")
    if len(labels) < 2 or not all(label and len(label) <= 63 and label.replace("-", "").isalnum() for label in labels) or len(domain) > 253:
        raise ValueError(f"{text!r} is not an e-mail domain")
    return domain


def parse_rules(raw: Sequence[Mapping[str, Any]]) -> list[RoleRule]:
    return [RoleRule(claim=str(rule["claim"]), value=str(rule["value"]), role=Role(rule["role"])) for rule in raw]


def mapped_role(claims: Mapping[str, Any], rules: Sequence[RoleRule], default_role: Role | None) -> Role | None:
    """The role of the first rule the claims meet; the default otherwise (None: no access)."""
    for rule in rules:
        value = claims.get(rule.claim)
        if value == rule.value or (isinstance(value, list) and rule.value in value):
            return rule.role
    return default_role


def allowed_role(role: Role, *, connection_partner_id: int | None) -> bool:
    """A partner's connection grants partner roles only; the vendor's, vendor roles only."""
    return role.is_partner_role == (connection_partner_id is not None)


def check_identity(*, email: str | None, email_verified: bool, domains: Sequence[str]) -> str:
    """The address to sign in as: present, verified by the provider, at one of the connection's domains."""
    if not email or "@" not in email:
        raise Refused("Your identity provider did not send an e-mail address.")
    if not email_verified:
        raise Refused("Your identity provider has not verified your e-mail address.")
    address = email.strip().lower()
    if email_domain(address) not in domains:
        raise Refused("Your identity provider may not sign in this address: its domain does not belong to this connection.")
    return address


def check_role(role: Role | None, *, connection_partner_id: int | None) -> Role:
    if role is None:
        raise Refused("Your identity provider's groups give you no role in Alliance. Ask your administrator for access.")
    if not allowed_role(role, connection_partner_id=connection_partner_id):
        raise Refused("Your identity provider asserted a role it may not grant.")
    return role
