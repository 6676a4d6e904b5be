"""Turn a DemoPlan into a vendor through the real services, so every row is validated and audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from alliance.demo import staff
from alliance.demo.plan import DemoPlan, PartnerPlan, tier_index
from alliance.errors import NotFound, RuleViolation
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, Role
from alliance.kit.pagination import PageRequest
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.models import Program
from alliance.partners.repository import PartnerFilters
from alliance.partners.schemas import PartnerCreate, PersonCreate, SponsorCreate
from alliance.partners.vocabulary import PartnerType, SISubtype


@dataclass(frozen=True)
class DemoLogin:
    who: str
    email: str
    role: Role
    organisation: str


@dataclass(frozen=True)
class BuildSummary:
    partners: int
    people: int
    sponsors: int
    users: int


def count_partners(session: Session, actor: Actor) -> int:
    page = partner_service.list_partners(session, actor, filters=PartnerFilters(), sort=None, page=PageRequest(limit=1))
    return page.total


def build_demo(session: Session, actor: Actor, *, plan: DemoPlan, password_hash: str) -> BuildSummary:
    """Create vendor staff, then each planned partner with its people, sponsors and users.

    Every login gets the same precomputed password hash: hashing it once instead of per user
    keeps the build fast (argon2id is slow on purpose)."""
    programs = _programs_by_kind(program_service.list_programs(session, actor, active=True))
    staff_ids: dict[str, int] = {}
    users = 0
    for member in staff.STAFF:
        user = identity_service.create_user(session, actor, data=UserCreate(email=member.email, name=member.name, title=member.title, role=member.role))
        user.password_hash = password_hash
        staff_ids[member.key] = user.id
        users += 1
    people = sponsors = 0
    for spec in plan.partners:
        partner_id = _create_partner(session, actor, spec, programs, staff_ids)
        for person in spec.people:
            person_data = PersonCreate(name=person.name, email=person.email, title=person.title, delivery_role=person.delivery_role, country=person.country)
            partner_service.add_person(session, actor, partner_id=partner_id, data=person_data)
        people += len(spec.people)
        for sponsor in spec.sponsors:
            user_id = staff_ids[sponsor.staff_key] if sponsor.staff_key else None
            sponsor_data = SponsorCreate(
                side=sponsor.side, name=sponsor.name, title=sponsor.title, email=sponsor.email, user_id=user_id, started_on=spec.enrolled_on
            )
            partner_service.add_sponsor(session, actor, partner_id=partner_id, data=sponsor_data)
        sponsors += len(spec.sponsors)
        logins = [(spec.people[0], Role.PARTNER_ADMIN)] + ([(spec.people[1], Role.PARTNER_USER)] if spec.has_partner_user else [])
        for person, role in logins:
            user_data = UserCreate(email=person.email, name=person.name, title=person.title, role=role, partner_id=partner_id)
            identity_service.create_user(session, actor, data=user_data).password_hash = password_hash
            users += 1
    session.flush()
    return BuildSummary(partners=len(plan.partners), people=people, sponsors=sponsors, users=users)


def demo_logins(plan: DemoPlan) -> list[DemoLogin]:
    """Every vendor login and the showcase partner's two: fixed, whatever the seed. (Each other
    partner's first person is its partner admin, with the same password.)"""
    showcase = plan.showcase
    return [
        *(DemoLogin(m.who, m.email, m.role, "Vendor") for m in staff.STAFF),
        DemoLogin("Partner admin", showcase.people[0].email, Role.PARTNER_ADMIN, showcase.display_name),
        DemoLogin("Partner user", showcase.people[1].email, Role.PARTNER_USER, showcase.display_name),
    ]


def existing_logins(session: Session, actor: Actor, logins: Sequence[DemoLogin]) -> list[DemoLogin]:
    """The demo logins that exist in this database (it may hold data from elsewhere)."""
    found = []
    for login in logins:
        try:
            identity_service.get_user_by_email(session, actor, email=login.email)
        except NotFound:
            continue
        found.append(login)
    return found


def _programs_by_kind(programs: Sequence[Program]) -> dict[tuple[PartnerType, SISubtype | None], Program]:
    by_kind: dict[tuple[PartnerType, SISubtype | None], Program] = {}
    for program in programs:
        by_kind.setdefault((PartnerType(program.partner_type), SISubtype(program.si_subtype) if program.si_subtype else None), program)
    return by_kind


def _create_partner(
    session: Session, actor: Actor, spec: PartnerPlan, programs: dict[tuple[PartnerType, SISubtype | None], Program], staff_ids: dict[str, int]
) -> int:
    program = programs.get((spec.partner_type, spec.si_subtype))
    if program is None or not program.tiers:
        raise RuleViolation(f"No active program with tiers for {spec.partner_type}/{spec.si_subtype}; load the default programs first.")
    tier = program.tiers[tier_index(spec.standing, len(program.tiers))]
    data = PartnerCreate(
        legal_name=spec.legal_name,
        display_name=spec.display_name,
        website=spec.website,
        partner_type=spec.partner_type,
        si_subtype=spec.si_subtype,
        hq_country=spec.hq_country,
        regions=list(spec.regions),
        territories=list(spec.territories),
        verticals=list(spec.verticals),
        specialties=list(spec.specialties),
        consultant_headcount=spec.headcount,
        enrolled_on=spec.enrolled_on,
        status=spec.status,
        program_id=program.id,
        tier_id=tier.id,
        cam_user_id=staff_ids[spec.cam_key],
    )
    return partner_service.create_partner(session, actor, data=data).id
