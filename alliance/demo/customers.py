"""Synthetic end customers at scale: believable, varied company names for seeding and benchmarks.

Names mix invented brands ("Zentrix Analytics"), common words ("Summit Logistics Group"), family
names ("Müller & Weber"), and local place words, with each country's legal forms, so that many
customers share words the way real company names do. Each customer draws from its own random
stream keyed by (seed, index): the output depends only on the seed and the position.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy.orm import Session

from alliance import audit
from alliance.customers.batches import INSERT_COLUMNS
from alliance.customers.chunks import cyclic_gc_paused
from alliance.customers.records import CustomerRecord, derive
from alliance.customers.repository import CustomerRepository
from alliance.customers.vocabulary import EmployeeBand, Ownership
from alliance.demo import geography, names
from alliance.errors import RuleViolation
from alliance.identity.permissions import Permission, require
from alliance.identity.scope import Actor
from alliance.kit import clock
from alliance.kit.pagination import PageRequest
from alliance.partners import service as partner_service
from alliance.partners.repository import PartnerFilters
from alliance.partners.vocabulary import PartnerStatus, PartnerType

DEFAULT_BATCH_SIZE = 5_000

_ONSETS = [
    "b",
    "c",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "z",
    "br",
    "cr",
    "dr",
    "fl",
    "gr",
    "kl",
    "pr",
    "st",
    "tr",
    "vr",
    "ch",
    "sh",
    "th",
    "qu",
    "x",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "io", "ou", "y"]
_CODAS = ["x", "n", "r", "s", "l", "m", "t", "k", "nt", "rt", "ks", "sk", "st", "ll", "ph"]

DESCRIPTORS = (
    "Analytics",
    "Logistics",
    "Health",
    "Foods",
    "Software",
    "Energy",
    "Capital",
    "Media",
    "Robotics",
    "Motors",
    "Textiles",
    "Mining",
    "Airlines",
    "Insurance",
    "Bank",
    "Retail",
    "Biotech",
    "Semiconductors",
    "Telecom",
    "Chemicals",
    "Steel",
    "Shipping",
    "Hotels",
    "Beverages",
    "Apparel",
    "Construction",
    "Aerospace",
    "Utilities",
    "Water",
    "Solar",
    "Mobility",
    "Payments",
    "Security",
    "Networks",
    "Cloud",
    "Data",
    "Learning",
    "Insights",
    "Dynamics",
    "Devices",
    "Diagnostics",
    "Therapeutics",
    "Materials",
    "Packaging",
    "Freight",
    "Realty",
    "Properties",
    "Farms",
    "Brewing",
    "Outfitters",
    "Studios",
    "Games",
    "Marine",
    "Rail",
    "Transport",
    "Power",
    "Metals",
    "Plastics",
    "Paper",
    "Glass",
    "Tools",
    "Machinery",
    "Electronics",
    "Instruments",
    "Optics",
    "Dental",
    "Clinics",
    "Care",
    "Pharmacy",
    "Nutrition",
    "Cosmetics",
    "Fashion",
    "Furniture",
    "Garden",
    "Pets",
    "Sports",
    "Travel",
    "Events",
    "Publishing",
    "Broadcasting",
    "Advertising",
    "Legal",
    "Staffing",
    "Education",
    "Academy",
    "Bancorp",
    "Finance",
    "Leasing",
    "Credit",
    "Pharmaceuticals",
    "Laboratories",
    "Engineering",
    "Consulting",
    "Manufacturing",
    "Communications",
    "Distribution",
    "Marketing",
    "Aviation",
    "Automotive",
    "Agritech",
    "Fintech",
    "Genomics",
    "Imaging",
    "Vision",
    "Controls",
    "Sensors",
    "Batteries",
    "Hydrogen",
    "Wind",
    "Nuclear",
    "Recycling",
    "Waste",
    "Fisheries",
    "Dairy",
    "Bakery",
    "Coffee",
    "Tea",
    "Wines",
)
GENERIC_WORDS = ("Group", "Holdings", "International", "Global", "Services", "Solutions", "Systems", "Technologies", "Enterprises", "Industries")
COMMON_WORDS = (
    "Blue",
    "Red",
    "Green",
    "Silver",
    "Golden",
    "North",
    "South",
    "East",
    "West",
    "Pacific",
    "Atlantic",
    "Summit",
    "Pioneer",
    "Apex",
    "Eagle",
    "Falcon",
    "River",
    "Lake",
    "Stone",
    "Oak",
    "Pine",
    "Maple",
    "Cedar",
    "Harbor",
    "Bridge",
    "Crown",
    "Royal",
    "United",
    "First",
    "Liberty",
    "Frontier",
    "Horizon",
    "Vertex",
    "Nova",
    "Stellar",
    "Quantum",
    "Fusion",
    "Vector",
    "Prime",
    "Core",
    "Bright",
    "Clear",
    "True",
    "Swift",
    "Rapid",
    "Bold",
    "Iron",
    "Granite",
    "Crystal",
    "Coastal",
    "Valley",
    "Mountain",
    "Prairie",
    "Metro",
    "Urban",
    "Heritage",
    "Legacy",
    "Keystone",
    "Beacon",
    "Compass",
    "Anchor",
    "Lighthouse",
    "Orchard",
    "Meadow",
    "Willow",
    "Aspen",
    "Sterling",
)
INDUSTRIES = (
    "Software",
    "Financial services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Energy",
    "Telecommunications",
    "Public sector",
    "Logistics",
    "Media",
    "Education",
    "Pharmaceuticals",
)
TLD_BY_COUNTRY = {
    "US": "com",
    "CA": "ca",
    "GB": "co.uk",
    "DE": "de",
    "FR": "fr",
    "JP": "co.jp",
    "AU": "com.au",
    "BR": "com.br",
    "IN": "in",
    "NL": "nl",
    "IT": "it",
    "ES": "es",
    "MX": "com.mx",
    "NZ": "co.nz",
    "SG": "com.sg",
    "KR": "co.kr",
    "CH": "ch",
    "SE": "se",
    "DK": "dk",
    "PL": "pl",
    "IE": "ie",
    "ZA": "co.za",
}
# Where customers are: weighted towards the largest markets.
COUNTRY_WEIGHTS = {
    "US": 30,
    "GB": 8,
    "DE": 8,
    "FR": 6,
    "JP": 5,
    "CA": 4,
    "AU": 4,
    "IN": 4,
    "BR": 4,
    "NL": 3,
    "IT": 3,
    "ES": 3,
    "SE": 2,
    "CH": 2,
    "MX": 2,
    "PL": 2,
    "KR": 2,
    "SG": 1,
    "DK": 1,
    "IE": 1,
    "AE": 1,
    "ZA": 1,
    "NZ": 1,
    "AR": 1,
    "CO": 1,
    "CL": 1,
}


@dataclass(frozen=True, slots=True)
class SyntheticCustomer:
    index: int
    record: CustomerRecord
    brand: str  # the name without legal form, as the generator composed it
    ownership_draw: tuple[float, float, int]  # (roll, owner pick, protection days) for the seed's ownership mix


class SyntheticCustomers:
    """Generates customer records for one seed; `record(i)` is the same for the same (seed, i)."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.countries = [geography.COUNTRIES[code] for code in COUNTRY_WEIGHTS]
        self.country_weights = list(accumulate(COUNTRY_WEIGHTS.values()))
        self.bands = list(EmployeeBand)

    def rng(self, index: int) -> random.Random:
        # An integer seed is much cheaper to set up than a string one (which is hashed with SHA-512).
        return random.Random((self.seed << 40) ^ index)

    def brand_word(self, rng: random.Random) -> str:
        syllables = rng.choice((2, 2, 2, 3))
        word = "".join(rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(syllables))
        return (word + rng.choice(_CODAS) if rng.random() < 0.6 else word).capitalize()

    def compose(self, rng: random.Random, country: geography.Country) -> str:
        pattern = rng.random()
        descriptor = rng.choice(DESCRIPTORS)
        if pattern < 0.30:
            return f"{self.brand_word(rng)} {descriptor}"
        if pattern < 0.42:
            return self.brand_word(rng)
        if pattern < 0.52:
            return f"{self.brand_word(rng)} {descriptor} {rng.choice(GENERIC_WORDS)}"
        if pattern < 0.64:
            return f"{rng.choice(COMMON_WORDS)} {descriptor}" + (f" {rng.choice(GENERIC_WORDS)}" if rng.random() < 0.3 else "")
        if pattern < 0.72:
            return f"{rng.choice(COMMON_WORDS)} {self.brand_word(rng)}"
        surnames = names.LOCALES[country.locale][1]
        if pattern < 0.82:
            return f"{rng.choice(surnames)} {descriptor}"
        if pattern < 0.88:
            first, second = rng.sample(surnames, 2)
            return f"{first} & {second}"
        if pattern < 0.95:
            return f"{rng.choice(country.place_words)} {descriptor}"
        return f"{self.brand_word(rng)} {self.brand_word(rng)} {descriptor}"

    def customer(self, index: int, *, external_id: str | None = None) -> SyntheticCustomer:
        rng = self.rng(index)
        country = rng.choices(self.countries, cum_weights=self.country_weights)[0]
        brand = self.compose(rng, country)
        name = f"{brand} {rng.choice(country.legal_suffixes)}" if rng.random() < 0.7 else brand
        website = None
        if rng.random() < 0.75:
            plain, dashed = names.slug(brand), names.slug(brand, "-")
            slug = rng.choice((plain, plain, dashed, f"{plain}{rng.randint(2, 99)}", f"{plain}hq"))
            website = rng.choice(("https://www.", "http://", "www.", "")) + f"{slug}.{TLD_BY_COUNTRY.get(country.code, 'com')}"
        record = CustomerRecord(
            external_id=external_id if external_id is not None else f"SYN-{self.seed}-{index:08d}",
            name=name,
            website=website,
            country=country.code,
            industry=rng.choice(INDUSTRIES) if rng.random() < 0.8 else None,
            employee_band=rng.choice(self.bands).value if rng.random() < 0.7 else None,
        )
        draw = (rng.random(), rng.random(), rng.randint(30, 365))
        return SyntheticCustomer(index=index, record=record, brand=brand, ownership_draw=draw)

    def customers(self, count: int, start: int = 0) -> Iterator[SyntheticCustomer]:
        for index in range(start, start + count):
            yield self.customer(index)


