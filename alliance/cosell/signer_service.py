"""Who acts for each side of a partner's co-sell work: the people told when a plan or a dispute
needs them. One place, so plans and disputes name the same people."""

from __future__ import annotations

from sqlalchemy.orm import Session

from alliance.cosell.vocabulary import Side
from alliance.identity.permissions import Permission, roles_with
from alliance.identity.repository import UserRepository
from alliance.identity.scope import PARTNER_ROLES, VENDOR_ROLES


def side_user_ids(session: Session, *, partner_id: int, side: Side, permission: Permission) -> list[int]:
    """The active users of `side` whose role holds `permission`: the partner's own (its admins,
    for signing and disputes), or every vendor user's (PS leads and program admins sign plans; a
    permission CAMs hold would name every CAM, not this partner's: disputes name theirs)."""
    users = UserRepository(session)
    if side == Side.PARTNER:
        return users.active_partner_user_ids(partner_id=partner_id, roles=[r for r in roles_with(permission) if r in PARTNER_ROLES])
    return users.active_vendor_ids(roles=[r for r in roles_with(permission) if r in VENDOR_ROLES])
