"""A small, complete world built through the real services: programs, staff, partners A and B."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, TypeVar

from alliance.cli.programs import DEFAULT_PROGRAMS
from alliance.db import Database
from alliance.identity import passwords
from alliance.identity import service as identity_service
from alliance.identity.repository import UserRepository
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role, scope_for
from alliance.kit import clock
from alliance.partners import program_service
from alliance.partners import service as partner_service
from alliance.partners.program_file import parse_programs
from alliance.partners.schemas import PartnerCreate, PersonCreate, SponsorCreate
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, PartnerType, SISubtype, SponsorSide
from tests.factories import tables

PASSWORD = "correct-horse-battery"
SPONSORS_SINCE = date(2024, 1, 1)  # before every QBR the tests generate


@lru_cache
def password_hash() -> str:
    # Hashed once per run: argon2id is deliberately slow.
    return passwords.hash_password(PASSWORD)


@dataclass
class PartnerFixture:
    id: int
    person_ids: list[int] = field(default_factory=list)
    sponsor_ids: list[int] = field(default_factory=list)
    admin_user_id: int = 0
    user_id: int = 0


@dataclass
class World:
    users: dict[str, int]
    emails: dict[str, str]
    tokens: dict[str, str]
    a: PartnerFixture
    b: PartnerFixture
    program_ids: dict[str, int]
    tier_ids: dict[str, int]
    db: Database | None = None
    _registrations: dict[str, int] = field(default_factory=dict)
    # Set by the `world` fixture when the database holds just this world: what it was restored from.
    _base: tables.Snapshot | None = None
    _clock_key: object = None

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def registrations(self) -> dict[str, int]:
        """A submitted deal registration of partner A ("a") and of partner B ("b"), with the
        product-line catalog. Built on first use, so other tests' audit and ledger counts stay
        as they were."""
        if not self._registrations:
            assert self.db is not None
            db = self.db
            self._registrations.update(self.layered("registrations", lambda: build_registrations(db, self)))
        return self._registrations

    def layered(self, name: str, build: Callable[[], T]) -> T:
        """`build()` on top of this world, done through the services once per worker and clock;
        later tests whose database still holds just the world get the rows it wrote copied back
        (and a copy of what it returned). Anywhere else it simply builds."""
        assert self.db is not None
        if self._base is None or not tables.holds_only(self.db, self._base):
            return build()
        # Timestamps follow the clock: a test that froze it after the world was built gets its own layer.
        key = (self._clock_key, getattr(clock, "_frozen", None) or clock.today(), name)
        if key in _layers:
            result, snapshot = _layers[key]
            tables.empty(self.db)
            tables.restore(self.db, snapshot)
            return copy.deepcopy(result)  # type: ignore[no-any-return]
        built = build()
        _layers[key] = (copy.deepcopy(built), tables.capture(self.db))
        return built


T = TypeVar("T")
_layers: dict[tuple[object, str], tuple[Any, tables.Snapshot]] = {}


STAFF = {
    "admin": (Role.PROGRAM_ADMIN, "Ada Admin"),
    "cam": (Role.CAM, "Carl Cam"),
    "cam2": (Role.CAM, "Cora Cam"),
    "auditor": (Role.AUDITOR, "Audrey Auditor"),
    "executive": (Role.EXECUTIVE, "Evan Exec"),
    "ps_lead": (Role.PS_LEAD, "Paula PS"),
}


@lru_cache
def default_programs():  # type: ignore[no-untyped-def]
    return parse_programs(DEFAULT_PROGRAMS.read_text())


def build_world(db: Database) -> World:
    operator = Actor.system(label="test-setup")
    users: dict[str, int] = {}
    emails: dict[str, str] = {}
    tokens: dict[str, str] = {}
    with db.session_scope(PartnerScope.system(reason="test world")) as session:
        program_service.load_programs(session, operator, document=default_programs())
        programs = {p.key: p for p in program_service.list_programs(session, operator)}
        tier_ids = {f"{p.key}/{t.key}": t.id for p in programs.values() for t in p.tiers}

        def make_user(name: str, role: Role, full_name: str, partner_id: int | None = None) -> int:
            email = f"{name}@{'vendor.example' if partner_id is None else f'partner{partner_id}.example'}"
            user = identity_service.create_user(session, operator, data=UserCreate(email=email, name=full_name, role=role, partner_id=partner_id))
            user.password_hash = password_hash()
            users[name], emails[name] = user.id, email
            return user.id

        for name, (role, full_name) in STAFF.items():
            make_user(name, role, full_name)

        a = partner_service.create_partner(
            session,
            operator,
            data=PartnerCreate(
                legal_name="Northwind Consulting LLC",
                display_name="Northwind Consulting",
                website="https://northwind.example",
                partner_type=PartnerType.SYSTEMS_INTEGRATOR,
                si_subtype=SISubtype.REGIONAL,
                hq_country="US",
                regions=["NA"],
                territories=["US-West"],
                verticals=["healthcare"],
                specialties=["cloud migration"],
                consultant_headcount=180,
                status=PartnerStatus.ACTIVE,
                cam_user_id=users["cam"],
            ),
        )
        b = partner_service.create_partner(
            session,
            operator,
            data=PartnerCreate(
                legal_name="Blue Harbor Resale GmbH",
                display_name="Blue Harbor",
                partner_type=PartnerType.RESELLER,
                hq_country="DE",
                regions=["EMEA"],
                status=PartnerStatus.ACTIVE,
                cam_user_id=users["cam2"],
            ),
        )
        fixtures = {}
        for key, partner, people in (
            (
                "a",
                a,
                [
                    ("Ann Architect", DeliveryRole.SOLUTION_ARCHITECT),
                    ("Ian Engineer", DeliveryRole.IMPLEMENTATION_ENGINEER),
                    ("Pat Manager", DeliveryRole.PROJECT_MANAGER),
                ],
            ),
            ("b", b, [("Sam Seller", DeliveryRole.SALES), ("Liz Lead", DeliveryRole.PRACTICE_LEAD)]),
        ):
            fixture = PartnerFixture(id=partner.id)
            for person_name, role in people:
                email = person_name.lower().replace(" ", ".") + f"@{key}.example"
                person = partner_service.add_person(
                    session, operator, partner_id=partner.id, data=PersonCreate(name=person_name, email=email, delivery_role=role)
                )
                fixture.person_ids.append(person.id)
            for side, sponsor_name in ((SponsorSide.VENDOR, "Val Vendor-Exec"), (SponsorSide.PARTNER, f"{key.upper()} Partner-Exec")):
                sponsor = partner_service.add_sponsor(
                    session, operator, partner_id=partner.id, data=SponsorCreate(side=side, name=sponsor_name, title="SVP", started_on=SPONSORS_SINCE)
                )
                fixture.sponsor_ids.append(sponsor.id)
            fixture.admin_user_id = make_user(f"{key}_admin", Role.PARTNER_ADMIN, f"{key.upper()} Admin", partner.id)
            fixture.user_id = make_user(f"{key}_user", Role.PARTNER_USER, f"{key.upper()} User", partner.id)
            fixtures[key] = fixture
        for name in users:
            tokens[name] = identity_service.create_token(session, operator, email=emails[name], name="test")[1]
        session.flush()
        assert UserRepository(session).by_email(emails["admin"]) is not None
    return World(
        users=users,
        emails=emails,
        tokens=tokens,
        a=fixtures["a"],
        b=fixtures["b"],
        program_ids={k: p.id for k, p in programs.items()},
        tier_ids=tier_ids,
        db=db,
    )


def deal_input(title: str, customer: str, **extra: object) -> dict[str, object]:
    """A valid deal registration body (API and service input)."""
    return {
        "kind": "deal",
        "title": title,
        "customer": {"name": customer, "country": "US"},
        "product_lines": ["analytics"],
        "amount": "120000.00",
        "expected_close_on": (clock.today() + timedelta(days=60)).isoformat(),
        **extra,
    }


def build_registrations(db: Database, world: World) -> dict[str, int]:
    # Imported here: every test imports this module, most never touch registrations.
    from alliance.partners import product_line_service
    from alliance.registrations import service as registration_service
    from alliance.registrations.schemas import REGISTRATION_CREATE

    ids = {}
    with db.session_scope(PartnerScope.system(reason="test world")) as session:
        product_line_service.ensure_default_catalog(session, Actor.system(label="test-setup"))
    for key, fixture, customer in (("a", world.a, "Tenancy Alpha Hospital"), ("b", world.b, "Tenancy Beta Logistics")):
        actor = Actor(user_id=fixture.user_id, role=Role.PARTNER_USER, partner_id=fixture.id, label=world.emails[f"{key}_user"])
        with db.session_scope(scope_for(actor)) as session:
            data = REGISTRATION_CREATE.validate_python(deal_input(f"{key.upper()} deal", customer, submit=True))
            ids[key] = registration_service.create_registration(session, actor, data=data).id
    return ids
