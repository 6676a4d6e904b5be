"""Rule 4: two partners submitting on the same customer at the same moment are put in one order
by the server, and the customer exists once. Runs on SQLite and PostgreSQL (backend switch)."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from alliance.customers import service as customer_service
from alliance.customers.models import Customer
from alliance.customers.schemas import CustomerCreate
from alliance.identity.scope import scope_for
from alliance.registrations import service as registration_service
from alliance.registrations.models import Registration, RegistrationConflict


def submit_together(db, actors, drafts: dict[str, int]) -> dict[str, BaseException]:  # type: ignore[no-untyped-def]
    """Submit each partner's draft from its own thread and session, released together."""
    barrier = threading.Barrier(len(drafts))
    errors: dict[str, BaseException] = {}

    def submit(who: str, registration_id: int) -> None:
        try:
            with db.session_scope(scope_for(actors[who])) as session:
                barrier.wait(timeout=10)
                registration_service.act(session, actors[who], registration_id=registration_id, action="submit")
        except BaseException as exc:  # reported to the test thread
            errors[who] = exc

    threads = [threading.Thread(target=submit, args=(who, registration_id)) for who, registration_id in drafts.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def outcome(db, actors):  # type: ignore[no-untyped-def]
    with db.session_scope(scope_for(actors["admin"])) as session:
        customers = session.scalars(select(Customer)).all()
        registrations = session.scalars(select(Registration).order_by(Registration.submitted_at)).all()
        conflicts = session.scalars(select(RegistrationConflict).where(RegistrationConflict.is_current.is_(True))).all()
        return customers, registrations, conflicts


@pytest.mark.parametrize("existing", [False, True], ids=["new company", "existing customer"])
def test_simultaneous_submits_on_one_customer(db, register, actors, unit, existing):
    if existing:
        with unit(actors["cam"]) as session:
            customer_service.create_customer(session, actors["cam"], data=CustomerCreate(name="Contoso Pharma AG", country="CH"))
    drafts = {
        "a_user": register("a_user", customer={"name": "Contoso Pharma AG", "country": "CH"}),
        "b_user": register("b_user", customer={"name": "Contoso Pharma", "country": "CH"}),
    }
    errors = submit_together(db, actors, drafts)
    assert not errors, errors

    customers, registrations, conflicts = outcome(db, actors)
    assert len(customers) == 1
    assert [r.status for r in registrations] == ["submitted", "submitted"]
    assert {r.customer_id for r in registrations} == {customers[0].id}
    first, second = registrations
    assert first.submitted_at < second.submitted_at
    # Only the later one is flagged, and it points at the earlier one.
    assert conflicts and {c.registration_id for c in conflicts} == {second.id}
    assert {c.other_registration_id for c in conflicts} == {first.id}
