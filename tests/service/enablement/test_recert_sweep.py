"""Release-driven recertification windows, lapses and expiry: the sweep, reads before it, and
the expiring list; all with a frozen clock."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.enablement import capacity_service, recert_service
from alliance.enablement.capacity_repository import CertificationFilters
from alliance.enablement.models import Certification
from alliance.enablement.vocabulary import CertificationStatus as S
from alliance.errors import NotFound, PermissionDenied
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from tests.factories.certifications import make_cert, make_release, make_track

ADMIN = Actor.system(label="test")


def freeze(day: date) -> None:
    clock.freeze(datetime(day.year, day.month, day.day, 9, 0, tzinfo=UTC))


@pytest.fixture
def catalog(db, world):  # type: ignore[no-untyped-def]
    """Track on v8 that must recertify within 180 days once a release is more than one major
    ahead; v9 (within policy) and v10 (opens the window on 2026-06-01, due 2026-11-28)."""
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        track = make_track(session, "dp-sa", behind=1, within=180)
        other = make_track(session, "dp-ie", role="implementation_engineer", behind=None, within=None)
        make_release(session, "9.0", date(2026, 1, 10))
        v10 = make_release(session, "10.0", date(2026, 6, 1))
        ann, ian = world.a.person_ids[0], world.a.person_ids[1]
        certs = {
            "ann": make_cert(session, person_id=ann, partner_id=world.a.id, track_id=track.id, issued_on=date(2025, 3, 1), expires_on=date(2027, 3, 1)).id,
            "ian": make_cert(session, person_id=ian, partner_id=world.a.id, track_id=other.id, issued_on=date(2024, 3, 1), expires_on=date(2026, 3, 1)).id,
            "sam": make_cert(
                session, person_id=world.b.person_ids[0], partner_id=world.b.id, track_id=track.id, issued_on=date(2025, 5, 1), expires_on=date(2026, 10, 1)
            ).id,
            "renewed": make_cert(
                session,
                person_id=ann,
                partner_id=world.a.id,
                track_id=track.id,
                issued_on=date(2023, 3, 1),
                expires_on=date(2025, 3, 1),
                status=S.RENEWED,
                ended_on=date(2025, 3, 1),
            ).id,
        }
        return {"track": track.id, "other": other.id, "v10": v10.id, **certs}


def sweep(db, day: date):  # type: ignore[no-untyped-def]
    freeze(day)
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        return recert_service.sweep_certifications(session, ADMIN, today=day)


def stored(db, cert_id: int) -> Certification:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        cert = session.get(Certification, cert_id, with_for_update=True)
        assert cert is not None
        session.expunge(cert)
        return cert


def sweep_events(db) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action.like("certification.%")).order_by(AuditEvent.seq)))
        session.expunge_all()
        return events


class TestSweepCertifications:
    def test_nothing_before_the_release_that_opens_the_window(self, db, catalog):
        assert sweep(db, date(2026, 2, 1)) == recert_service.SweepCounts(opened=0, lapsed=0, expired=0)
        assert stored(db, catalog["ann"]).status == S.ACTIVE

    def test_release_opens_windows_on_its_date(self, db, catalog):
        counts = sweep(db, date(2026, 6, 1))
        assert counts.opened == 2 and counts.expired == 1  # ann and sam on v8; ian's validity ended 2026-03-01
        ann = stored(db, catalog["ann"])
        assert (ann.status, ann.recert_due_on, ann.recert_release_id, ann.ended_on) == (S.RECERT_REQUIRED, date(2026, 11, 28), catalog["v10"], None)
        assert stored(db, catalog["renewed"]).status == S.RENEWED
        [event] = sweep_events(db)
        assert event.action == "certification.sweep" and event.after == {"recert_windows_opened": 2, "lapsed": 0, "expired": 1}

    def test_idempotent(self, db, catalog):
        sweep(db, date(2026, 6, 1))
        assert sweep(db, date(2026, 6, 1)).total == 0
        assert sweep(db, date(2026, 6, 2)).total == 0
        assert len(sweep_events(db)) == 1

    def test_lapses_the_day_after_the_deadline(self, db, catalog):
        sweep(db, date(2026, 6, 1))
        assert sweep(db, date(2026, 11, 28)).lapsed == 0
        counts = sweep(db, date(2026, 11, 29))
        assert counts.lapsed == 1  # ann; sam's validity (2026-10-01) ended before the deadline
        ann = stored(db, catalog["ann"])
        assert (ann.status, ann.ended_on) == (S.LAPSED, date(2026, 11, 29))
        sam = stored(db, catalog["sam"])
        assert (sam.status, sam.ended_on) == (S.EXPIRED, date(2026, 10, 2))
        assert sweep(db, date(2026, 11, 30)).total == 0

    def test_one_late_sweep_does_everything(self, db, catalog):
        counts = sweep(db, date(2027, 1, 15))
        assert (counts.opened, counts.lapsed, counts.expired) == (2, 1, 2)
        assert stored(db, catalog["ann"]).ended_on == date(2026, 11, 29)
        assert stored(db, catalog["ian"]).ended_on == date(2026, 3, 2)

    def test_only_program_admins(self, db, world, catalog):
        cam = Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label="cam")
        with db.session_scope(scope_for(cam)) as session, pytest.raises(PermissionDenied):
            recert_service.sweep_certifications(session, cam, today=date(2026, 6, 1))


class TestOpenRecertWindows:
    def test_after_recording_a_release(self, db, catalog):
        freeze(date(2026, 8, 1))
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            make_release(session, "11.0", date(2026, 8, 1))
            assert recert_service.open_recert_windows(session, ADMIN, today=date(2026, 8, 1)) == 2
            assert recert_service.open_recert_windows(session, ADMIN, today=date(2026, 8, 1)) == 0
        # The earliest release too far ahead set the deadline, not the newest.
        assert stored(db, catalog["ann"]).recert_due_on == date(2026, 11, 28)


class TestStatusOnReadBeforeAnySweep:
    def statuses(self, db, day: date, **filters) -> dict[int, str]:  # type: ignore[no-untyped-def]
        freeze(day)
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            page = capacity_service.list_certifications(session, ADMIN, filters=CertificationFilters(**filters), page=PageRequest())
            return {row.id: row.status for row in page.items}

    def test_recert_required_lapsed_expired(self, db, catalog):
        assert self.statuses(db, date(2026, 5, 1))[catalog["ann"]] == S.ACTIVE
        assert self.statuses(db, date(2026, 6, 1))[catalog["ann"]] == S.RECERT_REQUIRED
        found = self.statuses(db, date(2026, 11, 29))
        assert (found[catalog["ann"]], found[catalog["sam"]], found[catalog["ian"]], found[catalog["renewed"]]) == (S.LAPSED, S.EXPIRED, S.EXPIRED, S.RENEWED)
        assert stored(db, catalog["ann"]).status == S.ACTIVE  # nothing was stored

    def test_filter_on_effective_status(self, db, catalog):
        assert set(self.statuses(db, date(2026, 7, 1), status="recert_required")) == {catalog["ann"], catalog["sam"]}
        assert set(self.statuses(db, date(2026, 7, 1), status="active")) == set()

    def test_sweep_stores_what_reads_showed(self, db, catalog):
        before = self.statuses(db, date(2026, 12, 1))
        sweep(db, date(2026, 12, 1))
        assert self.statuses(db, date(2026, 12, 1)) == before


class TestExpiring:
    def expiring(self, db, actor: Actor, within: int, day: date, partner_id: int | None = None):  # type: ignore[no-untyped-def]
        freeze(day)
        with db.session_scope(scope_for(actor)) as session:
            return recert_service.expiring(session, actor, within_days=within, partner_id=partner_id, page=PageRequest())  # type: ignore[arg-type]

    def test_windows_and_reasons(self, db, catalog):
        page = self.expiring(db, ADMIN, 90, date(2026, 9, 10))
        assert [(i.person_name, i.ends_on, i.reason, i.days_left) for i in page.items] == [
            ("Sam Seller", date(2026, 10, 1), "validity ends", 21),
            ("Ann Architect", date(2026, 11, 28), "recertify for v10", 79),
        ]
        assert page.items[1].status == S.RECERT_REQUIRED and page.items[1].delivery_role == "solution_architect"
        assert [i.person_name for i in self.expiring(db, ADMIN, 30, date(2026, 9, 10)).items] == ["Sam Seller"]
        assert self.expiring(db, ADMIN, 60, date(2026, 9, 10)).total == 1

    def test_reason_after_the_sweep_stored_the_window(self, db, catalog):
        sweep(db, date(2026, 9, 10))
        items = self.expiring(db, ADMIN, 90, date(2026, 9, 10)).items
        assert [i.reason for i in items] == ["validity ends", "recertify for v10"]

    def test_ended_ones_are_not_listed(self, db, catalog):
        assert self.expiring(db, ADMIN, 90, date(2026, 11, 29)).total == 0

    def test_partner_admin_sees_own_partner(self, db, world, catalog):
        a_admin = Actor(user_id=world.a.admin_user_id, role=Role.PARTNER_ADMIN, partner_id=world.a.id, label="a admin")
        page = self.expiring(db, a_admin, 90, date(2026, 9, 10))
        assert [i.partner_id for i in page.items] == [world.a.id]
        with pytest.raises(NotFound):
            self.expiring(db, a_admin, 90, date(2026, 9, 10), partner_id=world.b.id)

    def test_cam_filters_by_partner(self, db, world, catalog):
        cam = Actor(user_id=world.users["cam"], role=Role.CAM, partner_id=None, label="cam")
        page = self.expiring(db, cam, 90, date(2026, 9, 10), partner_id=world.b.id)
        assert [i.partner_id for i in page.items] == [world.b.id]

    def test_paginated(self, db, catalog):
        freeze(date(2026, 9, 10))
        with db.session_scope(PartnerScope.system(reason="test")) as session:
            page = recert_service.expiring(session, ADMIN, within_days=90, page=PageRequest(limit=1, offset=1))
        assert page.total == 2 and [i.person_name for i in page.items] == ["Ann Architect"]
