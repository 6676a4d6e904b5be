"""What the co-sell pages show instead of ids, read for a whole page at once: one query per kind
of name, whatever the number of rows. Partner-owned rows are filtered by the scope here as well
as by the session; customers and PS engagements are vendor data, named for a partner only
through its own records (its consents, its disputes, engagements on accounts it protected)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from alliance.cosell.models import CodeliveryPlan, EngagementConsent, PlanActivity, PsEngagement, ScopeDispute
from alliance.customers.models import Customer
from alliance.db import ScopeMissing
from alliance.identity.models import User
from alliance.identity.scope import PartnerScope
from alliance.kit.repository import within_scope
from alliance.kit.statements import AnySelect
from alliance.partners.models import Partner
from alliance.registrations.models import Registration


@dataclass(frozen=True, slots=True)
class RegistrationLabel:
    """A registration as a person recognises it: whose, for which customer, called what."""

    registration_id: int
    title: str
    kind: str
    customer_id: int | None
    customer_name: str
    partner_id: int
    partner_name: str


@dataclass(frozen=True, slots=True)
class DisputeSubject:
    """What a dispute is about: a plan activity (its row's label or activity, and the plan's
    registration) or a PS engagement (its customer and activity)."""

    dispute_id: int
    partner_id: int
    partner_name: str
    plan_id: int | None = None
    activity: str | None = None  # the plan row's activity, or the engagement's
    activity_label: str | None = None  # a custom plan row's own name
    registration_title: str | None = None
    customer_id: int | None = None
    customer_name: str | None = None  # the plan registration's customer as typed, or the engagement's customer
    engagement_id: int | None = None


@dataclass(frozen=True, slots=True)
class EngagementLabel:
    """A vendor PS engagement as the protecting partner recognises it: the account and who is staffed."""

    engagement_id: int
    customer_name: str
    staffed_name: str | None  # the vendor PS person


class LabelRepository:
    """Read-only projections for pages; never ORM rows."""

    def __init__(self, session: Session) -> None:
        scope = session.info.get("scope")
        if not isinstance(scope, PartnerScope):
            raise ScopeMissing("LabelRepository needs a session opened with a PartnerScope")
        self.session = session
        self.scope = scope

    def registrations(self, registration_ids: Collection[int]) -> dict[int, RegistrationLabel]:
        statement = (
            select(
                Registration.id,
                Registration.title,
                Registration.kind,
                Registration.customer_id,
                Registration.customer_name,
                Registration.partner_id,
                Partner.display_name,
            )
            .join(Partner, Partner.id == Registration.partner_id)
            .where(Registration.id.in_(sorted(registration_ids)))
        )
        return {row[0]: RegistrationLabel(*row) for row in self._rows(self._own(statement, Registration.partner_id), registration_ids)}

    def partners(self, partner_ids: Collection[int]) -> dict[int, str]:
        statement = select(Partner.id, Partner.display_name).where(Partner.id.in_(sorted(partner_ids)))
        return {row[0]: row[1] for row in self._rows(self._own(statement, Partner.id), partner_ids)}

    def customers(self, customer_ids: Collection[int]) -> dict[int, str]:
        """Vendor data: callers make sure the actor may read customers."""
        statement = select(Customer.id, Customer.name).where(Customer.id.in_(sorted(customer_ids)))
        return {row[0]: row[1] for row in self._rows(statement, customer_ids)}

    def consent_accounts(self, consent_ids: Collection[int]) -> dict[int, str]:
        """The customer name of each given consent the scope may read, by customer id."""
        statement = (
            select(Customer.id, Customer.name)
            .join(EngagementConsent, EngagementConsent.customer_id == Customer.id)
            .where(EngagementConsent.id.in_(sorted(consent_ids)))
        )
        return {row[0]: row[1] for row in self._rows(self._own(statement, EngagementConsent.partner_id), consent_ids)}

    def engagements(self, engagement_ids: Collection[int]) -> dict[int, EngagementLabel]:
        """The customer and the staffed vendor person of each engagement the scope may read (a
        partner: those on accounts it protected when staffed). Vendor users are hidden from a
        partner's session, so their names are read past it, for these engagements only."""
        statement = (
            select(PsEngagement.id, Customer.name, User.name)
            .join(Customer, Customer.id == PsEngagement.customer_id)
            .outerjoin(User, (User.id == PsEngagement.staffed_user_id) & User.partner_id.is_(None))
            .where(PsEngagement.id.in_(sorted(engagement_ids)))
            .execution_options(bypass_partner_scope="a protecting partner sees the vendor PS person staffed on its account")
        )
        return {row[0]: EngagementLabel(*row) for row in self._rows(self._own(statement, PsEngagement.protecting_partner_id), engagement_ids)}

    def dispute_subjects(self, dispute_ids: Collection[int]) -> dict[int, DisputeSubject]:
        statement = (
            select(
                ScopeDispute.id,
                ScopeDispute.partner_id,
                Partner.display_name,
                ScopeDispute.plan_id,
                PlanActivity.activity,
                PlanActivity.label,
                Registration.title,
                Registration.customer_id,
                Registration.customer_name,
                ScopeDispute.engagement_id,
                PsEngagement.activity,
                Customer.id,
                Customer.name,
            )
            .join(Partner, Partner.id == ScopeDispute.partner_id)
            .outerjoin(PlanActivity, PlanActivity.id == ScopeDispute.activity_id)
            .outerjoin(CodeliveryPlan, CodeliveryPlan.id == ScopeDispute.plan_id)
            .outerjoin(Registration, Registration.id == CodeliveryPlan.registration_id)
            .outerjoin(PsEngagement, PsEngagement.id == ScopeDispute.engagement_id)
            .outerjoin(Customer, Customer.id == PsEngagement.customer_id)
            .where(ScopeDispute.id.in_(sorted(dispute_ids)))
        )
        found = {}
        for row in self._rows(self._own(statement, ScopeDispute.partner_id), dispute_ids):
            (
                dispute_id,
                partner_id,
                partner_name,
                plan_id,
                plan_activity,
                activity_label,
                title,
                registration_customer_id,
                registration_customer,
                engagement_id,
                engagement_activity,
                customer_id,
                customer_name,
            ) = row
            if plan_id is not None:
                found[dispute_id] = DisputeSubject(
                    dispute_id,
                    partner_id,
                    partner_name,
                    plan_id=plan_id,
                    activity=plan_activity,
                    activity_label=activity_label,
                    registration_title=title,
                    customer_id=registration_customer_id,
                    customer_name=registration_customer,
                )
            else:
                found[dispute_id] = DisputeSubject(
                    dispute_id,
                    partner_id,
                    partner_name,
                    activity=engagement_activity,
                    customer_id=customer_id,
                    customer_name=customer_name,
                    engagement_id=engagement_id,
                )
        return found

    def _own(self, statement: AnySelect, partner_column: Any) -> AnySelect:
        """The explicit partner filter (the session's scope filter is the safety net)."""
        return within_scope(statement, partner_column, self.scope)

    def _rows(self, statement: AnySelect, ids: Collection[int]) -> list[Any]:
        return list(self.session.execute(statement)) if ids else []
