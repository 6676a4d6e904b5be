"""What each role may do. Services call `require(actor, Permission.X)`; there is no other check."""

from __future__ import annotations

from enum import StrEnum

from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, Role


class Permission(StrEnum):
    PARTNERS_READ = "partners.read"
    PARTNERS_WRITE = "partners.write"  # profile, people, sponsors of any partner (vendor side)
    OWN_PARTNER_WRITE = "own_partner.write"  # a partner admin editing their own organisation
    PARTNERS_CREATE = "partners.create"
    PROGRAMS_READ = "programs.read"
    PROGRAMS_WRITE = "programs.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    AUDIT_READ = "audit.read"


_VENDOR_READ = {Permission.PARTNERS_READ, Permission.PROGRAMS_READ, Permission.USERS_READ}

GRANTS: dict[Role, frozenset[Permission]] = {
    Role.PROGRAM_ADMIN: frozenset(Permission) - {Permission.OWN_PARTNER_WRITE},
    Role.CAM: frozenset(_VENDOR_READ | {Permission.PARTNERS_WRITE, Permission.PARTNERS_CREATE}),
    Role.PS_LEAD: frozenset(_VENDOR_READ),
    Role.COSELL_RESOURCE: frozenset(_VENDOR_READ),
    Role.EXECUTIVE: frozenset(_VENDOR_READ),
    Role.AUDITOR: frozenset(_VENDOR_READ | {Permission.AUDIT_READ}),
    Role.PARTNER_ADMIN: frozenset(
        {Permission.PARTNERS_READ, Permission.PROGRAMS_READ, Permission.OWN_PARTNER_WRITE, Permission.USERS_READ, Permission.USERS_WRITE}
    ),
    Role.PARTNER_USER: frozenset({Permission.PARTNERS_READ, Permission.PROGRAMS_READ, Permission.USERS_READ}),
}


def can(actor: Actor, permission: Permission) -> bool:
    return permission in GRANTS[actor.role]


def require(actor: Actor, permission: Permission) -> None:
    if not can(actor, permission):
        raise PermissionDenied(f"Your role ({actor.role.label}) does not allow {permission.value}.")


def can_edit_partner(actor: Actor, partner_id: int) -> bool:
    """Vendor editors edit any partner; a partner admin only their own (scope already enforces 'own')."""
    if can(actor, Permission.PARTNERS_WRITE):
        return True
    return can(actor, Permission.OWN_PARTNER_WRITE) and actor.partner_id == partner_id


def require_edit_partner(actor: Actor, partner_id: int) -> None:
    if not can_edit_partner(actor, partner_id):
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot change this partner's records.")
