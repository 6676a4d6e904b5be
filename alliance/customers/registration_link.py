"""The customer a registration is about: found by matching, or created from what the partner
typed. Partners submit registrations, so none of this asks for a vendor permission; it answers
with the customer record for the registrations service only, never for display to a partner."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.records import derive
from alliance.customers.repository import CustomerRepository
from alliance.customers.vocabulary import Ownership
from alliance.identity.scope import Actor

CREATED_FIELDS = ("name", "website", "country")


def customer_by_id(session: Session, *, customer_id: int) -> Customer | None:
    return CustomerRepository(session).get(customer_id)


def ensure_customer_for_registration(session: Session, actor: Actor, *, name: str, website: str | None, country: str | None) -> Customer:
    """The known customer at or above the conflict threshold, else a new open customer."""
    found = _best_match(session, actor, name=name, website=website, country=country)
    if found is not None:
        return found
    derived = derive(name, website)
    if _serialize_new_company(session, derived.name_compact):
        # Another submit of the same company may have created it while we waited for the lock.
        found = _best_match(session, actor, name=name, website=website, country=country)
        if found is not None:
            return found
    repository = CustomerRepository(session)
    customer = repository.add(Customer(name=name, website=website, country=country, **derived.columns(), ownership=Ownership.OPEN))
    repository.add_keys([(key, customer.id) for key in derived.keys])
    audit.record(
        session,
        actor,
        "customer.created",
        entity_type="customer",
        entity_id=customer.id,
        after=snapshot(customer, CREATED_FIELDS),
        reason="created from a submitted registration",
    )
    return customer


def _best_match(session: Session, actor: Actor, *, name: str, website: str | None, country: str | None) -> Customer | None:
    matches = customer_service.find_matches(session, actor, name=name, website=website, country=country, limit=1)
    return CustomerRepository(session).get(matches[0].customer_id) if matches else None


def _serialize_new_company(session: Session, compact_name: str) -> bool:
    """On PostgreSQL, one transaction at a time may create a customer of this name (held until
    commit). SQLite needs nothing: a writing transaction holds the database write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": compact_name})
    return True
