"""Registrations, customers and extra partners for attribution tests, built directly with the ORM
(won and approved states set by hand) so these tests do not depend on the registration service."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.partners.models import Partner, Program
from alliance.partners.vocabulary import (
    PartnerStatus,
    PartnerType,
    RegistrationKind,
    SISubtype,
)
from alliance.registrations import attribution_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import (
    AttributionEntry,
    Registration,
    RegistrationProduct,
)
from tests.factories.world import World

CLOSED_ON = date(2025, 5, 15)
OPERATOR = Actor.system(label="attribution-test")


def admin_of(world: World) -> Actor:
    return Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])


def partner_actor(world: World, who: str) -> Actor:
    partner_id = world.a.id if who.startswith("a_") else world.b.id
    role = Role.PARTNER_ADMIN if who.endswith("admin") else Role.PARTNER_USER
    return Actor(user_id=world.users[who], role=role, partner_id=partner_id, label=world.emails[who])


def add_si(session: Session, world: World, name: str, *, program_key: str = "si-technology", status: PartnerStatus = PartnerStatus.ACTIVE) -> int:
    program = session.get(Program, world.program_ids[program_key])
    assert program is not None
    partner = Partner(
        legal_name=f"{name} Ltd",
        display_name=name,
        partner_type=PartnerType.SYSTEMS_INTEGRATOR,
        si_subtype=program.si_subtype or SISubtype.TECHNOLOGY,
        hq_country="US",
        status=status,
        program_id=program.id,
    )
    session.add(partner)
    session.flush()
    return partner.id


def add_customer(session: Session, name: str) -> int:
    return customer_service.create_customer(session, OPERATOR, data=CustomerCreate(name=name)).id


def set_program_rule(session: Session, world: World, program_key: str, percent: str, split: str) -> None:
    program = session.get(Program, world.program_ids[program_key])
    assert program is not None
    program.influence_credit_percent, program.influence_credit_split = Decimal(percent), split
    session.flush()


def add_registration(
    session: Session,
    *,
    partner_id: int,
    kind: RegistrationKind,
    customer_id: int | None,
    products: tuple[str, ...] = ("data-platform",),
    status: Status = Status.APPROVED,
    protected_until: date | None = date(2025, 12, 31),
    approved_at: datetime | None = datetime(2025, 1, 10, tzinfo=UTC),
    submitted_at: datetime | None = None,
    amount: str = "100000",
    currency: str = "USD",
    transacting_partner_id: int | None = None,
    details: dict[str, Any] | None = None,
    title: str | None = None,
) -> Registration:
    registration = Registration(
        partner_id=partner_id,
        kind=kind,
        status=status,
        title=title or f"{kind} of partner {partner_id}",
        customer_name="Customer as typed",
        customer_id=customer_id,
        amount=Decimal(amount),
        currency=currency,
        transacting_partner_id=transacting_partner_id,
        details=details or {},
        submitted_at=submitted_at or (approved_at - timedelta(days=3) if approved_at else None),
        approved_at=approved_at,
        protected_until=protected_until,
    )
    registration.products = [RegistrationProduct(partner_id=partner_id, product_line=p) for p in products]
    session.add(registration)
    session.flush()
    return registration


def win(session: Session, actor: Actor, registration: Registration, booked: str, closed_on: date = CLOSED_ON, **kwargs: Any) -> list[AttributionEntry]:
    """What the registration service's mark_won does before it calls record_close."""
    registration.status = Status.WON
    registration.closed_on = closed_on
    registration.booked_amount = Decimal(booked)
    session.flush()
    return attribution_service.record_close(session, actor, registration, booked_amount=Decimal(booked), closed_on=closed_on, **kwargs)


@dataclass
class Ledger:
    """A small ledger: A (SI) influenced a deal B (reseller) transacted, and delivered a project."""

    customer_id: int
    influence_id: int
    deal_id: int
    project_id: int
    vendor_deal_id: int
    entry_ids: dict[str, int] = field(default_factory=dict)


def build_ledger(db: Database, world: World) -> Ledger:
    with db.session_scope(PartnerScope.system(reason="attribution test ledger")) as session:
        admin = admin_of(world)
        customer = add_customer(session, "Contoso Health Systems")
        influence = add_registration(
            session, partner_id=world.a.id, kind=RegistrationKind.INFLUENCE, customer_id=customer, title="Contoso data platform architecture"
        )
        deal = add_registration(session, partner_id=world.b.id, kind=RegistrationKind.DEAL, customer_id=customer, title="Contoso licences")
        project = add_registration(session, partner_id=world.a.id, kind=RegistrationKind.PROJECT, customer_id=customer, title="Contoso rollout")
        vendor_deal = add_registration(
            session, partner_id=world.b.id, kind=RegistrationKind.DEAL, customer_id=customer, details={"transacting": "vendor"}, title="Contoso renewal"
        )
        ledger = Ledger(customer, influence.id, deal.id, project.id, vendor_deal.id)
        for entry in win(session, admin, deal, "120000.00"):
            ledger.entry_ids[f"deal/{entry.credit_type}"] = entry.id
        for entry in win(session, admin, project, "80000.00"):
            ledger.entry_ids[f"project/{entry.credit_type}"] = entry.id
        for entry in win(session, admin, vendor_deal, "5000.00"):
            ledger.entry_ids[f"vendor/{entry.credit_type}"] = entry.id
    return ledger
