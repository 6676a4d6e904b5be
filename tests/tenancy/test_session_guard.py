"""The session-level safety net catches what a repository might forget."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from alliance.db import ScopeMissing
from alliance.errors import PermissionDenied
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.partners.models import Partner, PartnerAttribute, Person


def _partner_scope(partner_id: int) -> PartnerScope:
    return scope_for(Actor(user_id=1, role=Role.PARTNER_USER, partner_id=partner_id, label="t"))


def test_unfiltered_select_only_sees_own_rows(db, world):
    session = db.open_session(_partner_scope(world.a.id))
    try:
        people = session.scalars(select(Person)).all()
        partners = session.scalars(select(Partner)).all()
        assert {p.partner_id for p in people} == {world.a.id}
        assert [p.id for p in partners] == [world.a.id]
        assert session.get(Person, world.b.person_ids[0]) is None
        assert session.get(Partner, world.b.id) is None
    finally:
        session.close()


def test_bulk_update_cannot_touch_other_partner(db, world):
    with db.session_scope(_partner_scope(world.a.id)) as session:
        session.execute(update(Person).values(title="changed"), execution_options={"synchronize_session": False})
    with db.session_scope(PartnerScope.system(reason="test check")) as session:
        titles = {p.partner_id: p.title for p in session.scalars(select(Person))}
    assert titles[world.a.id] == "changed"
    assert titles[world.b.id] is None


def test_writing_another_partners_row_is_refused(db, world):
    session = db.open_session(_partner_scope(world.a.id))
    try:
        session.add(Person(partner_id=world.b.id, name="Mole", email="m@x.example", delivery_role="sales"))
        with pytest.raises(PermissionDenied):
            session.flush()
        session.rollback()
        session.add(PartnerAttribute(partner_id=world.b.id, kind="region", value="EMEA"))
        with pytest.raises(PermissionDenied):
            session.flush()
    finally:
        session.rollback()
        session.close()


def test_partner_scope_cannot_create_partners(db, world):
    session = db.open_session(_partner_scope(world.a.id))
    try:
        session.add(Partner(legal_name="X", display_name="X", partner_type="reseller", hq_country="US"))
        with pytest.raises(PermissionDenied):
            session.flush()
    finally:
        session.rollback()
        session.close()


def test_session_without_scope_refuses_to_query(db, world):
    from sqlalchemy.orm import Session

    with Session(db.engine) as session, pytest.raises(ScopeMissing):
        session.scalars(select(Person)).all()


def test_partner_role_without_partner_sees_nothing(db, world):
    scope = scope_for(Actor(user_id=1, role=Role.PARTNER_USER, partner_id=None, label="orphan"))
    session = db.open_session(scope)
    try:
        assert session.scalars(select(Partner)).all() == []
    finally:
        session.close()


def test_sandbox_rows_are_seen_and_written_only_in_their_partners_sandbox(db, world):
    """A registration filed in partner A's sandbox (the ACE Sandbox catalog): no live session —
    A's own, the vendor's, a system job's — sees it, and a sandbox session writes no live row."""
    from alliance.registrations.models import Registration

    sandbox = _partner_scope(world.a.id).in_sandbox()
    with db.session_scope(sandbox) as session:
        row = Registration(partner_id=world.a.id, kind="deal", status="draft", title="Test", customer_name="Test Co", currency="USD", details={})
        session.add(row)
        session.flush()
        assert row.is_sandbox is True
        sandbox_id = row.id
    for scope in (_partner_scope(world.a.id), PartnerScope.system(reason="test check")):
        with db.session_scope(scope, write=False) as session:
            assert session.get(Registration, sandbox_id) is None
            assert sandbox_id not in session.scalars(select(Registration.id)).all()
    with db.session_scope(sandbox, write=False) as session:
        assert session.scalars(select(Registration.id)).all() == [sandbox_id]
    session = db.open_session(sandbox)
    try:
        session.add(Registration(partner_id=world.a.id, kind="deal", title="Live", customer_name="Live Co", currency="USD", details={}, is_sandbox=False))
        with pytest.raises(PermissionDenied):
            session.flush()
    finally:
        session.rollback()
        session.close()
    with pytest.raises(ValueError):
        PartnerScope.system(reason="test check").in_sandbox()
