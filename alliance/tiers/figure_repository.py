"""Reported figures: the partner's own list, the vendor's queue, and the latest confirmed figure
per partner and metric for the tier engine (one grouped query)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, func, select

from alliance.kit.repository import Repository
from alliance.tiers.models import ReportedFigure
from alliance.tiers.vocabulary import FigureStatus


class ReportedFigureRepository(Repository[ReportedFigure]):
    model = ReportedFigure

    def of_partner(self, partner_id: int) -> Select[Any]:
        return self.readable().where(ReportedFigure.partner_id == partner_id).order_by(ReportedFigure.period.desc(), ReportedFigure.metric)

    def awaiting_decision(self) -> Select[Any]:
        return self.readable().where(ReportedFigure.status == FigureStatus.REPORTED).order_by(ReportedFigure.reported_at, ReportedFigure.id)

    def for_period(self, partner_id: int, metric: str, period: date) -> ReportedFigure | None:
        """The figure reported for the month, locked for the change a new report makes to it."""
        statement = self.readable().where(ReportedFigure.partner_id == partner_id, ReportedFigure.metric == metric, ReportedFigure.period == period)
        return self.lock_first(statement)

    def figures(self, statement: Select[Any]) -> list[ReportedFigure]:
        return list(self.session.scalars(statement).all())

    def _first(self, statement: Select[Any]) -> ReportedFigure | None:
        found: ReportedFigure | None = self.session.scalars(statement).first()
        return found

    def latest_confirmed(self, *, today: date, partner_ids: Collection[int] | None = None) -> dict[tuple[int, str], int]:
        """(partner, metric) → the confirmed figure of the latest month up to today."""
        confirmed = [ReportedFigure.status == FigureStatus.CONFIRMED, ReportedFigure.period <= today]
        if partner_ids is not None:
            confirmed.append(ReportedFigure.partner_id.in_(list(partner_ids)))
        latest = (
            select(ReportedFigure.partner_id, ReportedFigure.metric, func.max(ReportedFigure.period).label("period"))
            .where(*confirmed)
            .group_by(ReportedFigure.partner_id, ReportedFigure.metric)
            .subquery()
        )
        statement = select(ReportedFigure.partner_id, ReportedFigure.metric, ReportedFigure.value).join(
            latest,
            and_(ReportedFigure.partner_id == latest.c.partner_id, ReportedFigure.metric == latest.c.metric, ReportedFigure.period == latest.c.period),
        )
        return {(pid, metric): value for pid, metric, value in self.session.execute(statement.where(*confirmed))}
