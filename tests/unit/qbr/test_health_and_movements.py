"""Relationship health's explained score and the QBR headline's movements, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from alliance.qbr import dashboard, figures, health
from alliance.qbr.figures import Collected

TODAY = date(2026, 12, 1)


def facts(**changes: object) -> health.HealthFacts:
    base = {
        "cadence_days": 90,
        "last_meeting_on": date(2026, 10, 1),
        "late_commitments": 0,
        "open_commitments": 2,
        "plan_items_at_risk": 0,
        "open_disputes": 0,
        "sla_breaches": 0,
    }
    return health.HealthFacts(**{**base, **changes})  # type: ignore[arg-type]


def test_a_kept_cadence_and_nothing_late_is_healthy() -> None:
    found = health.health(facts(), today=TODAY)
    assert (found.score, found.grade, found.concerns) == (100, "healthy", ())


def test_each_concern_costs_points_and_says_why() -> None:
    found = health.health(facts(last_meeting_on=date(2026, 8, 1), late_commitments=1, plan_items_at_risk=5, open_disputes=1, sla_breaches=3), today=TODAY)
    assert [(c.rule, c.points) for c in found.concerns] == [("cadence", 30), ("commitments", 10), ("plan", 20), ("disputes", 10), ("sla", 10)]
    assert found.score == 20 and found.grade == "at_risk"
    assert found.concerns[0].text == "Executive meeting 32 days overdue: last held 2026-08-01, cadence every 90 days."
    assert health.health(facts(last_meeting_on=None), today=TODAY).concerns[0].text == "No executive meeting recorded (cadence: every 90 days)."


def test_movements_are_the_three_biggest_relative_changes() -> None:
    found = figures.movements(
        {
            "Influence credit": ([Decimal(0)] * 3 + [Decimal(100), Decimal(150)], "USD"),
            "Registrations won": ([Decimal(0)] * 3 + [Decimal(4), Decimal(1)], None),
            "Certified delivery people": ([Decimal(0)] * 3 + [Decimal(10), Decimal(10)], None),
            "New registrations": ([Decimal(0)] * 3 + [Decimal(0), Decimal(3)], None),
            "Direct credit": ([Decimal(0)] * 3 + [Decimal(100), Decimal(90)], "USD"),
        }
    )
    assert [m["text"] for m in found] == [
        "New registrations up 100 % (0 → 3)",
        "Registrations won down 75 % (4 → 1)",
        "Influence credit up 50 % (USD 100 → USD 150)",
    ]


def test_cosell_section_counts_the_quarter_and_the_sla_trend() -> None:
    at = datetime(2026, 5, 4, 9, tzinfo=UTC)
    hour = 3600
    collected = Collected(
        requests=[
            (4, "poc_support", at, at.replace(hour=13), at.replace(hour=11), at.replace(day=20), 4),  # answered in 2 h, within SLA
            (4, "poc_support", at, at.replace(hour=13), at.replace(hour=15), None, None),  # answered late
            (4, "solution_architect", at, at.replace(hour=13), None, None, None),  # not answered
            (3, "poc_support", at, at.replace(hour=13), at.replace(hour=10), None, None),
        ],
        disputes=[(4, at, at.replace(day=8)), (4, at, None)],
        violations={4: 2},
    )
    found = figures.cosell_section(collected)
    assert (found["requests"], found["by_type"], found["responded"], found["within_sla"]) == (3, {"poc_support": 2, "solution_architect": 1}, 2, 1)
    assert found["median_response_hours"] == (2 * hour + 6 * hour) / 2 / hour
    assert found["sla_attainment"] == [None, None, None, 1.0, 0.5]
    assert (found["completed"], found["average_rating"], found["violations"][-1]) == (1, 4.0, 2)
    assert (found["disputes_opened"], found["disputes_resolved"], found["median_resolution_days"]) == (2, 1, 4.0)


def test_the_dashboard_counts_tier_moves_from_and_to_with_the_partners() -> None:
    def partner(pid: int, name: str, before: str | None, now: str | None) -> dict[str, object]:
        found = Collected()
        found.tier, found.tier_before = now, before
        about = {"id": pid, "name": name, "legal_name": name, "partner_type": "si", "si_subtype": "regional", "currency": "USD", "cam": None}
        period = {"key": "FY2026-Q4", "label": "FY2026 Q4", "starts_on": "2026-10-01", "ends_on": "2026-12-31"}
        return figures.assemble(about, found, quarter_labels=["Q4", "Q1", "Q2", "Q3", "Q4"], period=period, as_of=TODAY, later={})

    rows = [
        partner(1, "Zeta", "Silver", "Gold"),
        partner(2, "Alpha", "Silver", "Gold"),
        partner(3, "Mid", "Gold", "Silver"),
        partner(4, "Same", "Gold", "Gold"),
    ]
    found = dashboard.build({int(f["partner"]["id"]): f for f in rows}, currency="USD")
    assert [(m.before, m.after, m.partners) for m in found.tier_moves] == [
        ("Silver", "Gold", ((2, "Alpha"), (1, "Zeta"))),
        ("Gold", "Silver", ((3, "Mid"),)),
    ]
