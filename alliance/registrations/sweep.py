"""Materialising what time changes: approved registrations whose protection ended become
expired. Reads are already right before this runs (service.effective_status); the sweep stores it
so reports, exports and other domains read plain columns."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from alliance import audit
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.registrations import notice_service
from alliance.registrations.repository import RegistrationRepository

AUDITED_IDS = 1000  # the audit event names this many ids; the count is always exact


def sweep_registrations(session: Session, actor: Actor, *, today: date | None = None) -> int:
    """Expire lapsed protections set-based, with one history row each and one audit event for
    the whole sweep, then queue the protection reminders (ending in 30 and 7 days, ended), each
    once per registration and threshold; returns how many expired. Idempotent: a second run the
    same day finds none and queues nothing."""
    require(actor, Permission.REGISTRATIONS_SWEEP)
    today = today or clock.today()
    ids = RegistrationRepository(session).expire_lapsed(today=today, now=clock.now(), actor_label="System (protection ended)")
    if ids:
        audit.record(
            session,
            actor,
            "registration.sweep_expired",
            entity_type="registration_sweep",
            entity_id=today.isoformat(),
            after={"expired": len(ids), "registration_ids": ids[:AUDITED_IDS]},
            reason="protection period ended",
        )
        # The UPDATE bypassed the identity map: reload anything this session already holds.
        session.expire_all()
    notice_service.remind_protection(session, actor, today=today)
    return len(ids)
