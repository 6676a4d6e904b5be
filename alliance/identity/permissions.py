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
    # co-sell
    COSELL_READ = "cosell.read"
    COSELL_REQUESTS_CREATE = "cosell_requests.create"
    COSELL_REQUESTS_RESPOND = "cosell_requests.respond"
    COSELL_REQUESTS_ASSIGNEE = "cosell_requests.assignee"
    COSELL_OVERSIGHT = "cosell.oversight"
    COSELL_SWEEP = "cosell.sweep"
    COSELL_ROUTING_READ = "cosell_routing.read"
    COSELL_ROUTING_WRITE = "cosell_routing.write"
    PLANS_SIGN = "codelivery_plans.sign"
    CONSENTS_WRITE = "engagement_consents.write"
    ENGAGEMENTS_STAFF = "ps_engagements.staff"
    ENGAGEMENTS_OVERRIDE = "ps_engagements.override"
    DISPUTES_OPEN = "disputes.open"
    DISPUTES_ESCALATE = "disputes.escalate"
    DISPUTES_DECIDE = "disputes.decide"


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
    # co-sell
    Permission.COSELL_READ: Grant(EVERYONE, "read co-sell requests, co-delivery plans, consents, engagements and disputes (partners: their own)"),
    Permission.COSELL_REQUESTS_CREATE: Grant(PARTNER_ROLES, "ask for vendor co-sell help on their own registrations"),
    Permission.COSELL_REQUESTS_RESPOND: Grant(
        frozenset({Role.PROGRAM_ADMIN, Role.PS_LEAD, Role.COSELL_RESOURCE}), "accept, start, decline, complete and assign co-sell requests"
    ),
    Permission.COSELL_REQUESTS_ASSIGNEE: Grant(frozenset({Role.COSELL_RESOURCE}), "be assigned co-sell requests"),
    Permission.COSELL_OVERSIGHT: Grant(VENDOR_ROLES, "read the co-sell breach list, the co-sell report and the dispute report"),
    Permission.COSELL_SWEEP: Grant(_ADMIN, "run the co-sell SLA and dispute escalation sweeps"),
    Permission.COSELL_ROUTING_READ: Grant(VENDOR_ROLES, "read co-sell routing rules, team queues and business calendars"),
    Permission.COSELL_ROUTING_WRITE: Grant(_ADMIN, "change co-sell routing rules, team queues and business calendars"),
    Permission.PLANS_SIGN: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.PS_LEAD, Role.PROGRAM_ADMIN}),
        "propose and sign co-delivery plan versions for their side (partner admins for the partner, the others for the vendor)",
    ),
    Permission.CONSENTS_WRITE: Grant(frozenset({Role.PARTNER_ADMIN}), "give and revoke consents to vendor PS on accounts their organisation protects"),
    Permission.ENGAGEMENTS_STAFF: Grant(frozenset({Role.PS_LEAD, Role.PROGRAM_ADMIN}), "staff vendor PS engagements within the rules of engagement"),
    Permission.ENGAGEMENTS_OVERRIDE: Grant(_ADMIN, "staff vendor PS despite the rules of engagement, with a reason (recorded as a violation)"),
    Permission.DISPUTES_OPEN: Grant(
        frozenset({Role.PARTNER_ADMIN, Role.CAM, Role.PS_LEAD, Role.PROGRAM_ADMIN}), "open scope disputes on plan activities and vendor PS engagements"
    ),
    Permission.DISPUTES_ESCALATE: Grant(frozenset({Role.CAM, Role.PS_LEAD, Role.PROGRAM_ADMIN}), "escalate open scope disputes one level"),
    Permission.DISPUTES_DECIDE: Grant(
        frozenset({Role.CAM, Role.PS_LEAD, Role.EXECUTIVE, Role.PROGRAM_ADMIN}),
        "decide scope disputes, at the ladder levels the program names them deciders of",
    ),
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
