"""QBR figures of partner A for FY2026-Q2 (calendar quarters) as of 2026-06-30, against numbers
worked out by hand from the rows of tests/factories/qbr.py:

- certifications: an associate architect since 2025-05-01; two professional engineers since
  2026-01-15 and 2026-02-01 (the second ends 2026-08-01); an architect certified after the date;
- registrations: a deal submitted, approved and won in the quarter; an influence registration
  approved in Q1, protected until 2026-08-15; a deal submitted in June and lost only in July;
- ledger: influence 100,000 and direct 40,000 in May, services 10,000 in February, 5,000 recorded
  after the date, 999 in EUR; the FY2026 plan: services 500,000, 8 professional engineers.

Then "as of" reproducibility and the lifecycle."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import event

from alliance.errors import Conflict
from alliance.identity.scope import PartnerScope
from alliance.partners import service as partner_service
from alliance.partners.schemas import SponsorCreate
from alliance.partners.vocabulary import SponsorSide
from alliance.qbr import charts as qbr_charts
from alliance.qbr import figures_service
from alliance.qbr import service as qbr_service
from alliance.qbr.schemas import CommitmentInput, CommitmentUpdate
from alliance.qbr.vocabulary import CommitmentStatus, QbrStatus
from alliance.registrations.vocabulary import CreditType
from tests.factories.qbr import AS_OF, QUARTER, build_qbr_history, credit


@pytest.fixture
def history(db, world):  # type: ignore[no-untyped-def]
    build_qbr_history(db, world)
    return world


def compute(db, partner_ids=None):  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test: QBR figures")) as session:
        return figures_service.compute(session, partner_ids=partner_ids, quarter=figures_service.parse_quarter(QUARTER), as_of=AS_OF)


def test_each_section_against_hand_computed_figures(db, history) -> None:  # type: ignore[no-untyped-def]
    found = compute(db)[history.a.id]
    assert found["quarters"] == ["FY2025 Q2", "FY2025 Q3", "FY2025 Q4", "FY2026 Q1", "FY2026 Q2"]

    capacity = found["capacity"]
    assert capacity["trend"] == {"solution_architect": [1, 1, 1, 1, 1], "implementation_engineer": [0, 0, 0, 2, 2]}
    assert capacity["total"] == [1, 1, 1, 3, 3]
    assert [(r["role"], r["levels"]) for r in capacity["by_role"]] == [
        ("solution_architect", {"associate": 1, "professional": 0, "expert": 0}),
        ("implementation_engineer", {"associate": 0, "professional": 2, "expert": 0}),
    ]
    assert (capacity["expiring"], capacity["recert_due"]) == (1, 0)

    pipeline = found["pipeline"]
    stages = {s["status"]: s["by_kind"] for s in pipeline["stages"]}
    assert stages["submitted"] == {"deal": 1, "influence": 0}  # lost only after the as-of date
    assert stages["approved"] == {"deal": 0, "influence": 1}
    assert stages["won"] == {"deal": 1, "influence": 0}
    assert pipeline["moves"] == {"new": [0, 0, 0, 1, 2], "approved": [0, 0, 0, 1, 1], "won": [0, 0, 0, 0, 1], "lost": [0, 0, 0, 0, 0]}
    assert pipeline["protection_expiring_next_quarter"] == 1

    revenue = found["revenue"]
    assert revenue["influence"][-1] == "100000.00" and revenue["direct"][-1] == "40000.00"
    assert revenue["services"] == ["0.00", "0.00", "0.00", "10000.00", "0.00"]
    assert revenue["total"][-2:] == ["10000.00", "140000.00"]
    assert revenue["won_as_partner_of_record"] == [0, 0, 0, 0, 1]
    assert revenue["entries_in_other_currencies"] == 1

    practice = found["practice"]
    items = {i["kind"]: i for i in practice["plans"][0]["items"]}
    assert (items["revenue_target"]["actual"], items["certification_target"]["actual"]) == ("10000.00", "2")
    assert (practice["milestones"], practice["milestones_done"], practice["milestones_at_risk"]) == (1, 0, 0)
    assert practice["revenue_target"] == "124657.53"  # 500,000 × 91 of 365 days

    headline = found["headline"]
    assert headline["contribution"] == "140000.00" and headline["contribution_plan"] == "124657.53"
    assert [m["metric"] for m in headline["movements"]] == ["Total contribution", "Direct credit", "Influence credit"]
    assert headline["movements"][0]["text"] == "Total contribution up 1300 % (USD 10,000 → USD 140,000)"
    assert {s["name"] for s in found["governance"]["sponsors"]} == {"Val Vendor-Exec", "A Partner-Exec"}
    assert found["later"]["mdf"]["title"] == "MDF spend and ROI" and found["later"]["mdf"]["figures"] is None  # MDF: test_qbr_mdf_and_assets


def test_a_fixed_number_of_queries_whatever_the_partners(db, history) -> None:  # type: ignore[no-untyped-def]
    counts = []
    for partner_ids in ([history.a.id], None):
        statements: list[str] = []
        engine = db.engine

        def count(*_args, seen: list[str] = statements) -> None:  # type: ignore[no-untyped-def]
            seen.append("x")

        event.listen(engine, "before_cursor_execute", count)
        try:
            compute(db, partner_ids)
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] < 40


def test_figures_as_of_a_date_do_not_move_and_a_published_package_is_frozen(db, unit, actors, history) -> None:  # type: ignore[no-untyped-def]
    cam = actors["cam"]
    with unit(cam) as session:
        qbr = qbr_service.generate(session, cam, partner_id=history.a.id, quarter=QUARTER, as_of=AS_OF)
        first, qbr_id = qbr.figures, qbr.id
        commitment = qbr_service.add_commitment(
            session, cam, qbr_id=qbr_id, data=CommitmentInput(title="Fund two architects' labs", side="vendor", owner_name="Carl Cam")
        )
        commitment_id = commitment.id
    with db.session_scope(PartnerScope.system(reason="test: data after the as-of date")) as session:
        credit(session, history.a.id, 1, CreditType.DIRECT, "77777.00", "2026-05-20", "2026-11-30")
    admin = actors["admin"]
    with unit(admin) as session:  # the vendor sponsor is replaced after the as-of date
        partner_service.remove_sponsor(session, admin, sponsor_id=history.a.sponsor_ids[0], ended_on=date(2026, 11, 1))
        new_sponsor = SponsorCreate(side=SponsorSide.VENDOR, name="Nia New-Exec", started_on=date(2026, 11, 1))
        partner_service.add_sponsor(session, admin, partner_id=history.a.id, data=new_sponsor)
    with unit(admin) as session, pytest.raises(Conflict):
        partner_service.remove_sponsor(session, admin, sponsor_id=history.a.sponsor_ids[0])
    with unit(cam) as session:
        again = qbr_service.regenerate(session, cam, qbr_id=qbr_id)
        assert again.figures == first  # Val Vendor-Exec is still the sponsor as of 2026-06-30
        qbr_service.update_commitment(session, cam, qbr_id=qbr_id, commitment_id=commitment_id, data=CommitmentUpdate(status=CommitmentStatus.LATE))
        published = qbr_service.publish(session, cam, qbr_id=qbr_id)
        assert published.status == QbrStatus.PUBLISHED and len(published.content_sha256 or "") == 64
        assert set(published.charts or {}) >= {"capacity_by_role", "pipeline_funnel", "influence_vs_direct", "plan_vs_actual"}
        assert qbr_service.content_sha256(published.figures, published.charts or {}) == published.content_sha256
    with unit(cam) as session, pytest.raises(Conflict):
        qbr_service.regenerate(session, cam, qbr_id=qbr_id)
    with unit(cam) as session, pytest.raises(Conflict):
        qbr_service.update_commitment(session, cam, qbr_id=qbr_id, commitment_id=commitment_id, data=CommitmentUpdate(status=CommitmentStatus.DONE))
    with unit(cam) as session:
        nxt = qbr_service.generate(session, cam, partner_id=history.a.id, quarter="2026Q3", as_of=date(2026, 9, 30))
        assert [(c.title, c.status, c.carried_from_id) for c in nxt.commitments] == [("Fund two architects' labs", CommitmentStatus.LATE, commitment_id)]
        # The sponsors of each package's as-of date: Val until 2026-10-31, Nia from 2026-11-01.
        assert {s["name"] for s in nxt.figures["governance"]["sponsors"]} == {"Val Vendor-Exec", "A Partner-Exec"}
        later = qbr_service.generate(session, cam, partner_id=history.a.id, quarter="2026Q4")
        assert {s["name"] for s in later.figures["governance"]["sponsors"]} == {"Nia New-Exec", "A Partner-Exec"}


def test_regenerating_a_draft_redraws_only_the_charts_whose_numbers_moved(db, unit, actors, history, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    cam = actors["cam"]
    with unit(cam) as session:
        qbr = qbr_service.generate(session, cam, partner_id=history.a.id, quarter=QUARTER, as_of=AS_OF)
        qbr_id, first = qbr.id, dict(qbr.charts or {})
    drawn: list[str] = []
    real = qbr_charts.render_svg
    monkeypatch.setattr(qbr_charts, "render_svg", lambda chart: drawn.append(chart.title) or real(chart))
    with unit(cam) as session:
        assert qbr_service.regenerate(session, cam, qbr_id=qbr_id).charts == first and drawn == []
    with db.session_scope(PartnerScope.system(reason="test: a won deal's credit recorded in June")) as session:
        credit(session, history.a.id, 1, CreditType.DIRECT, "12345.00", "2026-05-20", "2026-06-10")
    with unit(cam) as session:
        again = qbr_service.regenerate(session, cam, qbr_id=qbr_id).charts or {}
    assert drawn == ["Influence, direct and services credit"]
    assert again["influence_vs_direct"] != first["influence_vs_direct"] and again["capacity_by_role"] == first["capacity_by_role"]
