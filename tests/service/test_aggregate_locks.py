"""db.Aggregate: a state change is refused unless its aggregate was read under a row lock in the
same transaction, so a service that forgets the lock fails its tests instead of racing in
production. And every model with a lifecycle (a status column) takes part."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from alliance.db import Aggregate, AggregatePart, Base, Database, UnlockedChange
from alliance.identity.scope import PartnerScope
from alliance.partners.models import Person
from alliance.registrations.models import Registration, RegistrationEvent
from alliance.registrations.repository import RegistrationRepository
from tests.factories.world import World


@pytest.fixture
def registration_id(world: World) -> int:
    return world.registrations()["a"]


def system(db: Database):  # type: ignore[no-untyped-def]
    return db.session_scope(PartnerScope.system(reason="test: aggregate locks"))


def test_a_change_without_the_lock_is_refused(db: Database, registration_id: int) -> None:
    with pytest.raises(UnlockedChange, match="Registration"), system(db) as session:
        session.get_one(Registration, registration_id).title = "Changed without a lock"


def test_a_change_under_the_lock_is_written(db: Database, registration_id: int) -> None:
    with system(db) as session:
        registration = RegistrationRepository(session).get_for_change(registration_id)
        assert registration is not None
        registration.title = "Changed under the lock"
    with system(db) as session:
        assert session.get_one(Registration, registration_id).title == "Changed under the lock"


def test_the_lock_ends_with_the_transaction(db: Database, registration_id: int) -> None:
    session = db.open_session(PartnerScope.system(reason="test"))
    try:
        session.get_one(Registration, registration_id, with_for_update=True).title = "First transaction"
        session.commit()
        session.get_one(Registration, registration_id).title = "Second transaction, no lock"
        with pytest.raises(UnlockedChange):
            session.flush()
    finally:
        session.rollback()
        session.close()


def test_a_part_needs_its_root_locked(db: Database, registration_id: int, world: World) -> None:
    from alliance.kit import clock
    from alliance.registrations.lifecycle import Side

    def event() -> RegistrationEvent:
        return RegistrationEvent(
            partner_id=world.a.id, registration_id=registration_id, at=clock.now(), action="noted", actor_label="test", actor_side=Side.SYSTEM
        )

    with pytest.raises(UnlockedChange, match="registrations row"), system(db) as session:
        session.add(event())
    with system(db) as session:
        session.get_one(Registration, registration_id, with_for_update=True)
        session.add(event())


def test_rows_created_in_the_transaction_are_its_own(db: Database, world: World) -> None:
    with system(db) as session:
        person = Person(partner_id=world.a.id, name="New Person", email="new.person@a.example", delivery_role="solution_architect")
        session.add(person)
        session.flush()
        person.name = "Renamed"  # not an aggregate: no lock needed either way


def test_every_model_with_a_lifecycle_is_an_aggregate_or_part_of_one() -> None:
    """A new domain's state machine cannot leave the locking out."""
    missing = [
        mapper.class_.__name__
        for mapper in Base.registry.mappers
        if "status" in inspect(mapper.class_).columns and not issubclass(mapper.class_, (Aggregate, AggregatePart))
    ]
    assert missing == []
