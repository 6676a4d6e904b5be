"""Relationship health of a strategic partner as an explained score, without a session: 100 less
a penalty per concern, each concern a sentence with its numbers.

- cadence: the executive meeting is overdue (days past the cadence), or none was ever recorded;
- commitments: QBR commitments late;
- plan: joint business plan items at risk;
- disputes: scope disputes open;
- SLA: co-sell requests whose first response missed the SLA in the last 90 days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

HEALTHY, WATCH = 80, 60


@dataclass(frozen=True)
class Concern:
    rule: str  # cadence, commitments, plan, disputes, sla
    points: int
    text: str


@dataclass(frozen=True)
class Health:
    score: int
    concerns: tuple[Concern, ...]

    @property
    def grade(self) -> str:
        return "healthy" if self.score >= HEALTHY else "watch" if self.score >= WATCH else "at_risk"


@dataclass(frozen=True)
class HealthFacts:
    cadence_days: int
    last_meeting_on: date | None
    late_commitments: int
    open_commitments: int
    plan_items_at_risk: int
    open_disputes: int
    sla_breaches: int


def meeting_due_on(cadence_days: int, last_meeting_on: date | None, today: date) -> date:
    """When the next executive meeting is due: a cadence after the last (today without one)."""
    return last_meeting_on + timedelta(days=cadence_days) if last_meeting_on else today


def health(facts: HealthFacts, *, today: date) -> Health:
    concerns = []
    if facts.last_meeting_on is None:
        concerns.append(Concern("cadence", 30, f"No executive meeting recorded (cadence: every {facts.cadence_days} days)."))
    else:
        overdue = (today - meeting_due_on(facts.cadence_days, facts.last_meeting_on, today)).days
        if overdue > 0:
            concerns.append(
                Concern(
                    "cadence",
                    30,
                    f"Executive meeting {overdue} days overdue: last held {facts.last_meeting_on.isoformat()}, cadence every {facts.cadence_days} days.",
                )
            )
    if facts.late_commitments:
        concerns.append(
            Concern(
                "commitments",
                min(20, 10 * facts.late_commitments),
                f"{facts.late_commitments} of {facts.open_commitments + facts.late_commitments} QBR commitments late.",
            )
        )
    if facts.plan_items_at_risk:
        concerns.append(Concern("plan", min(20, 5 * facts.plan_items_at_risk), f"{facts.plan_items_at_risk} joint business plan items at risk."))
    if facts.open_disputes:
        concerns.append(Concern("disputes", min(20, 10 * facts.open_disputes), f"{facts.open_disputes} scope disputes open."))
    if facts.sla_breaches:
        concerns.append(
            Concern("sla", min(10, 5 * facts.sla_breaches), f"{facts.sla_breaches} co-sell requests missed their first-response SLA in the last 90 days.")
        )
    return Health(score=max(0, 100 - sum(c.points for c in concerns)), concerns=tuple(concerns))
