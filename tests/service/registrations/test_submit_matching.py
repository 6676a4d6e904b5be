"""A submit matches the customer as typed once: the candidates pick (or create) the customer and
are the conflict check's candidates. Counted at the matcher's entry point and in the SQL sent."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select

from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.schemas import CustomerCreate
from alliance.db import Database
from alliance.identity.scope import scope_for
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration, RegistrationConflict
from alliance.registrations.repository import RegistrationRepository
from alliance.registrations.schemas import REGISTRATION_CREATE
from tests.factories.world import deal_input


class Calls:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.statements: list[str] = []

    @property
    def name_lookups(self) -> int:
        """Matching reads the whole-name index exactly once per candidate search (find_matches)."""
        return sum(1 for sql in self.statements if "customers.name_len =" in sql and "customers.name_compact =" in sql)


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch, db: Database) -> Iterator[Calls]:
    """Count matcher calls, customer locks and the SQL statements sent while the test runs."""
    found = Calls()

    def counting(name: str, original: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found.counts[name] += 1
            return original(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(customer_service, "find_matches", counting("find_matches", customer_service.find_matches))
    monkeypatch.setattr(RegistrationRepository, "lock_customer", counting("lock_customer", RegistrationRepository.lock_customer))

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        found.statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def reset(calls: Calls) -> None:
    calls.counts.clear()
    calls.statements.clear()


@pytest.fixture
def known(unit, actors) -> int:  # type: ignore[no-untyped-def]
    with unit(actors["cam"]) as session:
        return customer_service.create_customer(session, actors["cam"], data=CustomerCreate(name="Contoso Pharma AG", country="CH")).id


def customers(unit, actors) -> list[Customer]:  # type: ignore[no-untyped-def]
    with unit(actors["cam"]) as session:
        return list(session.scalars(select(Customer)))


class TestOneMatchPerSubmit:
    def test_create_and_submit_a_known_customer(self, register, calls, known, unit, actors):
        reset(calls)
        registration_id = register(customer={"name": "Contoso Pharma", "country": "CH"}, submit=True)
        assert calls.counts == {"find_matches": 1, "lock_customer": 1}
        assert calls.name_lookups == 1
        with unit(actors["cam"]) as session:
            assert session.get_one(Registration, registration_id).customer_id == known

    def test_create_and_submit_a_new_company(self, register, calls, db, unit, actors):
        reset(calls)
        registration_id = register(customer={"name": "Fabrikam Robotics", "country": "DE"}, submit=True)
        # PostgreSQL matches a new company once more after taking the locks its variants share
        # (another submit may have created it, however spelled, meanwhile); SQLite's writer
        # already held the database.
        recheck = 0 if db.is_sqlite else 1
        assert calls.counts == {"find_matches": 1 + recheck, "lock_customer": 1}
        assert calls.name_lookups == 1 + recheck
        [customer] = customers(unit, actors)
        with unit(actors["cam"]) as session:
            assert session.get_one(Registration, registration_id).customer_id == customer.id

    def test_submit_a_draft(self, register, act, calls, known):
        registration_id = register(customer={"name": "Contoso Pharma", "country": "CH"})
        reset(calls)
        act(registration_id, ("a_user", "submit"))
        assert calls.counts == {"find_matches": 1, "lock_customer": 1}
        assert calls.name_lookups == 1

    def test_customer_chosen_by_id_is_still_matched_once_for_the_conflict_check(self, register, act, calls, known, unit, actors):
        other = register("b_user", customer={"name": "Contoso Pharma AG", "country": "CH"}, submit=True)
        reset(calls)
        # A record picked by hand under another spelling: the check still compares it, scored.
        mine = register(customer={"customer_id": known, "name": "Contoso Pharmaceuticals Holding", "country": "CH"}, submit=True)
        assert calls.counts == {"find_matches": 1, "lock_customer": 1}
        with unit(actors["cam"]) as session:
            [conflict] = session.scalars(select(RegistrationConflict).where(RegistrationConflict.registration_id == mine)).all()
            assert conflict.other_registration_id == other
            assert conflict.evidence["customer_match"] == "same_record"

    def test_candidates_found_on_submit_flag_the_other_record(self, register, calls, known, unit, actors):
        # Two records for one company: the submit resolves to one and is checked against both.
        with unit(actors["cam"]) as session:
            twin = customer_service.create_customer(session, actors["cam"], data=CustomerCreate(name="Contoso Pharma", country="CH")).id
        other = register("b_user", customer={"customer_id": twin, "name": "Contoso Pharma", "country": "CH"}, submit=True)
        reset(calls)
        mine = register(customer={"name": "Contoso Pharma AG", "country": "CH"}, submit=True)
        assert calls.counts == {"find_matches": 1, "lock_customer": 1}
        with unit(actors["cam"]) as session:
            assert session.get_one(Registration, mine).customer_id in (known, twin)
            [conflict] = session.scalars(select(RegistrationConflict).where(RegistrationConflict.registration_id == mine)).all()
            assert conflict.other_registration_id == other

    def test_the_review_check_matches_on_its_own(self, register, act, calls, known):
        registration_id = register(customer={"name": "Contoso Pharma", "country": "CH"}, submit=True)
        reset(calls)
        act(registration_id, ("cam", "start_review"))
        assert calls.counts == {"find_matches": 1}


# Statements one create-and-submit of a known customer sends, BEGIN aside: checks of the input, one
# read of every candidate index and one of the candidates' identities, the customer lock, the
# registration's insert (already submitted), its two history rows, their audit, notices, the
# conflict check (the new registration's lines from memory, no earlier findings to retire). A loop
# per candidate, other registration or product line shows here. PostgreSQL writes both history rows
# in one statement and each audit event in one (lock the head, insert, move the head); SQLite reads
# the head once, then updates it and inserts per event.
STATEMENTS_PER_SUBMIT = {"postgresql": 20, "sqlite": 25}


class TestStatementsPerSubmit:
    def test_one_submit_sends_a_bounded_number_of_statements(self, register, calls, known, db):
        for name in ("Contoso Pharma", "Contoso Pharma AG", "Contoso Pharmaceuticals"):
            register("b_user", customer={"name": name, "country": "CH"}, submit=True)
        reset(calls)
        register(customer={"name": "Contoso Pharma", "country": "CH"}, submit=True)
        sent = [sql for sql in calls.statements if sql.split()[0].upper() not in ("BEGIN", "SAVEPOINT", "RELEASE")]
        assert len(sent) <= STATEMENTS_PER_SUBMIT[db.engine.dialect.name], "\n".join(" ".join(sql.split())[:160] for sql in sent)
        assert calls.name_lookups == 1


def test_a_create_and_submit_in_the_sandbox_never_touches_live_customers(db, catalog, actors, known, unit):
    # The sandbox catalog is the session's from the start, not only from the first flush: before
    # the fix the submit resolved the typed company among (and could create) live customers.
    data = REGISTRATION_CREATE.validate_python(
        {**deal_input("Deal", "Fabrikam Robotics"), "customer": {"name": "Fabrikam Robotics", "country": "DE"}, "submit": True}
    )
    with db.session_scope(scope_for(actors["a_user"]).in_sandbox()) as session:
        registration = registration_service.create_registration(session, actors["a_user"], data=data)
        assert registration.is_sandbox and registration.status == "submitted"
        assert registration.customer_id is None
    assert [c.name for c in customers(unit, actors)] == ["Contoso Pharma AG"]  # no live customer created
