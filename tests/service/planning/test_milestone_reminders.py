"""The sweep reminds each open milestone's owner: two weeks before it is due and once overdue,
once per item, due date and threshold; done milestones and plans not in force are left alone."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock, fiscal
from alliance.notifications.models import OutboxMessage
from alliance.notifications.vocabulary import EventType
from alliance.planning import notice_service
from alliance.planning import service as plan_service
from alliance.planning.schemas import PlanItemInput, ProgressInput
from alliance.planning.vocabulary import ItemStatus

SWEEPER = Actor.system(label="sweep")


def reminders(db) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
        rows = session.scalars(select(OutboxMessage).where(OutboxMessage.event_type == EventType.BUSINESS_PLAN_MILESTONE_DUE).order_by(OutboxMessage.id))
        return [(m.recipient_user_id, m.idempotency_key.split("/")[3]) for m in rows]


def sweep(db, day) -> int:  # type: ignore[no-untyped-def]
    clock.freeze(datetime.combine(day, time(6), tzinfo=UTC))
    with db.session_scope(PartnerScope.system(reason="test sweep")) as session:
        return notice_service.remind_milestones(session, SWEEPER, today=day)


def test_owners_are_reminded_before_and_after_the_due_date(db, unit, actors, world):  # type: ignore[no-untyped-def]
    start = clock.today()
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, start)
    due = min(year.end, start + timedelta(days=40))
    items = [
        PlanItemInput(kind="solution_milestone", title="Lakehouse accelerator", due_on=due, owner_user_id=world.users["a_admin"]),
        PlanItemInput(kind="vertical_milestone", title="HIPAA-ready offering", due_on=due, owner_user_id=world.users["a_user"]),
    ]
    with unit(actors["a_admin"]) as session:
        plan = plan_service.create_plan(session, actors["a_admin"], partner_id=None, period=year.key, title="FY plan", items=items)
        version = plan_service.propose_plan(session, actors["a_admin"], plan_id=plan.id)
    assert sweep(db, due - timedelta(days=10)) == 0  # proposed, not in force: nobody is reminded
    with unit(actors["a_admin"]) as session:
        plan_service.sign_version(session, actors["a_admin"], version_id=version.id)
    with unit(actors["cam"]) as session:
        plan_service.sign_version(session, actors["cam"], version_id=version.id)

    assert sweep(db, due - timedelta(days=20)) == 0  # not yet within two weeks
    assert sweep(db, due - timedelta(days=14)) == 2
    assert sweep(db, due - timedelta(days=13)) == 0  # the next day: nothing twice
    # The partner user finishes hers (with evidence); only the other is reminded once overdue.
    with unit(actors["a_user"]) as session:
        plan_service.record_progress(
            session, actors["a_user"], plan_id=plan.id, ref=2, data=ProgressInput(status=ItemStatus.COMPLETED, evidence_url="https://example.com/hipaa")
        )
    assert sweep(db, due + timedelta(days=1)) == 1
    assert sweep(db, due + timedelta(days=2)) == 0
    assert reminders(db) == [
        (world.users["a_admin"], f"14d@1:{due.isoformat()}"),
        (world.users["a_user"], f"14d@2:{due.isoformat()}"),
        (world.users["a_admin"], f"overdue@1:{due.isoformat()}"),
    ]
