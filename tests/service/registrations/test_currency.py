"""A registration's amounts are in its partner's program currency: never another, never converted."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from alliance.errors import RuleViolation
from alliance.kit import clock
from alliance.partners import program_service
from alliance.partners.schemas import ProgramUpdate
from alliance.registrations import service as registration_service
from alliance.registrations.models import AttributionEntry
from alliance.registrations.schemas import RegistrationUpdate
from tests.factories.world import deal_input
from tests.service.registrations.conftest import APPROVE


@pytest.fixture
def euro_a(unit, actors, world):  # type: ignore[no-untyped-def]
    """Partner A's program (si-regional) in EUR."""
    with unit(actors["admin"]) as session:
        program_service.update_program(session, actors["admin"], program_id=world.program_ids["si-regional"], data=ProgramUpdate(currency="EUR"))


def stored_currency(unit, actors, registration_id: int) -> str:  # type: ignore[no-untyped-def]
    with unit(actors["a_user"]) as session:
        return registration_service.get_registration(session, actors["a_user"], registration_id=registration_id).currency


class TestFiling:
    def test_defaults_to_the_program_currency(self, register, unit, actors, euro_a):
        assert stored_currency(unit, actors, register()) == "EUR"

    def test_the_program_currency_may_be_named(self, register, unit, actors, euro_a):
        assert stored_currency(unit, actors, register(currency="eur")) == "EUR"

    def test_another_currency_is_refused_naming_the_field(self, register, euro_a):
        with pytest.raises(RuleViolation) as caught:
            register(currency="USD")
        assert caught.value.details == [{"field": "currency", "message": "must be EUR, the program currency"}]
        assert "program currency, EUR" in caught.value.message

    def test_an_update_to_another_currency_is_refused(self, register, unit, actors, euro_a):
        registration_id = register()
        with pytest.raises(RuleViolation) as caught, unit(actors["a_user"]) as session:
            registration_service.update_registration(session, actors["a_user"], registration_id=registration_id, data=RegistrationUpdate(currency="JPY"))
        assert caught.value.details[0]["field"] == "currency"
        assert stored_currency(unit, actors, registration_id) == "EUR"

    def test_the_form_default_is_the_program_currency(self, unit, actors, euro_a):
        with unit(actors["a_user"]) as session:
            assert registration_service.registration_currency(session, actors["a_user"]) == "EUR"
        with unit(actors["b_user"]) as session:
            assert registration_service.registration_currency(session, actors["b_user"]) == "USD"


class TestWon:
    def test_booked_amount_in_another_currency_is_refused(self, register, act, unit, actors, euro_a):
        registration_id = register(body=deal_input("Deal", "Acme Analytics"))
        act(registration_id, *APPROVE)
        with pytest.raises(RuleViolation) as caught, unit(actors["cam"]) as session:
            registration_service.mark_won(
                session, actors["cam"], registration_id=registration_id, booked_amount=Decimal(5000), closed_on=clock.today(), currency="USD"
            )
        assert caught.value.details == [{"field": "currency", "message": "must be EUR"}]

    def test_credit_carries_the_registrations_currency(self, register, act, unit, actors, euro_a):
        registration_id = register()
        act(registration_id, *APPROVE)
        with unit(actors["cam"]) as session:
            registration_service.mark_won(
                session, actors["cam"], registration_id=registration_id, booked_amount=Decimal(5000), closed_on=clock.today(), currency="EUR"
            )
            entries = session.scalars(select(AttributionEntry).where(AttributionEntry.closing_registration_id == registration_id)).all()
        assert [(e.amount, e.currency) for e in entries] == [(Decimal("5000.00"), "EUR")]
