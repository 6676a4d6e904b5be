"""Plan-vs-actual reads: one grouped query per item kind for any number of plans. Certified
people come from enablement's counting certifications, revenue from the attribution ledger; the
session scope keeps a partner to its own figures."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from alliance.enablement.capacity_repository import counting_certifications
from alliance.enablement.recert_repository import effective_dates
from alliance.planning.models import BusinessPlan
from alliance.planning.risk import PACE_DAYS
from alliance.registrations.models import AttributionEntry

ZERO = literal(0)


class ActualsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def revenue(self, plan_ids: Collection[int], *, as_of: date) -> list[Any]:
        """(plan_id, credit_type, currency, amount, amount PACE_DAYS before as_of): the partner's
        attribution credit from each plan's first day to `as_of` (never past its last), per credit
        type and currency (never summed across currencies)."""
        before = as_of - timedelta(days=PACE_DAYS)
        statement = (
            select(
                BusinessPlan.id,
                AttributionEntry.credit_type,
                AttributionEntry.currency,
                func.sum(AttributionEntry.amount),
                func.sum(case((AttributionEntry.effective_on <= before, AttributionEntry.amount), else_=ZERO)),
            )
            .join(AttributionEntry, AttributionEntry.partner_id == BusinessPlan.partner_id)
            .where(
                BusinessPlan.id.in_(plan_ids),
                AttributionEntry.effective_on >= BusinessPlan.starts_on,
                AttributionEntry.effective_on <= BusinessPlan.ends_on,
                AttributionEntry.effective_on <= as_of,
            )
            .group_by(BusinessPlan.id, AttributionEntry.credit_type, AttributionEntry.currency)
        )
        return [
            (plan_id, credit, currency, Decimal(total or 0), Decimal(earlier or 0))
            for plan_id, credit, currency, total, earlier in self.session.execute(statement)
        ]

    def certified(self, partner_ids: Collection[int], *, on: date) -> list[Any]:
        """(partner_id, person_id, delivery_role, level) of every counting certification on `on`,
        one row per person, role and level (the caller counts people at or above a level)."""
        found = counting_certifications(effective_dates(self.session, today=on)).subquery()
        statement = select(found.c.partner_id, found.c.person_id, found.c.delivery_role, found.c.level).where(found.c.partner_id.in_(partner_ids)).distinct()
        return list(self.session.execute(statement))
