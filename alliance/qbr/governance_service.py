"""Sponsor governance: the executive meeting cadence of each strategic partner, the meetings held
(date, attendees, notes, decisions, commitments), relationship health as an explained score, and
the sweep's reminder to the vendor's sponsors when a meeting is overdue."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import NotFound
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock, fiscal
from alliance.notifications import service as notification_service
from alliance.notifications.vocabulary import EventType
from alliance.qbr import figures_service, health
from alliance.qbr.governance_repository import CadenceRepository, HealthRepository, MeetingRepository, overdue_meeting_reminders
from alliance.qbr.governance_schemas import CadenceInput, MeetingInput
from alliance.qbr.models import SponsorCadence, SponsorMeeting

MEETING_FIELDS = ("held_on", "title", "attendees", "notes", "decisions", "commitments")


def set_cadence(session: Session, actor: Actor, *, partner_id: int, data: CadenceInput) -> SponsorCadence:
    require(actor, Permission.SPONSOR_MEETINGS_RECORD)
    repository = CadenceRepository(session)
    _require_partner(session, partner_id)
    cadence = repository.for_partner(partner_id, lock=True)
    before = snapshot(cadence, ("every_days", "note")) if cadence else None
    if cadence is None:
        cadence = repository.add(SponsorCadence(partner_id=partner_id, every_days=data.every_days, note=data.note))
    else:
        cadence.every_days, cadence.note = data.every_days, data.note
        session.flush()
    audit.record(
        session,
        actor,
        "sponsor.cadence_set",
        entity_type="sponsor_cadence",
        entity_id=cadence.id,
        partner_id=partner_id,
        before=before,
        after=snapshot(cadence, ("every_days", "note")),
    )
    return cadence


def log_meeting(session: Session, actor: Actor, *, partner_id: int, data: MeetingInput) -> SponsorMeeting:
    require(actor, Permission.SPONSOR_MEETINGS_RECORD)
    _require_partner(session, partner_id)
    meeting = MeetingRepository(session).add(SponsorMeeting(partner_id=partner_id, recorded_by_user_id=actor.user_id, **data.model_dump()))
    audit.record(
        session,
        actor,
        "sponsor.meeting_logged",
        entity_type="sponsor_meeting",
        entity_id=meeting.id,
        partner_id=partner_id,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    return meeting


def list_meetings(session: Session, actor: Actor, *, partner_id: int) -> list[SponsorMeeting]:
    """The partner's executive meetings, newest first (partner admins: their own organisation's)."""
    _require_partner(session, partner_id)
    require(actor, Permission.QBRS_READ)
    return MeetingRepository(session).of_partner(partner_id)


def relationship_health(
    session: Session, actor: Actor, *, partner_ids: Sequence[int], today: date | None = None
) -> dict[int, tuple[health.Health, health.HealthFacts]]:
    """Each partner's explained score, its facts read together (a fixed number of queries)."""
    require(actor, Permission.QBRS_READ)
    day = today or clock.today()
    reads = HealthRepository(session, MeetingRepository(session))
    cadence = reads.cadence(partner_ids)
    commitments = reads.commitments(partner_ids)
    disputes = reads.open_disputes(partner_ids)
    breaches = reads.sla_breaches(partner_ids, since=datetime.combine(day - timedelta(days=90), time.min, tzinfo=clock.UTC))
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, day)
    practice = figures_service.practice_sections(session, list(cadence), quarter, day)
    found = {}
    for partner_id, (every_days, last) in cadence.items():
        plans = practice.get(partner_id, {}).get("plans", [])
        facts = health.HealthFacts(
            cadence_days=every_days,
            last_meeting_on=last,
            open_commitments=commitments.get(partner_id, (0, 0))[0],
            late_commitments=commitments.get(partner_id, (0, 0))[1],
            plan_items_at_risk=sum(1 for plan in plans for item in plan["items"] if item["at_risk"]),
            open_disputes=disputes.get(partner_id, 0),
            sla_breaches=breaches.get(partner_id, 0),
        )
        found[partner_id] = (health.health(facts, today=day), facts)
    return found


def remind_overdue_meetings(session: Session, actor: Actor, *, today: date) -> int:
    """The sweep: each vendor sponsor of a partner whose executive meeting is overdue (or never
    held), once per partner and last meeting."""
    rows = overdue_meeting_reminders(session, today=today)
    return notification_service.notify_each(session, actor, event=EventType.SPONSOR_MEETING_OVERDUE, rows=rows, entity_type="partner", occurrence="overdue")


def _require_partner(session: Session, partner_id: int) -> None:
    if not MeetingRepository(session).partner_exists(partner_id):
        raise NotFound(f"Partner {partner_id} not found.")
