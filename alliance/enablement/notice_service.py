"""Who hears of certifications and labs: the person (through their own account, when they have
one) and their partner's admins. The sweep queues the time-based ones set-based, once per
certification and threshold: ending in 60 and in 14 days, a recertification window opened and
closing in 14 days, lapsed. A graded lab is told when it is graded."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_
from sqlalchemy.orm import Session

from alliance.enablement.models import Certification, CertificationTrack, LabSubmission
from alliance.enablement.progress_repository import ProgressRepository
from alliance.enablement.recert_repository import COUNTING_VALUES, RecertRepository
from alliance.enablement.vocabulary import CertificationStatus, LabStatus
from alliance.identity.scope import Actor
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType
from alliance.partners.repository import PartnerRepository

# (threshold, nearest and farthest days ahead it covers)
EXPIRY_REMINDERS = (("60d", 15, 60), ("14d", 0, 14))
WINDOW_CLOSING_DAYS = 14
# A lapse is told once, if it happened this recently (not the whole history on first run).
LAPSED_LOOKBACK_DAYS = 7


def remind(session: Session, actor: Actor, *, today: date) -> int:
    """Every certification reminder due `today`, one INSERT … SELECT each; returns how many were queued."""
    repository = RecertRepository(session)
    queued = 0

    def each(event: EventType, occurrence: str, condition: ColumnElement[bool], cycle: Any) -> int:
        rows = repository.certification_reminders(condition, cycle=cycle)
        return notification_service.notify_each(session, actor, event=event, rows=rows, entity_type="certification", occurrence=occurrence)

    for occurrence, nearest, farthest in EXPIRY_REMINDERS:
        ending = and_(
            Certification.status.in_(COUNTING_VALUES), Certification.expires_on.between(today + timedelta(days=nearest), today + timedelta(days=farthest))
        )
        queued += each(EventType.CERTIFICATION_EXPIRING, occurrence, ending, Certification.expires_on)
    open_window = and_(Certification.status == CertificationStatus.RECERT_REQUIRED.value, Certification.recert_due_on >= today)
    queued += each(EventType.RECERT_WINDOW_OPENED, "opened", open_window, Certification.recert_due_on)
    closing = and_(open_window, Certification.recert_due_on <= today + timedelta(days=WINDOW_CLOSING_DAYS))
    queued += each(EventType.RECERT_WINDOW_CLOSING, f"{WINDOW_CLOSING_DAYS}d", closing, Certification.recert_due_on)
    lapsed = and_(Certification.status == CertificationStatus.LAPSED.value, Certification.ended_on >= today - timedelta(days=LAPSED_LOOKBACK_DAYS))
    queued += each(EventType.CERTIFICATION_LAPSED, "lapsed", lapsed, Certification.recert_due_on)
    return queued


def announce_lab_graded(session: Session, actor: Actor, submission: LabSubmission, track: CertificationTrack) -> int:
    """A graded lab (by an evaluator or a lab environment) to the person and their partner's admins."""
    person = ProgressRepository(session).person(submission.person_id)
    partner = PartnerRepository(session).get(submission.partner_id)
    assert person is not None and partner is not None  # the submission was just loaded in this scope
    recipients = [Recipient(user_id, why) for user_id, why in RecertRepository(session).person_recipients(submission.person_id)]
    facts = {
        "person": person.name,
        "track": track.name,
        "partner": partner.display_name,
        "passed": submission.status == LabStatus.PASSED,
        "score": submission.score,
    }
    return notification_service.notify(
        session, actor, event=EventType.LAB_GRADED, recipients=recipients, entity_type="lab_submission", entity_id=submission.id, facts=facts
    )
