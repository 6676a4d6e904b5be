"""Sponsor governance: a cadence and meetings recorded, relationship health explained, the sweep
reminding the vendor's sponsors of an overdue meeting once per partner and last meeting, and the
quarter's meetings in the QBR package."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from alliance.partners.models import Sponsor
from alliance.qbr import governance_service
from alliance.qbr import service as qbr_service
from alliance.qbr.governance_schemas import CadenceInput, MeetingInput


def test_meetings_cadence_health_and_the_overdue_reminder(db, unit, actors, world) -> None:  # type: ignore[no-untyped-def]
    clock.freeze(datetime(2026, 12, 1, 9, tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test: the vendor sponsor is a user")) as session:
        sponsor = session.scalars(select(Sponsor).where(Sponsor.partner_id == world.a.id, Sponsor.side == "vendor")).one()
        sponsor.user_id = world.users["executive"]
    executive, cam = actors["executive"], actors["cam"]
    with unit(executive) as session:
        governance_service.set_cadence(session, executive, partner_id=world.a.id, data=CadenceInput(every_days=60))
        governance_service.log_meeting(
            session,
            executive,
            partner_id=world.a.id,
            data=MeetingInput(
                held_on=date(2026, 9, 15), title="FY2026 Q3 executive review", attendees=["Evan Exec", "A Partner-Exec"], decisions="Joint healthcare GTM"
            ),
        )
        found, facts = governance_service.relationship_health(session, executive, partner_ids=[world.a.id, world.b.id])[world.a.id]
    assert facts.last_meeting_on == date(2026, 9, 15) and found.score == 70
    assert [c.text for c in found.concerns] == ["Executive meeting 17 days overdue: last held 2026-09-15, cadence every 60 days."]

    def reminders() -> list[tuple[int, int]]:
        with db.session_scope(PartnerScope.system(reason="test: sweep")) as session:
            governance_service.remind_overdue_meetings(session, actors["admin"], today=clock.today())
            rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.SPONSOR_MEETING_OVERDUE))
            return [(m.recipient_user_id, m.entity_id) for m in rows]

    assert reminders() == [(world.users["executive"], world.a.id)]
    assert reminders() == [(world.users["executive"], world.a.id)]  # once per partner and last meeting
    with unit(cam) as session:
        qbr = qbr_service.generate(session, cam, partner_id=world.a.id, quarter="FY2026-Q3", as_of=date(2026, 9, 30))
        assert qbr.figures["governance"]["meetings"] == []  # recorded only on 2026-12-01: not known on the as-of date
        qbr = qbr_service.generate(session, cam, partner_id=world.a.id, quarter="FY2026-Q3", as_of=date(2026, 12, 1))
        assert [m["title"] for m in qbr.figures["governance"]["meetings"]] == ["FY2026 Q3 executive review"]
