"""The demo vendor's pipeline: end customers, and a year of deal, project and influence
registrations filed, reviewed, extended, won and lost through the real services.

Each step runs with the clock set to the moment it happened, so queue ages, protection
countdowns and the ledger read as they would after a year of use. The showcase story: Harbor
Bridge Consulting shaped Northwind Regional Health's data-platform architecture months ago
(approved influence registration), and a reseller has just registered a deal on the same account.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from alliance.customers import service as customer_service
from alliance.customers.schemas import CustomerCreate, OwnershipChange
from alliance.customers.vocabulary import Ownership
from alliance.demo.plan import SHOWCASE_NAME
from alliance.identity import service as identity_service
from alliance.identity.scope import Actor, Role
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import product_line_service
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, PartnerType
from alliance.registrations import extension_service
from alliance.registrations import service as registration_service
from alliance.registrations.schemas import REGISTRATION_CREATE


@dataclass(frozen=True)
class DemoCustomer:
    name: str
    website: str | None
    country: str
    industry: str
    band: str


# Invented organisations (".example" domains): the accounts the stories below happen on.
CUSTOMERS = (
    DemoCustomer("Northwind Regional Health", "https://www.northwindhealth.example", "US", "Healthcare", "10001+"),
    DemoCustomer("Kestrel Bank plc", "kestrelbank.example", "GB", "Financial services", "5001-10000"),
    DemoCustomer("Lumenfield University", "https://lumenfield.example/", "US", "Education", "5001-10000"),
    DemoCustomer("Halcyon Airlines", "halcyonair.example", "US", "Transportation", "10001+"),
    DemoCustomer("Ostara Energie AG", "ostara-energie.example", "DE", "Energy", "5001-10000"),
    DemoCustomer("Calloway Freight Systems, Inc.", "callowayfreight.example", "US", "Logistics", "1001-5000"),
    DemoCustomer("Vantor Mutual Insurance", "vantormutual.example", "US", "Insurance", "1001-5000"),
    DemoCustomer("Brennick Steelworks Ltd", "brennicksteel.example", "GB", "Manufacturing", "1001-5000"),
    DemoCustomer("Marrow & Finch Retail Group", "marrowfinch.example", "GB", "Retail", "10001+"),
    DemoCustomer("Solano Valley Water District", "solanowater.example", "US", "Public sector", "501-1000"),
    DemoCustomer("Ardent Biologics Inc.", "ardentbio.example", "US", "Life sciences", "1001-5000"),
    DemoCustomer("Tidewater Port Authority", "tidewaterport.example", "US", "Public sector", "501-1000"),
    DemoCustomer("Greywell Pharmaceuticals GmbH", "greywell-pharma.example", "DE", "Life sciences", "5001-10000"),
    DemoCustomer("Nordhavn Shipping A/S", "nordhavnshipping.example", "DK", "Logistics", "1001-5000"),
    DemoCustomer("Castellan Foods S.p.A.", "castellanfoods.example", "IT", "Consumer goods", "1001-5000"),
    DemoCustomer("Rainier Telecom", "rainiertel.example", "US", "Telecommunications", "10001+"),
    DemoCustomer("Quillon Media Group", "quillonmedia.example", "FR", "Media", "1001-5000"),
    DemoCustomer("Yarrowby Hospital Trust", "yarrowby-nhs.example", "GB", "Healthcare", "5001-10000"),
    DemoCustomer("Corriveau Manufacturing Inc.", "corriveau.example", "CA", "Manufacturing", "1001-5000"),
    DemoCustomer("Sakura Precision K.K.", "sakura-precision.example", "JP", "Manufacturing", "5001-10000"),
    DemoCustomer("Bluegum Utilities Pty Ltd", "bluegum.example", "AU", "Energy", "1001-5000"),
    DemoCustomer("Almadén Minerales S.A.", "almaden-minerales.example", "ES", "Mining", "1001-5000"),
    DemoCustomer("Pinecrest Logistics", "pinecrestlogistics.example", "US", "Logistics", "501-1000"),
    DemoCustomer("Veridian Credit Union", "veridiancu.example", "US", "Financial services", "501-1000"),
    DemoCustomer("Hollis & Marsh Law LLP", "hollismarsh.example", "US", "Professional services", "501-1000"),
    DemoCustomer("Estrela Varejo Ltda.", "estrelavarejo.example", "BR", "Retail", "5001-10000"),
    DemoCustomer("Fenwick County Schools", "fenwickschools.example", "US", "Education", "1001-5000"),
    DemoCustomer("Ironbridge Capital Partners", "ironbridgecap.example", "US", "Financial services", "201-500"),
)

ARCHITECTURE_DECISIONS = (
    "Target data platform for the enterprise analytics modernisation",
    "Integration architecture replacing the legacy ESB",
    "Observability standard for the cloud migration programme",
    "Event streaming backbone for plant-floor telemetry",
    "API management layer for the open-banking programme",
    "Security analytics platform for the SOC consolidation",
)
COMPETITORS = ("Snowflake", "Databricks", "MuleSoft", "Boomi", "Datadog", "Splunk", "Kong", "Confluent")
PROJECT_SCOPES = (
    ("Data platform rollout", "Design and build of the governed data platform, migration of 40 legacy marts, operating model."),
    ("Integration modernisation", "Replace point-to-point interfaces with the integration hub; 120 interfaces in three waves."),
    ("Observability programme", "Instrument 300 services, build SLO dashboards, hand over runbooks to the customer's SRE team."),
    ("Security analytics deployment", "Deploy the security suite, onboard 25 log sources, tune detections with the customer SOC."),
)
DEAL_TITLES = (
    "Enterprise licence expansion",
    "New data platform subscription",
    "Security suite renewal and upsell",
    "Analytics seats for finance",
    "Integration hub production licences",
    "Observability platform — phase 1",
)

Step = Callable[[], Any]


@dataclass(frozen=True)
class RegistrationSummary:
    customers: int
    registrations: int


class PipelineSteps:
    def __init__(self, session: Session, actor: Actor, seed: int, today: date) -> None:
        self.session, self.system, self.rng, self.today = session, actor, random.Random(seed * 7919 + 3), today
        self.cam = _vendor_actor(session, Role.CAM)
        self.admin = _vendor_actor(session, Role.PROGRAM_ADMIN)
        self.products = [key for key, _ in product_line_service.DEFAULT_CATALOG]
        self.count = 0

    def at(self, days_ago: float, hour: int = 10) -> datetime:
        moment = datetime.combine(self.today - timedelta(days=int(days_ago)), time(hour, self.rng.randint(0, 59)), tzinfo=UTC)
        return moment

    def file(self, partner: Actor, days_ago: float, payload: dict[str, Any], *, submit: bool = True) -> int:
        with frozen(self.at(days_ago, 9)):
            data = REGISTRATION_CREATE.validate_python({**payload, "submit": submit})
            registration = registration_service.create_registration(self.session, partner, data=data)
        self.count += 1
        return registration.id

    def act(self, who: Actor, days_ago: float, registration_id: int, action: str, reason: str | None = None) -> None:
        with frozen(self.at(days_ago, 14)):
            registration_service.act(self.session, who, registration_id=registration_id, action=action, reason=reason)

    def approve(self, registration_id: int, days_ago: float, reason: str = "Customer and scope confirmed with the account team.") -> None:
        self.act(self.cam, days_ago, registration_id, "start_review")
        self.act(self.cam, days_ago, registration_id, "approve", reason)

    def won(self, registration_id: int, days_ago: float, amount: int) -> None:
        with frozen(self.at(days_ago, 16)):
            registration_service.mark_won(
                self.session,
                self.cam,
                registration_id=registration_id,
                booked_amount=Decimal(amount),
                closed_on=self.at(days_ago).date(),
                reason="Booked in the order system.",
            )

    # --- payloads ---

    def lines(self, count: int) -> list[str]:
        return sorted(self.rng.sample(self.products, count))

    def deal(
        self, customer: DemoCustomer | dict[str, Any], days_ago: float, *, title: str | None = None, amount: int | None = None, lines: list[str] | None = None
    ) -> dict[str, Any]:
        close = self.today - timedelta(days=int(days_ago)) + timedelta(days=self.rng.randint(45, 120))
        return {
            "kind": "deal",
            "title": title or self.rng.choice(DEAL_TITLES),
            "customer": _ref(customer),
            "product_lines": lines or self.lines(self.rng.randint(1, 2)),
            "amount": str(amount or self.rng.randrange(40_000, 900_000, 5_000)),
            "expected_close_on": close.isoformat(),
            "stage": self.rng.choice(["qualifying", "discovery", "proposal", "negotiation"]),
        }

    def project(self, customer: DemoCustomer | dict[str, Any], days_ago: float, *, amount: int | None = None, lines: list[str] | None = None) -> dict[str, Any]:
        name, scope = self.rng.choice(PROJECT_SCOPES)
        start = self.today - timedelta(days=int(days_ago)) + timedelta(days=self.rng.randint(20, 60))
        design_end, build_end, end = start + timedelta(days=45), start + timedelta(days=200), start + timedelta(days=300)
        return {
            "kind": "project",
            "title": f"{name} — {_name(customer).split(',')[0]}",
            "customer": _ref(customer),
            "product_lines": lines or self.lines(self.rng.randint(1, 3)),
            "amount": str(amount or self.rng.randrange(250_000, 3_000_000, 25_000)),
            "project_name": name,
            "scope_description": scope,
            "phases": [
                {"name": "Discovery and design", "starts_on": start.isoformat(), "ends_on": design_end.isoformat()},
                {"name": "Build and migrate", "starts_on": design_end.isoformat(), "ends_on": build_end.isoformat()},
                {"name": "Hypercare and handover", "starts_on": build_end.isoformat(), "ends_on": end.isoformat()},
            ],
            "delivery_starts_on": start.isoformat(),
            "delivery_ends_on": end.isoformat(),
        }

    def influence(self, customer: DemoCustomer | dict[str, Any], days_ago: float, *, lines: list[str] | None = None) -> dict[str, Any]:
        met = self.today - timedelta(days=int(days_ago) + self.rng.randint(3, 20))
        return {
            "kind": "influence",
            "title": f"Architecture engagement — {_name(customer).split(',')[0]}",
            "customer": _ref(customer),
            "product_lines": lines or self.lines(self.rng.randint(1, 2)),
            "architecture_decision": self.rng.choice(ARCHITECTURE_DECISIONS),
            "candidate_platforms": ["Alliance vendor platform", self.rng.choice(COMPETITORS)],
            "competitors": self.rng.sample(COMPETITORS, 2),
            "registrant_role": self.rng.choice(["lead_architect", "advisor", "lead_architect"]),
            "decision_expected_on": (self.today - timedelta(days=int(days_ago)) + timedelta(days=self.rng.randint(60, 200))).isoformat(),
            "evidence": [
                {"kind": "meeting", "on": met.isoformat(), "description": "Architecture workshop with the customer's enterprise architects"},
                {"kind": "artefact", "on": (met + timedelta(days=2)).isoformat(), "description": "Target-state reference architecture (v1)"},
            ],
            "amount": str(self.rng.randrange(200_000, 2_000_000, 50_000)),
        }


@contextmanager
def frozen(moment: datetime) -> Iterator[None]:
    clock.freeze(moment)
    try:
        yield
    finally:
        clock.freeze(None)


def _ref(customer: DemoCustomer | dict[str, Any]) -> dict[str, Any]:
    if isinstance(customer, dict):
        return customer
    return {"name": customer.name, "website": customer.website, "country": customer.country}


def _name(customer: DemoCustomer | dict[str, Any]) -> str:
    return customer["name"] if isinstance(customer, dict) else customer.name


def _vendor_actor(session: Session, role: Role) -> Actor:
    [user, *_] = identity_service.vendor_users(session, role)
    return identity_service.actor_for(user)


def _partner_admins(session: Session, actor: Actor) -> dict[int, tuple[Any, Actor]]:
    """Active partners with their partner admin, by partner id."""
    partners = partner_service.list_partners(
        session, actor, filters=PartnerFilters(status=PartnerStatus.ACTIVE), sort="name", page=PageRequest(limit=500)
    ).items
    found = {}
    for partner in partners:
        admins = identity_service.list_users(session, actor, role=Role.PARTNER_ADMIN, partner_id=partner.id, q=None, sort=None, page=PageRequest(limit=1))
        if admins.items:
            found[partner.id] = (partner, identity_service.actor_for(admins.items[0]))
    return found


def build_pipeline(session: Session, actor: Actor, *, seed: int, today: date) -> RegistrationSummary:
    """Customers and registrations for a freshly built demo vendor (see module docstring)."""
    product_line_service.ensure_default_catalog(session, actor)
    demo = PipelineSteps(session, actor, seed, today)
    customers = {}
    with frozen(demo.at(400)):
        for spec in CUSTOMERS:
            data = CustomerCreate(name=spec.name, website=spec.website, country=spec.country, industry=spec.industry, employee_band=spec.band)
            customers[spec.name] = customer_service.create_customer(session, demo.admin, data=data)
    partners = _partner_admins(session, actor)
    by_type: dict[str, list[tuple[Any, Actor]]] = {}
    showcase: tuple[Any, Actor] | None = None
    for partner, partner_actor in partners.values():
        if partner.display_name == SHOWCASE_NAME:
            showcase = (partner, partner_actor)
            continue
        by_type.setdefault(partner.partner_type, []).append((partner, partner_actor))
    if showcase is None or not by_type.get(PartnerType.RESELLER) or not by_type.get(PartnerType.SYSTEMS_INTEGRATOR):
        return RegistrationSummary(customers=len(customers), registrations=0)
    sis, resellers = by_type[PartnerType.SYSTEMS_INTEGRATOR], by_type[PartnerType.RESELLER]
    harbor = showcase[1]
    c = {spec.name.split()[0]: spec for spec in CUSTOMERS}

    with frozen(demo.at(300)):
        customer_service.change_customer_ownership(
            session,
            demo.admin,
            customer_id=customers["Halcyon Airlines"].id,
            change=OwnershipChange(status=Ownership.VENDOR_DIRECT, reason="Named strategic account served by the vendor's enterprise team."),
        )

    # The showcase: an SI's architecture influence, then a reseller's deal on the same account.
    lines = ["data-platform", "integration-hub"]
    influence = demo.file(harbor, 150, demo.influence(c["Northwind"], 150, lines=lines))
    demo.approve(influence, 148, "Architecture workshops confirmed with Northwind's CTO office.")
    project = demo.file(harbor, 60, demo.project(c["Northwind"], 60, lines=lines, amount=1_850_000))
    demo.approve(project, 57, "Statement of work reviewed with the customer.")
    reseller_deal = demo.deal(
        {"name": "Northwind Regional Health System, Inc.", "website": "northwindhealth.example", "country": "US"},
        3,
        title="Data platform enterprise licence",
        amount=640_000,
        lines=["data-platform"],
    )
    demo.file(resellers[0][1], 3, reseller_deal)
    # A draft the showcase partner is still writing.
    demo.file(harbor, 1, demo.deal(c["Pinecrest"], 1, title="Analytics pilot licences"), submit=False)

    # Won: an SI shaped it, a reseller sold it; the ledger credits both.
    si = sis[0][1]
    kestrel_influence = demo.file(si, 200, demo.influence(c["Kestrel"], 200, lines=["api-management", "security-suite"]))
    demo.approve(kestrel_influence, 198)
    kestrel_deal = demo.file(resellers[1 % len(resellers)][1], 70, demo.deal(c["Kestrel"], 70, amount=480_000, lines=["api-management"]))
    demo.approve(kestrel_deal, 68)
    demo.won(kestrel_deal, 10, 465_000)
    lumen_project = demo.file(harbor, 130, demo.project(c["Lumenfield"], 130, amount=1_200_000, lines=["analytics", "data-platform"]))
    demo.approve(lumen_project, 127)
    demo.won(lumen_project, 20, 1_150_000)
    # A vendor-direct account: flagged on submit, rejected with the reason.
    halcyon = demo.file(resellers[2 % len(resellers)][1], 40, demo.deal(c["Halcyon"], 40))
    demo.act(demo.cam, 38, halcyon, "start_review")
    demo.act(demo.cam, 38, halcyon, "reject", "Halcyon Airlines is a named vendor-direct account; please engage the enterprise team.")

    # Everyone else: a year of filings with the usual mix of outcomes.
    others = [*sis[1:], *resellers[3:], *by_type.get(PartnerType.MSP, []), *by_type.get(PartnerType.DISTRIBUTOR, [])]
    pool = [spec for spec in CUSTOMERS if spec.name not in ("Northwind Regional Health", "Halcyon Airlines")]
    for index, (partner, partner_actor) in enumerate(others):
        for _ in range(demo.rng.randint(1, 3)):
            _one_registration(demo, partner, partner_actor, demo.rng.choice(pool), index)
    return RegistrationSummary(customers=len(customers), registrations=demo.count)


def _one_registration(demo: PipelineSteps, partner: Any, partner_actor: Actor, customer: DemoCustomer, index: int) -> None:
    rng = demo.rng
    is_si = partner.partner_type == PartnerType.SYSTEMS_INTEGRATOR
    kind = rng.choice(["influence", "project", "deal"]) if is_si else "deal"
    days_ago = rng.choice([1, 2, 4, 6, 9, 15, 30, 45, 60, 85, 88, 120, 160, 220, 280])
    payload = {"deal": demo.deal, "project": demo.project, "influence": demo.influence}[kind](customer, days_ago)
    registration_id = demo.file(partner_actor, days_ago, payload)
    if days_ago <= 2:
        return  # fresh in the queue
    if days_ago <= 9:
        # Waiting: some in review, one in three sent back for more information, the rest overdue.
        roll = rng.random()
        if roll < 0.35:
            demo.act(demo.cam, days_ago - 1, registration_id, "start_review")
        elif roll < 0.6:
            demo.act(demo.cam, days_ago - 1, registration_id, "start_review")
            demo.act(demo.cam, days_ago - 1, registration_id, "request_info", "Please add the customer sponsor and the competing vendors.")
        return
    roll = rng.random()
    if roll < 0.12:
        demo.act(demo.cam, days_ago - 2, registration_id, "start_review")
        demo.act(demo.cam, days_ago - 2, registration_id, "reject", "Existing registration by another partner covers this scope.")
        return
    demo.approve(registration_id, days_ago - 2)
    if kind == "deal" and days_ago > 30 and roll < 0.45:
        demo.won(registration_id, max(days_ago - 25, 3), int(Decimal(payload["amount"]) * Decimal("0.95")))
    elif kind != "influence" and days_ago > 30 and roll < 0.55:
        demo.act(partner_actor, max(days_ago - 20, 3), registration_id, "mark_lost", "Customer postponed the initiative.")
    elif kind == "deal" and 80 <= days_ago <= 90 and roll < 0.8:
        with frozen(demo.at(1, 11)):
            extension_service.request_extension(
                demo.session, partner_actor, registration_id=registration_id, reason="Procurement needs one more quarter; the customer confirmed the budget."
            )
