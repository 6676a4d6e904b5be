"""conflicts_for and conflict_counts: the partner reads the stored explanation only, the vendor
reads both sides; a partner never reaches another partner's registration through them."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from alliance.customers.vocabulary import Ownership
from alliance.errors import NotFound
from alliance.registrations import conflict_service
from alliance.registrations.conflict_schemas import PartnerConflictView, VendorConflictView
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration
from alliance.registrations.vocabulary import ConflictKind
from tests.service.registrations_conflicts.conftest import Typed, days_ago

SECRET_TITLE = "Northwind secret: Acme data platform rebuild"


@pytest.fixture
def flagged(world, add_customer, add_registration, check):  # type: ignore[no-untyped-def]
    """Partner A (Northwind, an SI) holds an approved deal; partner B's later deal is flagged."""
    acme = add_customer("Acme Analytics, Inc.", "https://www.acme-analytics.com")
    duplicate = add_customer("Acme Analytics Corporation", "acme-analytics.com")
    held = add_registration(world.a.id, acme, status=Status.APPROVED, submitted_at=days_ago(8), title=SECRET_TITLE, lines=("analytics", "cloud"))
    mine = add_registration(world.b.id, duplicate, typed=Typed("Acme Analytics Corp", "acme-analytics.com"), lines=("analytics", "cloud", "iot"))
    check(mine)
    return {"acme": acme, "held": held, "mine": mine}


class TestConflictsFor:
    def test_partner_reads_only_the_safe_view(self, flagged, unit, actors):
        with unit(actors["b_user"]) as session:
            [view] = conflict_service.conflicts_for(session, actors["b_user"], flagged["mine"])
        assert isinstance(view, PartnerConflictView)
        assert set(view.model_dump()) == {"kind", "score", "detected_at", "message"}
        assert view.kind == ConflictKind.SAME_KIND_OVERLAP
        assert view.message.startswith("Overlaps an earlier registration of 2026-03-02: same website domain and same name, 2 of 3 product lines.")
        dumped = view.model_dump_json()
        for secret in (SECRET_TITLE, "Northwind", f'"{flagged["held"]}"', "approved_later"):
            assert secret not in dumped

    def test_partner_cannot_reach_the_other_partners_registration(self, flagged, unit, actors):
        with unit(actors["b_user"]) as session:
            with pytest.raises(NotFound):
                conflict_service.conflicts_for(session, actors["b_user"], flagged["held"])
            # The session itself filters: the other partner's row reads as missing.
            assert session.scalars(select(Registration).where(Registration.id == flagged["held"])).first() is None
        # nor the flagged one from the other side
        with unit(actors["a_user"]) as session, pytest.raises(NotFound):
            conflict_service.conflicts_for(session, actors["a_user"], flagged["mine"])

    def test_missing_registration_is_not_found(self, flagged, unit, actors):
        for who in ("b_user", "cam"):
            with unit(actors[who]) as session, pytest.raises(NotFound):
                conflict_service.conflicts_for(session, actors[who], 999_999)

    def test_vendor_reads_both_sides(self, flagged, world, unit, actors):
        for who in ("cam", "auditor"):
            with unit(actors[who]) as session:
                [view] = conflict_service.conflicts_for(session, actors[who], flagged["mine"])
            assert isinstance(view, VendorConflictView)
            assert (view.other_registration_id, view.other_partner_id, view.other_partner_name) == (flagged["held"], world.a.id, "Northwind Consulting")
            assert (view.other_title, view.other_kind, view.other_status) == (SECRET_TITLE, "deal", Status.APPROVED)
            assert view.other_submitted_at == days_ago(8)
            assert (view.other_customer_id, view.other_customer_name) == (flagged["acme"], "Acme Analytics, Inc.")
            assert view.evidence["customer_match"] == "matched" and view.evidence["products"]["shared"] == ["analytics", "cloud"]
            assert view.partner_message.startswith("Overlaps an earlier registration")

    def test_account_finding_has_no_other_side(self, world, add_customer, add_registration, check, unit, actors):
        direct = add_customer("Globex Corporation", "globex.example", ownership=Ownership.VENDOR_DIRECT)
        mine = add_registration(world.b.id, direct, typed=Typed("Globex Corporation", "globex.example"))
        check(mine)
        with unit(actors["cam"]) as session:
            [view] = conflict_service.conflicts_for(session, actors["cam"], mine)
        assert view.kind == ConflictKind.VENDOR_DIRECT
        assert (view.other_registration_id, view.other_partner_name, view.other_customer_name) == (None, None, None)
        assert view.evidence["ownership"] == "vendor_direct"


class TestConflictCounts:
    def test_counts_current_findings_in_one_query(self, db, flagged, unit, actors):
        with unit(actors["cam"]) as session:
            session.connection()  # the transaction's BEGIN is not the query
            statements: list[str] = []
            listener = lambda *args: statements.append(args[2])  # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                counts = conflict_service.conflict_counts(session, [flagged["mine"], flagged["held"]])
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
        assert counts == {flagged["mine"]: 1, flagged["held"]: 0}
        assert len(statements) == 1

    def test_partner_counts_only_their_own(self, flagged, unit, actors):
        with unit(actors["a_user"]) as session:
            assert conflict_service.conflict_counts(session, [flagged["mine"]]) == {flagged["mine"]: 0}
        with unit(actors["b_user"]) as session:
            assert conflict_service.conflict_counts(session, [flagged["mine"]]) == {flagged["mine"]: 1}
        with unit(actors["cam"]) as session:
            assert conflict_service.conflict_counts(session, []) == {}
