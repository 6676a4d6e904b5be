"""Synthetic partners and people at scale, as plain column dicts for set-based inserts.

Each partner draws from its own random stream keyed by (seed, index), so output depends only on
the seed and the partner's position, never on batch size or on what was generated before it.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from alliance.demo import catalog, geography, names
from alliance.partners.vocabulary import AttributeKind, PartnerStatus, PartnerType, SISubtype

Kind = tuple[PartnerType, SISubtype | None]

# Share of each kind of partner among synthetic partners: a vendor with many small SIs and resellers.
KIND_WEIGHTS: tuple[tuple[Kind, int], ...] = (
    ((PartnerType.SYSTEMS_INTEGRATOR, SISubtype.GSI), 1),
    ((PartnerType.SYSTEMS_INTEGRATOR, SISubtype.REGIONAL), 24),
    ((PartnerType.SYSTEMS_INTEGRATOR, SISubtype.VERTICAL), 12),
    ((PartnerType.SYSTEMS_INTEGRATOR, SISubtype.TECHNOLOGY), 12),
    ((PartnerType.RESELLER, None), 28),
    ((PartnerType.MSP, None), 16),
    ((PartnerType.DISTRIBUTOR, None), 2),
)
STATUS_WEIGHTS = ((PartnerStatus.ACTIVE, 80), (PartnerStatus.PROSPECT, 10), (PartnerStatus.SUSPENDED, 8), (PartnerStatus.TERMINATED, 2))
HEADCOUNT: Mapping[Kind, tuple[int, int]] = {
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.GSI): (15_000, 150_000),
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.REGIONAL): (50, 500),
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.VERTICAL): (40, 350),
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.TECHNOLOGY): (30, 300),
    (PartnerType.RESELLER, None): (2, 40),
    (PartnerType.MSP, None): (20, 400),
    (PartnerType.DISTRIBUTOR, None): (15, 150),
}
NAME_WORDS: Mapping[Kind, tuple[str, ...]] = {
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.GSI): ("Global Services", "Consulting Group", "International"),
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.REGIONAL): catalog.REGIONAL_SI_WORDS,
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.VERTICAL): tuple(w for words, _ in catalog.VERTICAL_FOCUS.values() for w in words),
    (PartnerType.SYSTEMS_INTEGRATOR, SISubtype.TECHNOLOGY): tuple(w for words, _ in catalog.TECHNOLOGY_FOCUS.values() for w in words),
    (PartnerType.RESELLER, None): catalog.RESELLER_WORDS,
    (PartnerType.MSP, None): catalog.MSP_WORDS,
    (PartnerType.DISTRIBUTOR, None): catalog.DISTRIBUTOR_WORDS,
}
SPECIALTY_POOLS: Mapping[PartnerType, tuple[str, ...]] = {
    PartnerType.SYSTEMS_INTEGRATOR: catalog.SPECIALTIES,
    PartnerType.RESELLER: catalog.RESELLER_SPECIALTIES,
    PartnerType.MSP: catalog.MSP_SPECIALTIES,
    PartnerType.DISTRIBUTOR: catalog.DISTRIBUTOR_SPECIALTIES,
}
MIX_FOR_TYPE = {PartnerType.SYSTEMS_INTEGRATOR: "si", PartnerType.RESELLER: "reseller", PartnerType.MSP: "msp", PartnerType.DISTRIBUTOR: "distributor"}


@dataclass(frozen=True)
class ProgramChoice:
    program_id: int
    tier_ids: tuple[int, ...]  # entry tier first


@dataclass(frozen=True)
class SyntheticPartner:
    index: int
    row: dict[str, Any]  # the partners columns, without id
    attributes: tuple[tuple[AttributeKind, str], ...]
    domain: str
    locale: str


class _Pools:
    """Name pools with their email slugs worked out once, not once per generated person."""

    def __init__(self) -> None:
        self.first = {loc: [(n, names.slug(n)) for n in pools[0]] for loc, pools in names.LOCALES.items()}
        self.last = {loc: [(n, names.slug(n)) for n in pools[1]] for loc, pools in names.LOCALES.items()}
        self.countries = list(geography.COUNTRIES.values())
        self.country_weights = list(accumulate(geography.REGIONAL_HQ_WEIGHTS[c.code] for c in self.countries))
        self.roles = {mix: ([r for r, _ in weighted], list(accumulate(w for _, w in weighted))) for mix, weighted in catalog.ROLE_MIX.items()}


class SyntheticVendor:
    """Generates partner rows, their attributes and their people for one seed."""

    def __init__(self, seed: int, *, programs: Mapping[Kind, ProgramChoice], cam_user_ids: Sequence[int], now: datetime) -> None:
        missing = [k for k, _ in KIND_WEIGHTS if k not in programs]
        if missing:
            raise ValueError(f"no program for {', '.join(f'{t}/{s}' if s else str(t) for t, s in missing)}")
        self.seed = seed
        self.programs = programs
        self.cam_user_ids = tuple(cam_user_ids)
        self.now = now
        self.today = now.date()
        self.pools = _Pools()
        self.kinds = [k for k, _ in KIND_WEIGHTS]
        self.kind_weights = list(accumulate(w for _, w in KIND_WEIGHTS))
        self.statuses = [s for s, _ in STATUS_WEIGHTS]
        self.status_weights = list(accumulate(w for _, w in STATUS_WEIGHTS))

    def _rng(self, index: int, stream: str) -> random.Random:
        return random.Random(f"alliance-seed:{self.seed}:{index}:{stream}")

    def partner(self, index: int) -> SyntheticPartner:
        rng = self._rng(index, "partner")
        kind = rng.choices(self.kinds, cum_weights=self.kind_weights)[0]
        partner_type, subtype = kind
        country = rng.choices(self.pools.countries, cum_weights=self.pools.country_weights)[0]
        if rng.random() < 0.2 and partner_type == PartnerType.SYSTEMS_INTEGRATOR:
            founders = rng.sample(names.LOCALES[country.locale][1], 2)
            display = f"{founders[0]} & {founders[1]} {rng.choice(('Consulting', 'Partners', 'Associates'))}"
        else:
            display = f"{rng.choice(country.place_words)} {rng.choice(NAME_WORDS[kind])}"
        status = rng.choices(self.statuses, cum_weights=self.status_weights)[0]
        program = self.programs[kind]
        # Most partners sit in the lower tiers; a prospect is always in the entry tier.
        tiers = program.tier_ids
        tier_id = tiers[0] if status == PartnerStatus.PROSPECT else rng.choices(tiers, weights=range(len(tiers), 0, -1))[0]
        domain = f"{names.slug(display)}.example"
        row = {
            "legal_name": f"{display} {rng.choice(country.legal_suffixes)}",
            "display_name": display,
            "website": f"https://www.{domain}",
            "partner_type": partner_type.value,
            "si_subtype": subtype.value if subtype else None,
            "hq_country": country.code,
            "consultant_headcount": rng.randint(*HEADCOUNT[kind]),
            "enrolled_on": None if status == PartnerStatus.PROSPECT else self.today - timedelta(days=rng.randint(30, 8 * 365)),
            "status": status.value,
            "program_id": program.program_id,
            "tier_id": tier_id,
            "cam_user_id": rng.choice(self.cam_user_ids) if self.cam_user_ids else None,
            "created_at": self.now,
            "updated_at": self.now,
        }
        return SyntheticPartner(index=index, row=row, attributes=self._attributes(rng, kind, country), domain=domain, locale=country.locale)

    def _attributes(self, rng: random.Random, kind: Kind, country: geography.Country) -> tuple[tuple[AttributeKind, str], ...]:
        partner_type, subtype = kind
        if subtype == SISubtype.GSI:
            regions: Sequence[str] = geography.ALL_REGIONS
            territories: Sequence[str] = ("Global",)
        else:
            regions = (country.region,)
            territories = rng.sample(country.territories, min(len(country.territories), rng.randint(1, 2)))
        verticals = rng.sample(catalog.VERTICALS, rng.randint(0 if partner_type != PartnerType.SYSTEMS_INTEGRATOR else 1, 3))
        specialties = rng.sample(SPECIALTY_POOLS[partner_type], rng.randint(1, 3))
        return (
            *((AttributeKind.REGION, v) for v in regions),
            *((AttributeKind.TERRITORY, v) for v in territories),
            *((AttributeKind.VERTICAL, v) for v in verticals),
            *((AttributeKind.SPECIALTY, v) for v in specialties),
        )

    def people(self, partner: SyntheticPartner, partner_id: int, count: int) -> Iterator[dict[str, Any]]:
        """`count` people for one partner; emails are unique within the partner."""
        if count <= 0:
            return
        rng = self._rng(partner.index, "people")
        roles, role_weights = self.pools.roles[MIX_FOR_TYPE[PartnerType(partner.row["partner_type"])]]
        firsts, lasts = self.pools.first[partner.locale], self.pools.last[partner.locale]
        country = partner.row["hq_country"]
        roles_drawn = rng.choices(roles, cum_weights=role_weights, k=count)
        # Drawn per partner in one go: choices() is much cheaper per item than choice() in a loop.
        picks = zip(roles_drawn, rng.choices(firsts, k=count), rng.choices(lasts, k=count), rng.choices(range(4), k=count), strict=True)
        used: set[str] = set()
        for role, (first, first_slug), (last, last_slug), title in picks:
            local = f"{first_slug}.{last_slug}"
            if local in used:
                local = f"{local}{len(used) + 1}"
            used.add(local)
            titles = catalog.ROLE_TITLES[role]
            yield {
                "partner_id": partner_id,
                "name": f"{first} {last}",
                "email": f"{local}@{partner.domain}",
                "title": titles[title % len(titles)],
                "delivery_role": role.value,
                "country": country,
                "is_active": rng.random() < 0.95,
                "created_at": self.now,
                "updated_at": self.now,
            }


def attribute_rows(partner: SyntheticPartner, partner_id: int) -> Iterator[dict[str, Any]]:
    for kind, value in partner.attributes:
        yield {"partner_id": partner_id, "kind": kind.value, "value": value}
