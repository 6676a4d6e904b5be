"""The demo vendor's executive governance: executive meetings with the strategic partners last
quarter, their QBR packages for last quarter published and shared (commitments made, one done),
and this quarter's drafts with the open commitments carried over: Harbor Bridge and two more
strategic partners only, so the demo builds quickly (each published package draws its charts).

Steps run with the clock set to when they happened, through the real services.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.orm import Session

from alliance.demo.plan import SHOWCASE_NAME
from alliance.demo.registrations import frozen
from alliance.identity.scope import Actor
from alliance.kit import fiscal
from alliance.partners import service as partner_service
from alliance.qbr import governance_service
from alliance.qbr import service as qbr_service
from alliance.qbr.governance_schemas import MeetingInput
from alliance.qbr.repository import QbrRepository
from alliance.qbr.schemas import CommitmentInput, CommitmentUpdate
from alliance.qbr.vocabulary import CommitmentStatus

PUBLISHED_PARTNERS = 3


@dataclass(frozen=True)
class GovernanceSummary:
    meetings: int
    published: int
    drafts: int


def build_governance(session: Session, actor: Actor, *, today: date) -> GovernanceSummary:
    calendar = fiscal.current()
    this_quarter = calendar.period(fiscal.PeriodKind.QUARTER, today)
    last_quarter = calendar.shift(this_quarter, -1)
    strategic = QbrRepository(session).portfolio_ids(strategic_only=True)
    names = {pid: partner_service.get_partner(session, actor, partner_id=pid).display_name for pid in strategic}
    chosen = sorted(strategic, key=lambda pid: (names[pid] != SHOWCASE_NAME, names[pid]))[:PUBLISHED_PARTNERS]
    meetings = 0
    for index, partner_id in enumerate(chosen):
        sponsors = partner_service.list_sponsors(session, actor, partner_id=partner_id)
        held_on = last_quarter.start + timedelta(days=40 + 7 * index)
        with frozen(datetime.combine(held_on + timedelta(days=1), time(10), tzinfo=UTC)):
            governance_service.log_meeting(
                session,
                actor,
                partner_id=partner_id,
                data=MeetingInput(
                    held_on=held_on,
                    title=f"{last_quarter.label} executive review",
                    attendees=[s.name for s in sponsors] or ["Channel account manager"],
                    notes="Pipeline, certified capacity and the joint plan reviewed.",
                    decisions="Co-fund two solution architects' certifications; joint healthcare go-to-market.",
                ),
            )
            meetings += 1
    with frozen(datetime.combine(last_quarter.end + timedelta(days=3), time(9), tzinfo=UTC)):
        packages = qbr_service.generate_many(session, actor, partner_ids=chosen, quarter=last_quarter.key, draw_charts=False)
        for package in packages.values():
            made = [
                qbr_service.add_commitment(session, actor, qbr_id=package.id, data=CommitmentInput(title=title, side=side, owner_name=owner))
                for title, side, owner in (
                    ("Fund two solution architect certifications", "vendor", "Channel account manager"),
                    ("Three architecture engagements registered in healthcare", "partner", "Practice lead"),
                )
            ]
            qbr_service.update_commitment(session, actor, qbr_id=package.id, commitment_id=made[0].id, data=CommitmentUpdate(status=CommitmentStatus.DONE))
            qbr_service.publish(session, actor, qbr_id=package.id)
            qbr_service.share(session, actor, qbr_id=package.id)
    drafts = qbr_service.generate_many(session, actor, partner_ids=chosen, quarter=this_quarter.key, draw_charts=False)
    return GovernanceSummary(meetings=meetings, published=len(packages), drafts=len(drafts))
