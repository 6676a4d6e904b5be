"""What each role may do: one table, one permission per user act.

Services call `require(actor, Permission.X)` and templates `can(actor, Permission.X)`; nothing else
compares roles. `docs/permissions.md` is generated from `PERMISSIONS`. Scope (identity/scope.py)
decides *whose* records a partner reaches; this table decides *what* a role may do with them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.errors import PermissionDenied
from alliance.identity.scope import PARTNER_ROLES, VENDOR_ROLES, Actor, Role


class Permission(StrEnum):
    PARTNERS_READ = "partners.read"
    PARTNERS_WRITE = "partners.write"
    OWN_PARTNER_WRITE = "own_partner.write"
    PARTNERS_CREATE = "partners.create"
    PROGRAMS_READ = "programs.read"
    PROGRAMS_WRITE = "programs.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    AUDIT_READ = "audit.read"


@dataclass(frozen=True)
class Grant:
    roles: frozenset[Role]
    means: str  # one line for docs/permissions.md and the 403 message


EVERYONE = frozenset(Role)
_ADMIN = frozenset({Role.PROGRAM_ADMIN})

PERMISSIONS: dict[Permission, Grant] = {
    Permission.PARTNERS_READ: Grant(EVERYONE, "read partner profiles, people and sponsors (partners: their own)"),
    Permission.PARTNERS_WRITE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.CAM}), "change any partner's profile, people and sponsors"),
    Permission.OWN_PARTNER_WRITE: Grant(frozenset({Role.PARTNER_ADMIN}), "change their own organisation's profile, people and sponsors"),
    Permission.PARTNERS_CREATE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.CAM}), "enrol a new partner"),
    Permission.PROGRAMS_READ: Grant(EVERYONE, "read programs, tiers and benefits"),
    Permission.PROGRAMS_WRITE: Grant(_ADMIN, "change programs, tiers, criteria and program settings"),
    Permission.USERS_READ: Grant(EVERYONE, "read users (partners: their own organisation's)"),
    Permission.USERS_WRITE: Grant(frozenset({Role.PROGRAM_ADMIN, Role.PARTNER_ADMIN}), "create and change users (partner admins: their own organisation's)"),
    Permission.AUDIT_READ: Grant(frozenset({Role.PROGRAM_ADMIN, Role.AUDITOR}), "read and verify the audit trail"),
}

assert set(PERMISSIONS) == set(Permission), "every permission has a row in PERMISSIONS"
assert all(grant.roles <= VENDOR_ROLES | PARTNER_ROLES for grant in PERMISSIONS.values())


def can(actor: Actor, permission: Permission) -> bool:
    return actor.role in PERMISSIONS[permission].roles


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        allowed = ", ".join(role.label for role in Role if role in PERMISSIONS[permission].roles)
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot {PERMISSIONS[permission].means}; {allowed} can.")


def can_edit_partner(actor: Actor, partner_id: int) -> bool:
    """Vendor editors edit any partner; a partner admin only their own (scope already enforces 'own')."""
    if can(actor, Permission.PARTNERS_WRITE):
        return True
    return can(actor, Permission.OWN_PARTNER_WRITE) and actor.partner_id == partner_id


def require_edit_partner(actor: Actor, partner_id: int) -> None:
    if not can_edit_partner(actor, partner_id):
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot change this partner's records.")
