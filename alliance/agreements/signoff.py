"""The double sign-off shared by every two-sided agreement (co-delivery plans, joint business
plans), without a session.

Proposing a version does not sign it; each side signs explicitly (who may sign is a Permission the
caller names: a partner signs for the partner side, vendor staff for the vendor). A version is
agreed once both sides signed; a superseded version can no longer be signed, nor can a draft.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.errors import Conflict
from alliance.identity.permissions import Permission, can, require
from alliance.identity.scope import Actor


class Side(StrEnum):
    PARTNER = "partner"
    VENDOR = "vendor"


class VersionStatus(StrEnum):
    """Where one version of an agreement stands. Co-delivery plans use the last three."""

    DRAFT = "draft"  # still being written; nobody signs it yet
    PROPOSED = "proposed"  # waiting for one or both sign-offs
    AGREED = "agreed"  # both sides signed
    SUPERSEDED = "superseded"  # a later version replaced it


def side_of(actor: Actor, permission: Permission) -> Side | None:
    """The side an actor proposes and signs for; None for roles without `permission`."""
    if not can(actor, permission):
        return None
    return Side.PARTNER if actor.is_partner else Side.VENDOR


def require_side(actor: Actor, permission: Permission) -> Side:
    require(actor, permission)
    return Side.PARTNER if actor.is_partner else Side.VENDOR


def unsigned_by(status: str, side: Side, *, partner_signed: bool, vendor_signed: bool) -> bool:
    """Whether `side` still has a signature to give on a version in `status`."""
    return status == VersionStatus.PROPOSED and not (partner_signed if side == Side.PARTNER else vendor_signed)


@dataclass(frozen=True)
class SignOff:
    """The outcome of one side signing: whether anything changed and whether the version is now agreed."""

    changed: bool
    agreed: bool


def sign(status: str, *, side: Side, partner_signed: bool, vendor_signed: bool) -> SignOff:
    """Signing twice for one side changes nothing; signing a superseded version or a draft is refused."""
    if status == VersionStatus.SUPERSEDED:
        raise Conflict("This version was superseded by a later one; sign the latest version instead.")
    if status == VersionStatus.DRAFT:
        raise Conflict("This version is still a draft; propose it before signing.")
    already = partner_signed if side == Side.PARTNER else vendor_signed
    if already:
        return SignOff(changed=False, agreed=status == VersionStatus.AGREED)
    partner_signed = partner_signed or side == Side.PARTNER
    vendor_signed = vendor_signed or side == Side.VENDOR
    return SignOff(changed=True, agreed=partner_signed and vendor_signed)
