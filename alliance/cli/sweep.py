"""`alliance sweep`: materialise what time changes (expired protections ...), idempotent, for cron.

Each domain adds its sweeper to SWEEPERS; each runs in its own transaction, so one failing does
not undo the others."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import typer
from sqlalchemy.orm import Session

from alliance.assets import notice_service as asset_notices
from alliance.cli.context import console, operator, unit_of_work
from alliance.cosell.disputes import service as dispute_service
from alliance.cosell.requests import service as cosell_request_service
from alliance.enablement import recert_service
from alliance.funds import service as fund_service
from alliance.identity import session_service
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.planning import notice_service as planning_notices
from alliance.qbr import governance_service
from alliance.registrations import sweep as registration_sweep

Sweeper = Callable[[Session, Actor, date], int]


def _expired_registrations(session: Session, actor: Actor, today: date) -> int:
    return registration_sweep.sweep_registrations(session, actor, today=today)


def _certifications(session: Session, actor: Actor, today: date) -> int:
    counts = recert_service.sweep_certifications(session, actor, today=today)
    console.print(f"certifications: {counts.opened} recertification windows opened, {counts.lapsed} lapsed, {counts.expired} expired")
    return counts.total


def _escalated_disputes(session: Session, actor: Actor, today: date) -> int:
    # Deadlines are moments, not days: the sweep compares them with now.
    return dispute_service.sweep_disputes(session, actor, now=clock.now())


def _breached_requests(session: Session, actor: Actor, today: date) -> int:
    # First-response SLAs are due at moments in business hours: compared with now.
    return cosell_request_service.sweep_requests(session, actor, now=clock.now())


def _unvalidated_assets(session: Session, actor: Actor, today: date) -> int:
    return asset_notices.notify_unvalidated(session, actor, today=today)


def _milestone_reminders(session: Session, actor: Actor, today: date) -> int:
    return planning_notices.remind_milestones(session, actor, today=today)


def _overdue_meetings(session: Session, actor: Actor, today: date) -> int:
    return governance_service.remind_overdue_meetings(session, actor, today=today)


def _funds(session: Session, actor: Actor, today: date) -> int:
    return fund_service.sweep_funds(session, actor, today=today)


def _ended_sessions(session: Session, actor: Actor, today: date) -> int:
    return session_service.sweep_sessions(session, actor, now=clock.now())


# (what is counted, the sweeper): issues 4 and 5 append theirs.
SWEEPERS: list[tuple[str, Sweeper]] = [
    ("registrations expired", _expired_registrations),
    ("certifications changed", _certifications),
    ("scope disputes escalated", _escalated_disputes),
    ("co-sell requests past their SLA", _breached_requests),
    ("business-plan milestone reminders queued", _milestone_reminders),
    ("library assets flagged for a new release", _unvalidated_assets),
    ("overdue executive meeting reminders queued", _overdue_meetings),
    ("MDF commitments released, allocations expired and claim reminders queued", _funds),
    ("ended web sessions removed", _ended_sessions),
]


def register(app: typer.Typer) -> None:
    @app.command("sweep")
    def sweep() -> None:
        """Materialise time-based state changes. Safe to run repeatedly (e.g. from cron, or
        `alliance scheduler`, which runs it in one process however many are started)."""
        run_sweep()


def run_sweep() -> dict[str, int]:
    """Every sweeper once, each in its own transaction; prints and returns the counts."""
    today = clock.today()
    counts: dict[str, int] = {}
    for label, sweeper in SWEEPERS:
        with unit_of_work(f"sweep: {label}") as session:
            counts[label] = sweeper(session, operator(), today)
        console.print(f"{label}: {counts[label]}")
    return counts
