"""Customer master data and its ownership, through the service, on the real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from alliance.audit.models import AuditEvent
from alliance.customers import service as customer_service
from alliance.customers.models import CustomerNameKey
from alliance.customers.records import derive
from alliance.customers.repository import CustomerFilters
from alliance.customers.schemas import CustomerCreate, CustomerUpdate, OwnershipChange
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation
from alliance.kit import clock
from alliance.kit.pagination import PageRequest

FUTURE = date.today() + timedelta(days=180)


def keys_of(session, customer_id: int, *, typo_keys: bool = False) -> set[str]:  # type: ignore[no-untyped-def]
    """The customer's stored name keys; its typo keys ('d:') only if asked for."""
    keys = set(session.scalars(select(CustomerNameKey.key).where(CustomerNameKey.customer_id == customer_id)))
    return keys if typo_keys else {key for key in keys if not key.startswith("d:")}


def events(session, action: str) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


class TestCreateCustomer:
    def test_stores_matching_keys_and_is_audited(self, unit, actors):
        with unit(actors["cam"]) as session:
            customer = customer_service.create_customer(
                session, actors["cam"], data=CustomerCreate(name="The Acme Analytics Co.", website="https://www.acme.com/", country="us", external_id="C-1")
            )
            assert (customer.name_compact, customer.domain, customer.country, customer.ownership) == ("acmeanalytics", "acme.com", "US", "open")
            assert keys_of(session, customer.id) == {"t:acme", "t:analytics", "p:acme|analytics", "s:acmeanalytics"}
            [event] = events(session, "customer.created")
            assert event.after["name"] == "The Acme Analytics Co." and event.actor_label == actors["cam"].label

    def test_external_id_is_unique(self, add_customers, unit, actors):
        add_customers({"name": "Acme", "external_id": "C-1"})
        with pytest.raises(Conflict) as caught, unit(actors["cam"]) as session:
            customer_service.create_customer(session, actors["cam"], data=CustomerCreate(name="Other", external_id="C-1"))
        assert caught.value.details[0]["field"] == "external_id"

    def test_only_program_admins_and_cams(self, unit, actors):
        for who in ("auditor", "ps_lead", "a_user"):
            with pytest.raises(PermissionDenied), unit(actors[who]) as session:
                customer_service.create_customer(session, actors[who], data=CustomerCreate(name="Acme"))


class TestUpdateCustomer:
    def test_rename_replaces_the_keys(self, add_customers, unit, actors):
        [customer_id] = add_customers({"name": "Acme Analytics", "country": "US"})
        with unit(actors["admin"]) as session:
            customer = customer_service.update_customer(
                session, actors["admin"], customer_id=customer_id, data=CustomerUpdate(name="Zentrix Robotics", reason="rebranded")
            )
            assert keys_of(session, customer.id) == {"t:zentrix", "t:robotics", "p:robotics|zentrix", "s:zentrixrobotics", "q:zen|rob"}
            assert keys_of(session, customer.id, typo_keys=True) == set(derive("Zentrix Robotics", None).keys)  # the old name's typo keys gone
            [event] = events(session, "customer.updated")
            assert (event.before, event.after, event.reason) == ({"name": "Acme Analytics"}, {"name": "Zentrix Robotics"}, "rebranded")
            assert customer_service.find_matches(session, actors["admin"], name="Zentrix Robotics")[0].customer_id == customer_id
            assert customer_service.find_matches(session, actors["admin"], name="Acme Analytics") == []

    def test_name_cannot_be_cleared(self, add_customers, unit, actors):
        [customer_id] = add_customers({"name": "Acme"})
        with pytest.raises(RuleViolation), unit(actors["cam"]) as session:
            customer_service.update_customer(session, actors["cam"], customer_id=customer_id, data=CustomerUpdate(name=None))

    def test_unchanged_is_not_audited(self, add_customers, unit, actors):
        [customer_id] = add_customers({"name": "Acme", "country": "DE"})
        with unit(actors["cam"]) as session:
            customer_service.update_customer(session, actors["cam"], customer_id=customer_id, data=CustomerUpdate(country="DE"))
            assert events(session, "customer.updated") == []


