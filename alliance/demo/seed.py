"""Seed synthetic partners and people at scale for benchmarks, in bounded memory.

Seeding appends: it never deletes, so a second run adds another N partners (the same names again
for the same seed). The whole seed is one transaction with one summarising audit event, so it
lands completely or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from alliance import audit
from alliance.demo import bulk
from alliance.demo.programs import load_default_programs
from alliance.demo.synthetic import KIND_WEIGHTS, Kind, ProgramChoice, SyntheticVendor, attribute_rows
from alliance.errors import RuleViolation
from alliance.identity import service as identity_service
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor, Role
from alliance.kit import clock
from alliance.partners import program_service
from alliance.partners.vocabulary import PartnerType, SISubtype

DEFAULT_BATCH_SIZE = 5_000

# Called after each round with (partners inserted, rows inserted) in that round.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SeedSummary:
    partners: int
    people: int
    attributes: int
    first_partner_id: int | None
    last_partner_id: int | None

    @property
    def rows(self) -> int:
        return self.partners + self.people + self.attributes


def seed_partners(
    session: Session,
    actor: Actor,
    *,
    partners: int,
    people_per_partner: int,
    seed: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Progress | None = None,
) -> SeedSummary:
    require(actor, Permission.PARTNERS_CREATE)
    if partners < 0 or people_per_partner < 0 or batch_size < 1:
        raise RuleViolation("Partners and people per partner must be 0 or more, and the batch size at least 1.")
    vendor = SyntheticVendor(seed, programs=program_choices(session, actor), cam_user_ids=_cam_ids(session), now=clock.now())
    # Partners per round, so that one round's people fill about one batch.
    per_round = max(1, batch_size // max(1, people_per_partner))
    people = attributes = 0
    first_id: int | None = None
    last_id: int | None = None
    for start in range(0, partners, per_round):
        generated = [vendor.partner(i) for i in range(start, min(start + per_round, partners))]
        ids = bulk.insert_returning_ids(session, bulk.PARTNERS, [p.row for p in generated])
        first_id = ids[0] if first_id is None else first_id
        last_id = ids[-1]
        pairs = list(zip(generated, ids, strict=True))
        round_attributes = bulk.insert_rows(session, bulk.PARTNER_ATTRIBUTES, [row for p, pid in pairs for row in attribute_rows(p, pid)])
        round_people = bulk.insert_rows(session, bulk.PEOPLE, [row for p, pid in pairs for row in vendor.people(p, pid, people_per_partner)])
        attributes += round_attributes
        people += round_people
        if on_progress:
            on_progress(len(generated), len(generated) + round_attributes + round_people)
    summary = SeedSummary(partners=partners, people=people, attributes=attributes, first_partner_id=first_id, last_partner_id=last_id)
    audit.record(
        session,
        actor,
        "seed.loaded",
        entity_type="seed",
        entity_id=f"{first_id}-{last_id}" if partners else "empty",
        after={
            "seed": seed,
            "partners": partners,
            "people": people,
            "partner_attributes": attributes,
            "people_per_partner": people_per_partner,
            "first_partner_id": first_id,
            "last_partner_id": last_id,
        },
        reason="synthetic data for benchmarks",
    )
    return summary


def program_choices(session: Session, actor: Actor) -> dict[Kind, ProgramChoice]:
    """Each kind of partner's program and tiers, looked up once; the default programs are loaded
    when the database has none."""
    programs = program_service.list_programs(session, actor, active=True)
    if not programs:
        load_default_programs(session, actor)
        programs = program_service.list_programs(session, actor, active=True)
    choices: dict[Kind, ProgramChoice] = {}
    for program in programs:
        kind = (PartnerType(program.partner_type), SISubtype(program.si_subtype) if program.si_subtype else None)
        if program.tiers and kind not in choices:
            choices[kind] = ProgramChoice(program_id=program.id, tier_ids=tuple(t.id for t in program.tiers))
    missing = [f"{t}/{s}" if s else str(t) for (t, s), _ in KIND_WEIGHTS if (t, s) not in choices]
    if missing:
        raise RuleViolation(f"No active program with tiers for {', '.join(missing)}; load programs that cover every partner type.")
    return choices


def _cam_ids(session: Session) -> list[int]:
    return [user.id for user in identity_service.vendor_users(session, Role.CAM)]