@dataclass(frozen=True)
class CustomerSeedSummary:
    customers: int
    name_keys: int
    protected: int
    vendor_direct: int


def seed_customers(
    session: Session,
    actor: Actor,
    *,
    customers: int,
    seed: int,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_progress: Callable[[int], None] | None = None,
) -> CustomerSeedSummary:
    """Append `customers` synthetic customers with their name keys, set-based, one audit event.

    About 2% are SI-protected by an active systems integrator (when there are any) and 1% are
    vendor-direct. External ids are SYN-<seed>-<n>, numbered after the customers already there."""
    require(actor, Permission.CUSTOMERS_WRITE)
    if customers < 0 or batch_size < 1:
        raise RuleViolation("Customers must be 0 or more and the batch size at least 1.")
    repository = CustomerRepository(session)
    generator = SyntheticCustomers(seed)
    owners = _systems_integrators(session, actor)
    start = repository.count()
    now = clock.now()
    keys = protected = direct = 0
    with repository.bulk_writes(), cyclic_gc_paused():
        for offset in range(0, customers, batch_size):
            batch = list(generator.customers(min(batch_size, customers - offset), start=start + offset))
            ids = repository.reserve_ids(len(batch))
            rows = []
            pairs: list[tuple[str, int]] = []
            for synthetic, customer_id in zip(batch, ids, strict=True):
                record = synthetic.record
                derived = derive(record.name, record.website)
                ownership = _ownership(synthetic.ownership_draw, owners, now.date())
                protected += ownership[0] == Ownership.SI_PROTECTED
                direct += ownership[0] == Ownership.VENDOR_DIRECT
                rows.append(
                    (
                        customer_id,
                        record.external_id,
                        record.name,
                        record.website,
                        record.country,
                        record.industry,
                        record.employee_band,
                        derived.name_key,
                        derived.name_compact,
                        derived.name_reversed,
                        derived.name_len,
                        derived.domain,
                        *ownership,
                    )
                )
                pairs.extend((key, customer_id) for key in derived.keys)
            repository.insert_many(SEED_COLUMNS, rows, same_for_all={"created_at": now, "updated_at": now})
            repository.add_keys(pairs)
            keys += len(pairs)
            if on_progress:
                on_progress(len(batch))
    repository.refresh_statistics()
    audit.record(
        session,
        actor,
        "seed.customers_loaded",
        entity_type="seed",
        entity_id=f"customers-{start}-{start + customers}",
        after={"seed": seed, "customers": customers, "name_keys": keys, "si_protected": protected, "vendor_direct": direct},
        reason="synthetic data for benchmarks",
    )
    return CustomerSeedSummary(customers=customers, name_keys=keys, protected=protected, vendor_direct=direct)


