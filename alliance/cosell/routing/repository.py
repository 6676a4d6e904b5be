"""Routing configuration queries: calendars, team queues, rules (vendor data, not partner-owned)."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select, update

from alliance.cosell.models import BusinessCalendar, CosellTeam, RoutingRule
from alliance.kit.repository import Repository


class RoutingRepository(Repository[RoutingRule]):
    model = RoutingRule

    def rules(self, *, active_only: bool = False) -> list[RoutingRule]:
        statement = select(RoutingRule).order_by(RoutingRule.position, RoutingRule.id)
        if active_only:
            statement = statement.where(RoutingRule.is_active.is_(True))
        return list(self.session.scalars(statement))

    def rule_count(self) -> int:
        return self.session.scalar(select(func.count()).select_from(RoutingRule)) or 0

    def last_position(self) -> int:
        return self.session.scalar(select(func.max(RoutingRule.position))) or 0

    # --- calendars ---------------------------------------------------------------------------

    def calendars(self) -> list[BusinessCalendar]:
        return list(self.session.scalars(select(BusinessCalendar).order_by(BusinessCalendar.name, BusinessCalendar.id)))

    def calendar(self, calendar_id: int) -> BusinessCalendar | None:
        return self.session.get(BusinessCalendar, calendar_id)

    def calendar_by_key(self, key: str) -> BusinessCalendar | None:
        return self.session.scalars(select(BusinessCalendar).where(BusinessCalendar.key == key)).first()

    def calendars_of_teams(self, team_ids: Collection[int] | None = None) -> dict[int, BusinessCalendar]:
        """Each team's calendar by team id (every team when `team_ids` is None), in one query."""
        statement = select(CosellTeam.id, BusinessCalendar).join(BusinessCalendar, BusinessCalendar.id == CosellTeam.calendar_id)
        if team_ids is not None:
            statement = statement.where(CosellTeam.id.in_(list(team_ids)))
        return dict(self.session.execute(statement).all())

    # --- teams -------------------------------------------------------------------------------

    def teams(self) -> list[CosellTeam]:
        return list(self.session.scalars(select(CosellTeam).order_by(CosellTeam.is_default.desc(), CosellTeam.name, CosellTeam.id)))

    def team(self, team_id: int) -> CosellTeam | None:
        return self.session.get(CosellTeam, team_id)

    def team_by_key(self, key: str) -> CosellTeam | None:
        return self.session.scalars(select(CosellTeam).where(CosellTeam.key == key)).first()

    def default_team(self) -> CosellTeam | None:
        return self.session.scalars(select(CosellTeam).where(CosellTeam.is_default.is_(True)).order_by(CosellTeam.id)).first()

    def clear_default(self, *, except_team_id: int) -> None:
        self.session.execute(
            update(CosellTeam)
            .where(CosellTeam.is_default.is_(True), CosellTeam.id != except_team_id)
            .values(is_default=False)
            .execution_options(synchronize_session="fetch")
        )
