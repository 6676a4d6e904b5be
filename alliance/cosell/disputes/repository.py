"""Every scope-dispute query; partner-owned reads start from readable()."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Row, Select, case, func, select

from alliance.cosell.disputes.schemas import DisputeFilters
from alliance.cosell.models import (
    CodeliveryPlan,
    PlanActivity,
    PlanVersion,
    ScopeDispute,
)
from alliance.cosell.vocabulary import Activity, DisputeStatus
from alliance.kit.repository import Repository, within_scope
from alliance.partners.models import Partner, Program


def overdue_at(now: datetime) -> Any:
    """SQL for 'open and past the current level's deadline'."""
    return (ScopeDispute.status == DisputeStatus.OPEN) & (ScopeDispute.level_deadline_at <= now)


Columns = TypeVarTuple("Columns")


class DisputeRepository(Repository[ScopeDispute]):
    model = ScopeDispute

    def filtered(self, filters: DisputeFilters, *, now: datetime) -> Select[ScopeDispute]:
        statement = self.readable()
        if filters.status:
            statement = statement.where(ScopeDispute.status == filters.status)
        if filters.level is not None:
            statement = statement.where(ScopeDispute.level == filters.level)
        if filters.overdue is not None:
            statement = statement.where(overdue_at(now) if filters.overdue else ~overdue_at(now))
        if filters.partner_id:
            statement = statement.where(ScopeDispute.partner_id == filters.partner_id)
        if filters.partner_ids is not None:
            statement = statement.where(ScopeDispute.partner_id.in_(filters.partner_ids))
        if filters.engagement_id:
            statement = statement.where(ScopeDispute.engagement_id == filters.engagement_id)
        if filters.engagement_ids is not None:
            statement = statement.where(ScopeDispute.engagement_id.in_(filters.engagement_ids))
        if filters.cam_user_id:
            statement = statement.where(ScopeDispute.partner_id.in_(select(Partner.id).where(Partner.cam_user_id == filters.cam_user_id)))
        if filters.on_engagement is not None:
            statement = statement.where(ScopeDispute.engagement_id.is_not(None) if filters.on_engagement else ScopeDispute.engagement_id.is_(None))
        return statement.order_by(ScopeDispute.opened_at.desc(), ScopeDispute.id.desc())

    def due(self, now: datetime) -> list[ScopeDispute]:
        """Open disputes whose level deadline has passed, locked for the sweep (skipping rows a
        concurrent decision holds; SQLite's writer already holds the database lock)."""
        return self.lock_all(self.readable().where(overdue_at(now)).order_by(ScopeDispute.id), skip_locked=True)

    def ladders(self, partner_ids: Collection[int]) -> dict[int, list[dict[str, Any]] | None]:
        """Each partner's program ladder (None: the partner has no program)."""
        if not partner_ids:
            return {}
        statement = select(Partner.id, Program.dispute_ladder).outerjoin(Program, Program.id == Partner.program_id).where(Partner.id.in_(list(partner_ids)))
        return {row[0]: row[1] for row in self.session.execute(statement)}

    def plan_activity(self, *, plan_id: int, activity_id: int) -> Row[int, Activity] | None:
        """(plan partner, activity) when the activity is a row of one of the plan's versions."""
        statement = (
            select(CodeliveryPlan.partner_id, PlanActivity.activity)
            .join(PlanVersion, PlanVersion.plan_id == CodeliveryPlan.id)
            .join(PlanActivity, PlanActivity.version_id == PlanVersion.id)
            .where(CodeliveryPlan.id == plan_id, PlanActivity.id == activity_id)
        )
        return self.session.execute(statement).first()

    def open_on_plan(self, plan_id: int) -> list[tuple[ScopeDispute, str, str | None]]:
        """(dispute, activity, label) of every open dispute on one of the plan's activity rows, oldest first."""
        statement = (
            select(ScopeDispute, PlanActivity.activity, PlanActivity.label)
            .join(PlanActivity, PlanActivity.id == ScopeDispute.activity_id)
            .where(ScopeDispute.plan_id == plan_id, ScopeDispute.status == DisputeStatus.OPEN)
            .order_by(ScopeDispute.opened_at, ScopeDispute.id)
        )
        return [(row[0], row[1], row[2]) for row in self.session.execute(statement)]

    def counts(self, *, now: datetime, partner_id: int | None = None) -> list[tuple[DisputeStatus, int, int, int | None]]:
        """(status, level, count, overdue count) groups."""
        overdue = func.sum(case((overdue_at(now), 1), else_=0))
        statement = self._scoped(select(ScopeDispute.status, ScopeDispute.level, func.count(), overdue), partner_id)
        return list(self.session.execute(statement.group_by(ScopeDispute.status, ScopeDispute.level)))

    def resolutions(self, *, partner_id: int | None = None) -> list[tuple[datetime, datetime]]:
        """(opened_at, resolved_at) of every resolved dispute."""
        statement = self._scoped(select(ScopeDispute.opened_at, ScopeDispute.resolved_at), partner_id)
        rows = self.session.execute(statement.where(ScopeDispute.status == DisputeStatus.RESOLVED, ScopeDispute.resolved_at.is_not(None)))
        return [(opened, resolved) for opened, resolved in rows if resolved is not None]

    def _scoped(self, statement: Select[*Columns], partner_id: int | None) -> Select[*Columns]:
        statement = within_scope(statement, ScopeDispute.partner_id, self.scope)
        if partner_id:
            statement = statement.where(ScopeDispute.partner_id == partner_id)
        return statement


# The disputes list's sort keys; "partner" sorts by the partner's name.
DISPUTE_SORTS: dict[str, Any] = {
    "opened": ScopeDispute.opened_at,
    "resolved": ScopeDispute.resolved_at,
    "deadline": ScopeDispute.level_deadline_at,
    "level": ScopeDispute.level,
    "status": ScopeDispute.status,
    "subject": ScopeDispute.subject,
    "partner": select(Partner.display_name).where(Partner.id == ScopeDispute.partner_id).scalar_subquery(),
}
