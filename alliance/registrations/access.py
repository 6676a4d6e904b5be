"""Who may do what with registrations.

Partner users (admins and users alike) register for their own partner and act as the partner
side; program admins and channel account managers review any registration as the vendor side.
Other vendor roles (auditor, executive, PS, co-sell) read but never act."""

from __future__ import annotations

from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, Role
from alliance.registrations.lifecycle import Side

REVIEWER_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.CAM})


def side_of(actor: Actor) -> Side | None:
    if actor.is_partner:
        return Side.PARTNER if actor.partner_id is not None else None
    return Side.VENDOR if actor.role in REVIEWER_ROLES else None


def require_side(actor: Actor) -> Side:
    side = side_of(actor)
    if side is None:
        raise PermissionDenied(f"Your role ({actor.role.label}) can read registrations but not act on them.")
    return side


def require_registrant(actor: Actor) -> int:
    """The partner the actor registers for."""
    if not actor.is_partner or actor.partner_id is None:
        raise PermissionDenied("Registrations are filed by partner users for their own organisation.")
    return actor.partner_id


def require_reviewer(actor: Actor) -> None:
    if actor.role not in REVIEWER_ROLES:
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot review registrations; program admins and channel account managers can.")


def require_vendor(actor: Actor) -> None:
    if actor.is_partner:
        raise PermissionDenied("The review queue is the vendor's.")


def require_operator(actor: Actor) -> None:
    if actor.role != Role.PROGRAM_ADMIN:
        raise PermissionDenied("Only program admins (or the operator's CLI) run sweeps.")
