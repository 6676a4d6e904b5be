"""Partner A's QBR history: what the QBR figures, page and PDF tests read (FY2026-Q2 as of 2026-06-30)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from alliance.db import Database
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.registrations.models import AttributionEntry, Registration, RegistrationEvent
from alliance.registrations.vocabulary import CreditType
from tests.factories.business_plans import build_business_plans
from tests.factories.certifications import make_cert, make_track

QUARTER = "FY2026-Q2"
AS_OF = date(2026, 6, 30)


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def registration(session, partner_id: int, kind: str, title: str, history: list[tuple[str, str | None, str]], **extra) -> Registration:  # type: ignore[no-untyped-def]
    found = Registration(partner_id=partner_id, kind=kind, status=history[-1][2], title=title, customer_name=f"{title} customer", currency="USD", **extra)
    session.add(found)
    session.flush()
    for day, before, after in history:
        session.add(
            RegistrationEvent(
                partner_id=partner_id,
                registration_id=found.id,
                at=at(day),
                action="x",
                from_status=before,
                to_status=after,
                actor_label="test",
                actor_side="partner",
            )
        )
    session.flush()
    return found


def credit(session, partner_id: int, registration_id: int, kind: CreditType, amount: str, effective: str, recorded: str, currency: str = "USD") -> None:  # type: ignore[no-untyped-def]
    session.add(
        AttributionEntry(
            partner_id=partner_id,
            registration_id=registration_id,
            closing_registration_id=registration_id,
            credit_type=kind,
            amount=Decimal(amount),
            currency=currency,
            share_percent=Decimal(100),
            effective_on=date.fromisoformat(effective),
            recorded_at=at(recorded),
            recorded_by="test",
            rule="test",
        )
    )


def build_qbr_history(db: Database, world: Any) -> None:
    """Partner A's certifications, registrations and ledger from 2025 to 2026 (see the figures test
    for what each row contributes), and the world's business plans for FY2026; the clock is frozen
    on 2026-12-01 (the test database fixture releases it)."""
    clock.freeze(at("2026-12-01"))
    build_business_plans(db, world)  # FY2026: services 500,000; 8 professional engineers; a milestone due 2026-12-31
    a = world.a.id
    people = world.a.person_ids
    with db.session_scope(PartnerScope.system(reason="test: QBR history")) as session:
        architect = make_track(session, "sa-assoc", role="solution_architect", level="associate")
        engineer = make_track(session, "ie-pro", role="implementation_engineer", level="professional")
        for person, track, issued, expires in (
            (people[0], architect, "2025-05-01", None),
            (people[1], engineer, "2026-01-15", None),
            (people[2], engineer, "2026-02-01", "2026-08-01"),  # ends within 90 days of the as-of date
            (people[2], architect, "2026-07-15", None),  # after the as-of date
        ):
            make_cert(
                session,
                person_id=person,
                partner_id=a,
                track_id=track.id,
                issued_on=date.fromisoformat(issued),
                expires_on=date.fromisoformat(expires) if expires else None,
                created_at=at(issued),
            )
        won = registration(
            session, a, "deal", "Won deal", [("2026-04-10", "draft", "submitted"), ("2026-04-20", "submitted", "approved"), ("2026-05-15", "approved", "won")]
        )
        won.submitted_at = at("2026-04-10")
        influence = registration(
            session,
            a,
            "influence",
            "Influence",
            [("2026-01-05", "draft", "submitted"), ("2026-02-01", "submitted", "approved")],
            submitted_at=at("2026-01-05"),
            protected_until=date(2026, 8, 15),
        )
        registration(
            session, a, "deal", "Lost later", [("2026-06-20", "draft", "submitted"), ("2026-07-10", "submitted", "lost")], submitted_at=at("2026-06-20")
        )
        credit(session, a, won.id, CreditType.INFLUENCE, "100000.00", "2026-05-15", "2026-05-16")
        credit(session, a, won.id, CreditType.DIRECT, "40000.00", "2026-05-15", "2026-05-16")
        credit(session, a, influence.id, CreditType.SERVICES, "10000.00", "2026-02-10", "2026-02-10")
        credit(session, a, won.id, CreditType.INFLUENCE, "5000.00", "2026-06-01", "2026-07-05")  # recorded after the as-of date
        credit(session, a, won.id, CreditType.INFLUENCE, "999.00", "2026-05-01", "2026-05-01", currency="EUR")


def build_shared_qbr(db: Database, world: Any, key: str) -> dict[str, int]:
    """A published and shared QBR of partner `key` for the current quarter, with one commitment."""
    from alliance.identity.scope import Actor, Role, scope_for
    from alliance.kit import fiscal
    from alliance.qbr import service as qbr_service
    from alliance.qbr.schemas import CommitmentInput

    admin = Actor(user_id=world.users["admin"], role=Role.PROGRAM_ADMIN, partner_id=None, label=world.emails["admin"])
    partner_id = (world.a if key == "a" else world.b).id
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, clock.today())
    with db.session_scope(scope_for(admin)) as session:
        qbr = qbr_service.generate(session, admin, partner_id=partner_id, quarter=quarter.key)
        commitment = qbr_service.add_commitment(
            session, admin, qbr_id=qbr.id, data=CommitmentInput(title=f"{key.upper()} joint pitch", side="joint", owner_name="Ada Admin")
        )
        qbr_service.publish(session, admin, qbr_id=qbr.id)
        qbr_service.share(session, admin, qbr_id=qbr.id)
        return {"qbr_id": qbr.id, "commitment_id": commitment.id}
