"""The customer a registration is about: found by matching, or created from what the partner
typed. Partners submit registrations, so none of this asks for a vendor permission; it answers
with customer ids and match evidence for the registrations service only, never for display to a
partner."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.names import normalize_name
from alliance.customers.records import derive
from alliance.customers.repository import CustomerRepository
from alliance.customers.service import CustomerMatch
from alliance.customers.vocabulary import Ownership
from alliance.identity.scope import Actor

CREATED_FIELDS = ("name", "website", "country")
# Matching answers with at most this many customers at or above the threshold (the API's maximum).
CANDIDATE_LIMIT = 50
# Letters at each end of a compact name that a one-typo variant keeps at one end at least.
VARIANT_EDGE = 4


def customer_by_id(session: Session, *, customer_id: int) -> Customer | None:
    return CustomerRepository(session).get(customer_id)


@dataclass(frozen=True, slots=True)
class Resolution:
    """The customer a submitted registration is about, and the candidates matching found for the
    customer as typed: every known customer at or above the conflict threshold, best first (the
    conflict check compares the registration with exactly these)."""

    customer_id: int
    candidates: tuple[CustomerMatch, ...]


def candidates_for(session: Session, actor: Actor, *, name: str, website: str | None, country: str | None) -> list[CustomerMatch]:
    """Every known customer matching scores at or above the conflict threshold, best first."""
    return customer_service.find_matches(session, actor, name=name, website=website, country=country, limit=CANDIDATE_LIMIT)


def known_customer(session: Session, actor: Actor, *, customer_id: int | None, name: str, website: str | None, country: str | None) -> int | None:
    """The customer a registration that may create none is about (sandbox test data): the record
    already chosen, else the best known match, else none. Reads only."""
    if customer_id is not None:
        return customer_id
    candidates = candidates_for(session, actor, name=name, website=website, country=country)
    return candidates[0].customer_id if candidates else None


def resolve_customer(session: Session, actor: Actor, *, customer_id: int | None, name: str, website: str | None, country: str | None) -> Resolution:
    """Match the customer as typed, once: the record already chosen (`customer_id`), else the best
    candidate, else a new open customer."""
    if customer_id is not None and not normalize_name(name).tokens:
        return Resolution(customer_id, ())  # nothing to match on: the chosen record is the only candidate
    candidates = candidates_for(session, actor, name=name, website=website, country=country)
    if customer_id is not None:
        return Resolution(customer_id, tuple(candidates))
    if candidates:
        return Resolution(candidates[0].customer_id, tuple(candidates))
    derived = derive(name, website)
    if _serialize_new_company(session, derived.keys, derived.name_compact):
        # Another submit may have created the company, as typed or as a variant, while we waited
        # for the locks: match again, now that what it created is committed and visible.
        candidates = candidates_for(session, actor, name=name, website=website, country=country)
        if candidates:
            return Resolution(candidates[0].customer_id, tuple(candidates))
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
    return Resolution(customer.id, ())


def _serialize_new_company(session: Session, blocking_keys: list[str], compact_name: str) -> bool:
    """On PostgreSQL, hold (until commit) a lock on everything a variant of this name would share
    with it, so that two submits of one new company, however each spells it, create it once: its
    blocking keys (the same words, in any order, one missing or added) and the first and last
    letters of its compact name (one typo leaves one of the two intact). Taken in one statement,
    in one order by every transaction, so they never deadlock. SQLite needs nothing: a writing
    transaction holds the database write lock."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    shared = {*blocking_keys, "start:" + compact_name[:VARIANT_EDGE], "end:" + compact_name[-VARIANT_EDGE:]}
    session.execute(_LOCK_ALL, {"ids": sorted({_lock_id(key) for key in shared})})
    return True


# The locks in the order of their ids: the aggregate takes them as the ordered subquery yields them.
_LOCK_ALL = text("SELECT count(pg_advisory_xact_lock(id)) FROM (SELECT id FROM unnest(CAST(:ids AS bigint[])) AS id ORDER BY id) AS ordered")


def _lock_id(key: str) -> int:
    """A signed 64-bit advisory lock id for a customer-name key."""
    return int.from_bytes(hashlib.blake2b(f"customer-name:{key}".encode(), digest_size=8).digest(), "big", signed=True)
