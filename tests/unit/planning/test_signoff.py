"""The shared two-sided sign-off (agreements.signoff): drafts and superseded versions refuse signatures."""

from __future__ import annotations

import pytest

from alliance.agreements import signoff
from alliance.agreements.signoff import Side, VersionStatus
from alliance.cosell.vocabulary import PlanVersionStatus
from alliance.errors import Conflict
from alliance.identity.permissions import Permission
from alliance.identity.scope import Actor, Role


def test_both_sides_agree() -> None:
    first = signoff.sign(VersionStatus.PROPOSED, side=Side.PARTNER, partner_signed=False, vendor_signed=False)
    second = signoff.sign(VersionStatus.PROPOSED, side=Side.VENDOR, partner_signed=True, vendor_signed=False)
    assert (first.changed, first.agreed, second.changed, second.agreed) == (True, False, True, True)


def test_a_draft_and_a_superseded_version_are_not_signed() -> None:
    with pytest.raises(Conflict, match="draft"):
        signoff.sign(VersionStatus.DRAFT, side=Side.PARTNER, partner_signed=False, vendor_signed=False)
    with pytest.raises(Conflict, match="superseded"):
        signoff.sign(PlanVersionStatus.SUPERSEDED, side=Side.PARTNER, partner_signed=False, vendor_signed=False)


def test_sides_follow_the_permission_named() -> None:
    cam = Actor(user_id=1, role=Role.CAM, partner_id=None, label="cam")
    assert signoff.side_of(cam, Permission.BUSINESS_PLANS_SIGN) == Side.VENDOR
    assert signoff.side_of(cam, Permission.PLANS_SIGN) is None  # co-delivery plans: PS leads sign for the vendor
    admin = Actor(user_id=2, role=Role.PARTNER_ADMIN, partner_id=7, label="pa")
    assert signoff.require_side(admin, Permission.BUSINESS_PLANS_SIGN) == Side.PARTNER
    assert signoff.unsigned_by(VersionStatus.PROPOSED, Side.PARTNER, partner_signed=False, vendor_signed=True)
    assert not signoff.unsigned_by(VersionStatus.DRAFT, Side.PARTNER, partner_signed=False, vendor_signed=False)
