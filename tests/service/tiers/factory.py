"""Certifications, attribution entries and won registrations inserted with the ORM, for tier tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import count
from typing import Any

from sqlalchemy.orm import Session

from alliance.db import Database
from alliance.enablement.models import Certification, CertificationTrack, ProductRelease
from alliance.identity.scope import Actor, PartnerScope
from alliance.partners import product_line_service
from alliance.partners.models import Person
from alliance.registrations.models import AttributionEntry, Registration

ROLES = ("solution_architect", "implementation_engineer", "integration_specialist", "project_manager", "sales", "practice_lead")
LEVELS = ("associate", "professional", "expert")
_people = count(1)


class TierData:
    """`data.certify(partner_id, "implementation_engineer", "professional", 3, expires_on=...)` and friends."""

    def __init__(self, db: Database) -> None:
        self.db = db
        with self._session() as session:
            product_line_service.ensure_default_catalog(session, Actor.system(label="test"))
            self.tracks: dict[tuple[str, str], int] = {}
            for role in ROLES:
                for level in LEVELS:
                    track = CertificationTrack(
                        key=f"{role}-{level}",
                        name=f"{role} {level}",
                        delivery_role=role,
                        level=level,
                        product_line="analytics",
                        product_version="8",
                    )
                    session.add(track)
                    session.flush()
                    self.tracks[role, level] = track.id
            release = ProductRelease(product_line="analytics", version="8", major=8, released_on=date(2026, 1, 10))
            session.add(release)
            session.flush()
            self.release_id = release.id

    def _session(self) -> Session:
        return self.db.session_scope(PartnerScope.system(reason="tier test data"))  # type: ignore[return-value]

    def certify(
        self,
        partner_id: int,
        role: str,
        level: str,
        people: int,
        *,
        expires_on: date,
        issued_on: date = date(2025, 1, 1),
        recert_due_on: date | None = None,
        status: str = "active",
    ) -> list[int]:
        """`people` new people of the partner, each with one certification."""
        ids = []
        with self._session() as session:
            for _ in range(people):
                n = next(_people)
                person = Person(partner_id=partner_id, name=f"Person {n}", email=f"p{n}@tiers.example", delivery_role=role)
                session.add(person)
                session.flush()
                session.add(
                    Certification(
                        partner_id=partner_id,
                        person_id=person.id,
                        track_id=self.tracks[role, level],
                        status=status,
                        issued_on=issued_on,
                        expires_on=expires_on,
                        recert_due_on=recert_due_on,
                        recert_release_id=self.release_id if recert_due_on else None,
                        source="portal",
                    )
                )
                ids.append(person.id)
        return ids

    def add_certification(self, partner_id: int, person_id: int, role: str, level: str, *, expires_on: date) -> None:
        with self._session() as session:
            session.get(Person, person_id, with_for_update=True)  # a person's certifications change under its lock
            session.add(
                Certification(
                    partner_id=partner_id,
                    person_id=person_id,
                    track_id=self.tracks[role, level],
                    status="active",
                    issued_on=date(2025, 1, 1),
                    expires_on=expires_on,
                    source="portal",
                )
            )

    def registration(self, partner_id: int, *, kind: str = "deal", status: str = "won", closed_on: date | None = None) -> int:
        with self._session() as session:
            registration = Registration(
                partner_id=partner_id,
                kind=kind,
                status=status,
                title="Test",
                customer_name="Tiers Test Customer",
                closed_on=closed_on,
                details={},
            )
            session.add(registration)
            session.flush()
            return registration.id

    def credit(self, partner_id: int, credit_type: str, amount: str, *, effective_on: date, currency: str = "USD") -> None:
        registration_id = self.registration(partner_id, closed_on=effective_on)
        with self._session() as session:
            session.add(
                AttributionEntry(
                    partner_id=partner_id,
                    registration_id=registration_id,
                    closing_registration_id=registration_id,
                    credit_type=credit_type,
                    amount=Decimal(amount),
                    currency=currency,
                    share_percent=Decimal(100),
                    effective_on=effective_on,
                    recorded_at=datetime(2026, 1, 1, tzinfo=UTC),
                    recorded_by="test",
                    rule="test",
                )
            )


def make_msp(db: Database, world: Any, *, tier: str = "premier") -> int:
    """Partner B turned into an MSP at the given tier of the MSP program (reported figures)."""
    from sqlalchemy import update

    from alliance.partners.models import Partner

    with db.session_scope(PartnerScope.system(reason="test")) as session:
        values = {"partner_type": "msp", "program_id": world.program_ids["msp"], "tier_id": world.tier_ids[f"msp/{tier}"]}
        session.execute(update(Partner).where(Partner.id == world.b.id).values(**values))
    return int(world.b.id)
