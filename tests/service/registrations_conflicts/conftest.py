"""Registrations made directly with the ORM (not through the registrations service), customers
through the customers service, and a clock pinned to 2026-03-10."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate, OwnershipChange
from alliance.customers.vocabulary import Ownership
from alliance.db import Database
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations import conflict_service
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import Registration, RegistrationConflict, RegistrationProduct
from alliance.registrations.vocabulary import ConflictCheck
from tests.factories.world import World

NOW = datetime(2026, 3, 10, 12, tzinfo=UTC)
TODAY = NOW.date()


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@pytest.fixture(autouse=True)
def frozen_clock(world: World) -> Iterator[None]:
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.fixture
def add_customer(unit, actors):  # type: ignore[no-untyped-def]
    def add(
        name: str,
        website: str | None = None,
        country: str | None = "US",
        *,
        ownership: Ownership = Ownership.OPEN,
        owner: int | None = None,
        until: date | None = None,
    ) -> int:
        with unit(actors["cam"]) as session:
            customer = customer_service.create_customer(session, actors["cam"], data=CustomerCreate(name=name, website=website, country=country))
            if ownership != Ownership.OPEN:
                change = OwnershipChange(status=ownership, owning_partner_id=owner, protected_until=until, reason="test")
                customer_service.change_customer_ownership(session, actors["cam"], customer_id=customer.id, change=change)
            return customer.id

    return add


@dataclass(frozen=True)
class Typed:
    name: str
    website: str | None = None
    country: str | None = "US"


@pytest.fixture
def add_registration(db: Database):  # type: ignore[no-untyped-def]
    """Insert a registration and its product lines as they stand after submit (system scope)."""

    def add(
        partner_id: int,
        customer_id: int | None,
        *,
        kind: RegistrationKind = RegistrationKind.DEAL,
        status: Status = Status.SUBMITTED,
        submitted_at: datetime | None = None,
        lines: tuple[str, ...] = ("analytics", "cloud"),
        typed: Typed | None = None,
        protected_until: date | None = None,
        title: str = "Registration",
    ) -> int:
        typed = typed or Typed("Acme Analytics, Inc.", "https://acme-analytics.com")
        if status == Status.APPROVED and protected_until is None:
            protected_until = TODAY + timedelta(days=60)
        with db.session_scope(PartnerScope.system(reason="test registrations")) as session:
            registration = Registration(
                partner_id=partner_id,
                kind=kind,
                status=status,
                title=title,
                customer_name=typed.name,
                customer_website=typed.website,
                customer_country=typed.country,
                customer_id=customer_id,
                submitted_at=submitted_at or days_ago(1),
                protected_until=protected_until,
                details={},
            )
            session.add(registration)
            session.flush()
            session.add_all(RegistrationProduct(registration_id=registration.id, partner_id=partner_id, product_line=line) for line in lines)
            return registration.id

    return add


@dataclass(frozen=True)
class Stored:
    id: int
    partner_id: int
    other_registration_id: int | None
    kind: str
    step: str
    score: float
    evidence: dict
    partner_message: str
    is_current: bool


def stored(row: RegistrationConflict) -> Stored:
    return Stored(row.id, row.partner_id, row.other_registration_id, row.kind, row.step, row.score, row.evidence, row.partner_message, row.is_current)


@pytest.fixture
def check(unit, actors, world):  # type: ignore[no-untyped-def]
    """Run check_conflicts for a registration in its partner's own scope (as on submit)."""

    def run(registration_id: int, *, step: ConflictCheck = ConflictCheck.SUBMIT, as_actor: Actor | None = None) -> list[Stored]:
        with unit(as_actor or actors["cam"]) as probe:
            partner_id = probe.get_one(Registration, registration_id).partner_id
        actor = as_actor or (actors["a_user"] if partner_id == world.a.id else actors["b_user"])
        with unit(actor) as session:
            registration = session.get_one(Registration, registration_id, with_for_update=True)
            return [stored(row) for row in conflict_service.check_conflicts(session, registration, step=step)]

    return run
