"""Who is acting, and which partners' data they may touch.

`scope_for(actor)` is the only way a request gets a scope; `PartnerScope.system(reason=...)` is the
explicit, greppable escape hatch for jobs, the CLI and cross-partner rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

# PartnerScope lives in kit (below db and the repository base); scope_for below is how a request gets one.
from alliance.kit.tenancy import PartnerScope as PartnerScope


class Role(StrEnum):
    PROGRAM_ADMIN = "program_admin"
    CAM = "cam"
    PS_LEAD = "ps_lead"
    COSELL_RESOURCE = "cosell_resource"
    EXECUTIVE = "executive"
    AUDITOR = "auditor"
    PARTNER_ADMIN = "partner_admin"
    PARTNER_USER = "partner_user"

    @property
    def is_partner_role(self) -> bool:
        return self in PARTNER_ROLES

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


PARTNER_ROLES = frozenset({Role.PARTNER_ADMIN, Role.PARTNER_USER})
VENDOR_ROLES = frozenset(Role) - PARTNER_ROLES
ROLE_LABELS = {
    Role.PROGRAM_ADMIN: "Program admin",
    Role.CAM: "Channel account manager",
    Role.PS_LEAD: "PS lead",
    Role.COSELL_RESOURCE: "Co-sell resource",
    Role.EXECUTIVE: "Executive",
    Role.AUDITOR: "Auditor",
    Role.PARTNER_ADMIN: "Partner admin",
    Role.PARTNER_USER: "Partner user",
}


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int | None
    role: Role
    partner_id: int | None
    label: str

    @property
    def is_partner(self) -> bool:
        return self.role.is_partner_role

    @classmethod
    def system(cls, label: str = "system") -> Actor:
        """The actor for CLI commands and scheduled jobs run by an operator."""
        return cls(user_id=None, role=Role.PROGRAM_ADMIN, partner_id=None, label=label)


def scope_for(actor: Actor) -> PartnerScope:
    if actor.is_partner:
        if actor.partner_id is None:
            # A partner role without a partner sees nothing rather than everything.
            return PartnerScope(partner_ids=frozenset(), reason=f"partner user {actor.label}")
        return PartnerScope(partner_ids=frozenset({actor.partner_id}), reason=f"partner user {actor.label}")
    return PartnerScope(partner_ids=None, reason=f"vendor staff {actor.label}")
