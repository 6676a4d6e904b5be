"""Tier metrics never add amounts in different currencies: each program counts its own currency."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from alliance.errors import Conflict
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.partners import program_service
from alliance.partners.schemas import ProgramUpdate
from alliance.tiers import service as tier_service
from alliance.tiers.metrics_repository import TierMetricsRepository
from tests.service.tiers.factory import TierData

TODAY = date(2026, 11, 24)
CLOSED = date(2026, 6, 1)


@pytest.fixture
def data(db, world) -> TierData:  # type: ignore[no-untyped-def]
    return TierData(db)


@pytest.fixture
def admin(world) -> Actor:  # type: ignore[no-untyped-def]
    return Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label="admin")


def set_currency(db, admin: Actor, program_id: int, currency: str) -> None:  # type: ignore[no-untyped-def]
    with db.session_scope(PartnerScope.system(reason="test")) as session:
        program_service.update_program(session, admin, program_id=program_id, data=ProgramUpdate(currency=currency))


@pytest.fixture
def euro_a(db, world, admin, data):  # type: ignore[no-untyped-def]
    """Partner A's program in EUR, partner B's in USD; A also holds credit in JPY and USD."""
    set_currency(db, admin, world.program_ids["si-regional"], "EUR")
    data.credit(world.a.id, "influence", "100000", effective_on=CLOSED, currency="EUR")
    data.credit(world.a.id, "influence", "100000", effective_on=CLOSED, currency="JPY")
    data.credit(world.a.id, "direct", "50000", effective_on=CLOSED, currency="EUR")
    data.credit(world.a.id, "direct", "7000", effective_on=CLOSED, currency="USD")
    data.credit(world.b.id, "direct", "100000", effective_on=CLOSED, currency="USD")


class TestMetrics:
    def test_eur_and_jpy_are_never_added(self, db, world, euro_a):
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            found = TierMetricsRepository(session).metrics(today=TODAY)
        a, b = found[world.a.id], found[world.b.id]
        assert (a.currency, b.currency) == ("EUR", "USD")
        assert a.values["influenced_revenue_12m"] == Decimal(100000)  # not 200,000
        assert a.values["direct_revenue_12m"] == Decimal(50000)
        assert a.values["total_revenue_12m"] == Decimal(150000)
        assert a.uncounted == {
            "influenced_revenue_12m": {"JPY": Decimal(100000)},
            "direct_revenue_12m": {"USD": Decimal(7000)},
            "total_revenue_12m": {"JPY": Decimal(100000), "USD": Decimal(7000)},
        }
        assert b.values["direct_revenue_12m"] == Decimal(100000) and b.uncounted == {}

    def test_the_evaluation_speaks_the_programs_currency_and_names_the_rest(self, db, world, admin, data, euro_a):
        # Silver's certified capacity, so that Gold (with its revenue criterion) is next.
        data.certify(world.a.id, "solution_architect", "professional", 2, expires_on=date(2029, 1, 1))
        data.certify(world.a.id, "implementation_engineer", "associate", 3, expires_on=date(2029, 1, 1))
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            found = tier_service.evaluate_partner(session, admin, partner_id=world.a.id, today=TODAY)
        assert found.currency == "EUR" and found.uncounted["influenced_revenue_12m"] == {"JPY": Decimal(100000)}
        [influence] = [g for g in found.evaluation.gaps if g.metric == "influenced_revenue_12m"]
        assert (influence.value, influence.currency) == (Decimal(100000), "EUR")
        assert influence.words == "influenced revenue, trailing 12 months: €100K of €1M (needs €900K more); not counted, in other currencies: ¥100K"


class TestProgramCurrency:
    def test_changes_while_nothing_is_recorded(self, db, world, admin):
        set_currency(db, admin, world.program_ids["reseller"], "eur")
        with db.session_scope(PartnerScope.system(reason="test"), write=False) as session:
            assert program_service.get_program(session, admin, program_id=world.program_ids["reseller"]).currency == "EUR"

    def test_refused_once_the_programs_partners_have_credit(self, db, world, admin, data):
        data.credit(world.b.id, "direct", "100000", effective_on=CLOSED)
        with pytest.raises(Conflict) as caught:
            set_currency(db, admin, world.program_ids["reseller"], "EUR")
        assert "cannot change its currency from USD to EUR" in caught.value.message
        assert "amounts are never converted" in caught.value.message
        assert caught.value.details == [{"field": "currency", "message": "amounts are recorded in USD"}]
        # Another program's currency is still free to change.
        set_currency(db, admin, world.program_ids["si-regional"], "GBP")

    def test_same_currency_again_is_not_a_change(self, db, world, admin, data):
        data.credit(world.b.id, "direct", "100000", effective_on=CLOSED)
        set_currency(db, admin, world.program_ids["reseller"], "USD")
