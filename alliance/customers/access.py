"""Who may read and change customer master data.

Customers are vendor records: every vendor role reads them, program admins and channel account
managers change them (ownership included), and partner users only ever reach them through
matching, which answers with identities.
"""

from __future__ import annotations

from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, Role

EDITOR_ROLES = frozenset({Role.PROGRAM_ADMIN, Role.CAM})


def require_vendor(actor: Actor) -> None:
    if actor.is_partner:
        raise PermissionDenied("Customer records are the vendor's; partners look customers up with matching.")


def require_editor(actor: Actor) -> None:
    if actor.role not in EDITOR_ROLES:
        raise PermissionDenied(f"Your role ({actor.role.label}) cannot change customer records; program admins and channel account managers can.")
