"""Plan-vs-actual reads: one grouped query per item kind for any number of plans. Certified
people come from enablement's counting certifications, revenue from the attribution ledger; the
session scope keeps a partner to its own figures."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from alliance.customers.models import Customer
from alliance.enablement.capacity_repository import counting_certifications
from alliance.enablement.recert_repository import effective_dates
from alliance.partners.models import Partner, Program
from alliance.partners.territories import TerritoryMap
from alliance.planning.models import BusinessPlan
from alliance.planning.risk import PACE_DAYS
from alliance.registrations.models import AttributionEntry, Registration

ZERO = literal(0)


class ActualsRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def revenue(self, plan_ids: Collection[int], *, as_of: date, maps: Mapping[int, TerritoryMap]) -> list[Any]:
        """(plan_id, credit_type, currency, territory, amount, amount PACE_DAYS before as_of): the
        partner's attribution credit from each plan's first day to `as_of` (never past its last),
        per credit type, currency (never summed across currencies) and sales territory of the
        partner's program the customer's country lies in (None: outside them all, or unknown).
        The customer's country is its record's, else the one typed on the partner's registration;
        the database groups by country, the program's territory map (`maps`, by plan) names the
        territory."""
        before = as_of - timedelta(days=PACE_DAYS)
        country = func.coalesce(Customer.country, Registration.customer_country)
        statement = (
            select(
                BusinessPlan.id,
                AttributionEntry.credit_type,
                AttributionEntry.currency,
                country,
                func.sum(AttributionEntry.amount),
                func.sum(case((AttributionEntry.effective_on <= before, AttributionEntry.amount), else_=ZERO)),
            )
            .join(AttributionEntry, AttributionEntry.partner_id == BusinessPlan.partner_id)
            .outerjoin(Customer, Customer.id == AttributionEntry.customer_id)
            .outerjoin(Registration, Registration.id == AttributionEntry.registration_id)
            .where(
                BusinessPlan.id.in_(plan_ids),
                AttributionEntry.effective_on >= BusinessPlan.starts_on,
                AttributionEntry.effective_on <= BusinessPlan.ends_on,
                AttributionEntry.effective_on <= as_of,
            )
            .group_by(BusinessPlan.id, AttributionEntry.credit_type, AttributionEntry.currency, country)
        )
        found: dict[tuple[int, str, str, str | None], list[Decimal]] = {}
        for plan_id, credit, currency, customer_country, total, earlier in self.session.execute(statement):
            territory = maps[plan_id].territory_of(customer_country) if plan_id in maps else None
            sums = found.setdefault((plan_id, credit, currency, territory), [Decimal(0), Decimal(0)])
            sums[0] += Decimal(total or 0)
            sums[1] += Decimal(earlier or 0)
        return [(*key, total, earlier) for key, (total, earlier) in found.items()]

    def territory_maps(self, plan_ids: Collection[int]) -> dict[int, TerritoryMap]:
        """Each plan's partner's program territories (plans without a program: none)."""
        if not plan_ids:
            return {}
        statement = (
            select(BusinessPlan.id, Program.territories)
            .join(Partner, Partner.id == BusinessPlan.partner_id)
            .join(Program, Program.id == Partner.program_id)
            .where(BusinessPlan.id.in_(plan_ids))
        )
        return {plan_id: TerritoryMap.of(stored) for plan_id, stored in self.session.execute(statement)}

    def certified(self, partner_ids: Collection[int], *, on: date) -> list[Any]:
        """(partner_id, person_id, delivery_role, level) of every counting certification on `on`,
        one row per person, role and level (the caller counts people at or above a level)."""
        found = counting_certifications(effective_dates(self.session, today=on)).subquery()
        statement = select(found.c.partner_id, found.c.person_id, found.c.delivery_role, found.c.level).where(found.c.partner_id.in_(partner_ids)).distinct()
        return list(self.session.execute(statement))