class TestListAndGet:
    def test_filters_and_total(self, add_customers, unit, actors):
        add_customers(
            {"name": "Acme Analytics", "country": "US", "external_id": "C-1", "website": "acme.com"},
            {"name": "Acme Logistics", "country": "DE"},
            {"name": "Zentrix", "country": "US"},
        )
        with unit(actors["auditor"]) as session:

            def names(**filters):  # type: ignore[no-untyped-def]
                page = customer_service.list_customers(session, actors["auditor"], filters=CustomerFilters(**filters), sort="name", page=PageRequest(limit=10))
                return [c.name for c in page.items], page.total

            assert names() == (["Acme Analytics", "Acme Logistics", "Zentrix"], 3)
            assert names(country="US") == (["Acme Analytics", "Zentrix"], 2)
            assert names(q="ACME ") == (["Acme Analytics", "Acme Logistics"], 2)
            assert names(q="C-1") == (["Acme Analytics"], 1)
            assert names(q="https://www.acme.com") == (["Acme Analytics"], 1)
            assert names(ownership="si_protected") == ([], 0)

    def test_partner_users_cannot_read_customer_records(self, add_customers, unit, actors):
        [customer_id] = add_customers({"name": "Acme"})
        with pytest.raises(PermissionDenied), unit(actors["a_user"]) as session:
            customer_service.get_customer(session, actors["a_user"], customer_id=customer_id)

    def test_missing(self, unit, actors):
        with pytest.raises(NotFound), unit(actors["admin"]) as session:
            customer_service.get_customer(session, actors["admin"], customer_id=999)


class TestChangeOwnership:
    def protect(self, unit, actor, customer_id, **change):  # type: ignore[no-untyped-def]
        with unit(actor) as session:
            return customer_service.change_customer_ownership(session, actor, customer_id=customer_id, change=OwnershipChange(**change))

    def test_si_protection_is_recorded_and_audited_with_before_and_after(self, add_customers, unit, actors, world):
        [customer_id] = add_customers({"name": "Acme"})
        clock.freeze(clock.now())
        customer = self.protect(
            unit, actors["cam"], customer_id, status="si_protected", owning_partner_id=world.a.id, protected_until=FUTURE, reason="SI developed the account"
        )
        assert (customer.ownership, customer.owning_partner_id, customer.protected_until) == ("si_protected", world.a.id, FUTURE)
        assert customer.protection_reason == "SI developed the account" and customer.ownership_changed_at == clock.now()
        with unit(actors["auditor"]) as session:
            [event] = events(session, "customer.ownership_changed")
        assert event.before == {"ownership": "open", "owning_partner_id": None, "protected_until": None, "protection_reason": None}
        assert event.after == {
            "ownership": "si_protected",
            "owning_partner_id": world.a.id,
            "protected_until": FUTURE.isoformat(),
            "protection_reason": "SI developed the account",
        }
        assert event.partner_id == world.a.id and event.reason == "SI developed the account"

    def test_back_to_open_clears_the_owner(self, add_customers, unit, actors, world):
        [customer_id] = add_customers({"name": "Acme"})
        self.protect(unit, actors["cam"], customer_id, status="si_protected", owning_partner_id=world.a.id, protected_until=FUTURE, reason="SI account")
        customer = self.protect(unit, actors["admin"], customer_id, status="vendor_direct", reason="strategic account")
        assert (customer.ownership, customer.owning_partner_id, customer.protected_until) == ("vendor_direct", None, None)

    def test_rules_name_the_field(self, add_customers, unit, actors, world):
        [customer_id] = add_customers({"name": "Acme"})
        a, b = world.a.id, world.b.id
        cases = [
            ({"status": "si_protected", "protected_until": FUTURE}, "owning_partner_id"),
            ({"status": "si_protected", "owning_partner_id": a}, "protected_until"),
            ({"status": "si_protected", "owning_partner_id": a, "protected_until": date(2000, 1, 1)}, "protected_until"),
            ({"status": "si_protected", "owning_partner_id": 999999, "protected_until": FUTURE}, "owning_partner_id"),
            ({"status": "si_protected", "owning_partner_id": b, "protected_until": FUTURE}, "owning_partner_id"),  # a reseller is not an SI
            ({"status": "vendor_direct", "owning_partner_id": a}, "owning_partner_id"),
            ({"status": "open", "protected_until": FUTURE}, "protected_until"),
        ]
        for change, field in cases:
            with pytest.raises(RuleViolation) as caught:
                self.protect(unit, actors["cam"], customer_id, reason="because", **change)
            assert caught.value.details[0]["field"] == field, change
        with unit(actors["auditor"]) as session:
            assert events(session, "customer.ownership_changed") == []

    def test_only_program_admins_and_cams(self, add_customers, unit, actors, world):
        [customer_id] = add_customers({"name": "Acme"})
        for who in ("auditor", "ps_lead", "a_user", "b_admin"):
            with pytest.raises(PermissionDenied):
                self.protect(unit, actors[who], customer_id, status="si_protected", owning_partner_id=world.a.id, protected_until=FUTURE, reason="mine now")