def _systems_integrators(session: Session, actor: Actor) -> list[int]:
    filters = PartnerFilters(partner_type=PartnerType.SYSTEMS_INTEGRATOR, status=PartnerStatus.ACTIVE)
    page = partner_service.list_partners(session, actor, filters=filters, sort=None, page=PageRequest(limit=500))
    return [partner.id for partner in page.items]


OWNERSHIP_COLUMNS = ("ownership", "owning_partner_id", "protected_until", "protection_reason", "ownership_changed_at")
SEED_COLUMNS = (*INSERT_COLUMNS, *OWNERSHIP_COLUMNS)


def _ownership(draw: tuple[float, float, int], owners: list[int], today: date) -> tuple[Any, ...]:
    """Values of OWNERSHIP_COLUMNS: mostly open, ~2% SI-protected (when there are SIs), ~1% vendor-direct."""
    roll, pick, days = draw
    changed = datetime.combine(today, datetime.min.time(), tzinfo=clock.UTC)
    if owners and roll < 0.02:
        return (Ownership.SI_PROTECTED.value, owners[int(pick * len(owners))], today + timedelta(days=days), "synthetic: SI-developed account", changed)
    if roll > 0.99:
        return (Ownership.VENDOR_DIRECT.value, None, None, "synthetic: strategic account", changed)
    return (Ownership.OPEN.value, None, None, None, None)
