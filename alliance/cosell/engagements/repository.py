"""Every query of consents, vendor PS engagements and violations; reads start from readable(),
which for engagements is the partner filter the session cannot apply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, select

from alliance.cosell.engagements.rules import Account, ConsentFact
from alliance.cosell.engagements.schemas import (
    ConsentFilters,
    EngagementFilters,
    ViolationFilters,
)
from alliance.cosell.models import EngagementConsent, PsEngagement, RoeViolation
from alliance.customers.models import Customer
from alliance.customers.vocabulary import Ownership
from alliance.identity.models import User
from alliance.kit import clock
from alliance.kit.repository import Repository, within_scope
from alliance.partners.models import Partner


@dataclass(frozen=True, slots=True)
class ProtectedAccount:
    """What a partner may know about an account it protects itself: its name and the end date."""

    customer_id: int
    customer_name: str
    protected_until: date | None


class ConsentRepository(Repository[EngagementConsent]):
    model = EngagementConsent

    def filtered(self, filters: ConsentFilters) -> Select[EngagementConsent]:
        statement = self.readable()
        if filters.customer_id:
            statement = statement.where(EngagementConsent.customer_id == filters.customer_id)
        if filters.partner_id:
            statement = statement.where(EngagementConsent.partner_id == filters.partner_id)
        if filters.active_on:
            statement = statement.where(EngagementConsent.revoked_at.is_(None), EngagementConsent.expires_on >= filters.active_on)
        return statement.order_by(EngagementConsent.given_at.desc(), EngagementConsent.id.desc())

    def facts(self, *, customer_id: int, partner_id: int, relied_on: bool = False) -> list[ConsentFact]:
        """The protecting partner's consents on a customer, as the rules read them (vendor sessions:
        the internal scope reads every partner's consents). `relied_on`: an engagement is about to
        be staffed under them, so they are locked until commit — a revocation racing the staffing
        either lands first (and the staffing sees it) or waits for the engagement to be recorded."""
        statement = select(EngagementConsent).where(EngagementConsent.customer_id == customer_id, EngagementConsent.partner_id == partner_id)
        consents = self.lock_all(statement) if relied_on else self.session.scalars(statement)
        return [
            ConsentFact(id=consent.id, activity=consent.activity, expires_on=consent.expires_on, revoked=consent.revoked_at is not None) for consent in consents
        ]

    def protected_account(self, *, customer_id: int, partner_id: int, today: date) -> ProtectedAccount | None:
        """The customer when `partner_id` protects it today, else None (a partner learns nothing
        about accounts it does not protect). Customers are vendor data, not partner-owned."""
        statement = select(Customer.id, Customer.name, Customer.protected_until).where(
            Customer.id == customer_id,
            Customer.ownership == Ownership.SI_PROTECTED,
            Customer.owning_partner_id == partner_id,
            Customer.protected_until >= today,
        )
        row = self.session.execute(statement).first()
        return ProtectedAccount(row.id, row.name, row.protected_until) if row else None


class EngagementRepository(Repository[PsEngagement]):
    model = PsEngagement

    def readable(self) -> Select[PsEngagement]:
        """Engagements are vendor data, not partner-owned, so the session does not filter them: a
        partner reads only those on accounts it protected when they were staffed. get() and
        filtered() start here; another partner's or an unprotected engagement is as missing."""
        statement = select(PsEngagement)
        return within_scope(statement, PsEngagement.protecting_partner_id, self.scope)

    def filtered(self, filters: EngagementFilters) -> Select[PsEngagement]:
        statement = self.readable()
        if filters.customer_id:
            statement = statement.where(PsEngagement.customer_id == filters.customer_id)
        if filters.partner_id:
            statement = statement.where(PsEngagement.protecting_partner_id == filters.partner_id)
        if filters.outcome:
            statement = statement.where(PsEngagement.outcome == filters.outcome)
        return statement.order_by(PsEngagement.id.desc())

    def account(self, customer: Customer) -> Account:
        name = None
        if customer.owning_partner_id is not None:
            name = self.session.scalar(select(Partner.display_name).where(Partner.id == customer.owning_partner_id))
        return Account(
            customer_name=customer.name,
            ownership=customer.ownership,
            protecting_partner_id=customer.owning_partner_id,
            protecting_partner_name=name,
            protected_until=customer.protected_until,
        )

    def is_vendor_user(self, user_id: int) -> bool:
        statement = select(User.id).where(User.id == user_id, User.partner_id.is_(None), User.is_active.is_(True))
        return self.session.scalar(statement) is not None

    def add_violation(self, violation: RoeViolation) -> RoeViolation:
        self.session.add(violation)
        self.session.flush()
        return violation


class ViolationRepository(Repository[RoeViolation]):
    model = RoeViolation

    def filtered(self, filters: ViolationFilters) -> Select[RoeViolation]:
        """Unordered: the service sorts (VIOLATION_SORTS)."""
        statement = self.readable()
        if filters.partner_id:
            statement = statement.where(RoeViolation.partner_id == filters.partner_id)
        if filters.partner_ids is not None:
            statement = statement.where(RoeViolation.partner_id.in_(filters.partner_ids))
        if filters.occurred_from:
            statement = statement.where(RoeViolation.occurred_at >= _start_of(filters.occurred_from))
        if filters.occurred_to:
            statement = statement.where(RoeViolation.occurred_at < _start_of(filters.occurred_to + timedelta(days=1)))
        return statement


# The violations list's sort keys; "partner" and "customer" sort by name.
VIOLATION_SORTS: dict[str, Any] = {
    "occurred": RoeViolation.occurred_at,
    "activity": RoeViolation.activity,
    "partner": select(Partner.display_name).where(Partner.id == RoeViolation.partner_id).scalar_subquery(),
    "customer": select(Customer.name).where(Customer.id == RoeViolation.customer_id).scalar_subquery(),
}


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.UTC)
