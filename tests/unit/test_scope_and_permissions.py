from __future__ import annotations

import pytest

from alliance.errors import PermissionDenied
from alliance.identity.permissions import Permission, can, can_edit_partner, require
from alliance.identity.scope import PARTNER_ROLES, Actor, PartnerScope, Role, scope_for


def _actor(role: Role, partner_id: int | None = None) -> Actor:
    return Actor(user_id=1, role=role, partner_id=partner_id, label="x")


def test_partner_scope_is_own_partner_only():
    scope = scope_for(_actor(Role.PARTNER_USER, 7))
    assert scope.partner_ids == frozenset({7}) and not scope.is_internal
    assert scope.allows(7) and not scope.allows(8) and not scope.allows(None)


def test_vendor_scope_is_internal():
    assert all(scope_for(_actor(role)).is_internal for role in Role if role not in PARTNER_ROLES)


def test_system_scope_names_its_reason():
    scope = PartnerScope.system(reason="nightly sweep")
    assert scope.is_internal and scope.reason == "nightly sweep"


def test_auditor_reads_everything_writes_nothing():
    auditor = _actor(Role.AUDITOR)
    assert can(auditor, Permission.AUDIT_READ) and can(auditor, Permission.PARTNERS_READ)
    writes = [p for p in Permission if p.value.endswith((".write", ".create"))]
    assert writes and not any(can(auditor, p) for p in writes)


def test_partner_admin_edits_only_own_partner():
    admin = _actor(Role.PARTNER_ADMIN, 7)
    assert can_edit_partner(admin, 7) and not can_edit_partner(admin, 8)
    assert not can_edit_partner(_actor(Role.PARTNER_USER, 7), 7)
    assert can_edit_partner(_actor(Role.CAM), 8)


def test_require_message_names_role():
    with pytest.raises(PermissionDenied, match="Executive"):
        require(_actor(Role.EXECUTIVE), Permission.PROGRAMS_WRITE)
