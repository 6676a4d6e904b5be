"""The demo vendor's partners as plain data, decided entirely by the seed (no database)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from alliance.demo import catalog, geography, names, staff
from alliance.partners.vocabulary import DeliveryRole, PartnerStatus, PartnerType, SISubtype, SponsorSide

SHOWCASE_NAME = "Harbor Bridge Consulting"

# How many partners of each kind the demo vendor has (60 with the showcase partner).
GSI_COUNT = 5
REGIONAL_COUNT = 16
VERTICAL_COUNTS = {"healthcare": 3, "financial services": 3, "government": 2}
TECHNOLOGY_COUNT_EACH = 2
RESELLER_COUNT = 10
MSP_COUNT = 8
DISTRIBUTOR_HQS = ("US", "DE", "SG", "BR")
# Among partners other than GSIs and the showcase: the rest are active.
STATUS_COUNTS = {PartnerStatus.PROSPECT: 6, PartnerStatus.SUSPENDED: 3, PartnerStatus.TERMINATED: 1}
GOVERNMENT_HQS = ("US", "GB", "DE", "FR", "AU", "CA")


@dataclass(frozen=True)
class PersonPlan:
    name: str
    email: str
    title: str
    delivery_role: DeliveryRole
    country: str


@dataclass(frozen=True)
class SponsorPlan:
    side: SponsorSide
    name: str
    title: str
    email: str | None
    staff_key: str | None = None


@dataclass(frozen=True)
class PartnerPlan:
    legal_name: str
    display_name: str
    domain: str
    partner_type: PartnerType
    si_subtype: SISubtype | None
    hq_country: str
    regions: tuple[str, ...]
    territories: tuple[str, ...]
    verticals: tuple[str, ...]
    specialties: tuple[str, ...]
    headcount: int
    enrolled_on: date | None
    status: PartnerStatus
    cam_key: str
    people: tuple[PersonPlan, ...]  # people[0] becomes the partner admin
    has_partner_user: bool  # people[1] becomes a partner user
    standing: float = 0.0  # place within its program, 0 (entry tier) to <1 (top tier)
    sponsors: tuple[SponsorPlan, ...] = ()

    @property
    def website(self) -> str:
        return f"https://www.{self.domain}"

    @property
    def is_strategic(self) -> bool:
        """Strategic SIs get executive sponsors on both sides (domain brief, capability 6)."""
        if self.partner_type != PartnerType.SYSTEMS_INTEGRATOR or self.status != PartnerStatus.ACTIVE:
            return False
        return self.si_subtype == SISubtype.GSI or self.standing >= 0.5


@dataclass(frozen=True)
class DemoPlan:
    seed: int
    partners: tuple[PartnerPlan, ...]

    @property
    def showcase(self) -> PartnerPlan:
        return next(p for p in self.partners if p.display_name == SHOWCASE_NAME)


def tier_index(standing: float, tier_count: int) -> int:
    """Which of a program's tiers (0 = entry) a partner with this standing sits in."""
    return min(int(standing * tier_count), tier_count - 1)


def plan_demo(seed: int, *, today: date) -> DemoPlan:
    rng = random.Random(seed)
    maker = _Maker(rng, today)
    partners = [_showcase(today)]
    partners += [maker.global_si(gsi) for gsi in rng.sample(catalog.GLOBAL_SIS, GSI_COUNT)]
    others: list[PartnerPlan] = []
    others += [maker.regional_si() for _ in range(REGIONAL_COUNT)]
    others += [maker.vertical_si(v) for v, count in VERTICAL_COUNTS.items() for _ in range(count)]
    others += [maker.technology_si(t) for t in catalog.TECHNOLOGY_FOCUS for _ in range(TECHNOLOGY_COUNT_EACH)]
    others += [maker.reseller() for _ in range(RESELLER_COUNT)]
    others += [maker.msp() for _ in range(MSP_COUNT)]
    others += [maker.distributor(hq) for hq in DISTRIBUTOR_HQS]
    partners += _with_statuses(rng, others, today)
    partners = _with_standings(rng, partners, today)
    return DemoPlan(seed=seed, partners=tuple(maker.with_sponsors(p) for p in partners))


def _with_statuses(rng: random.Random, partners: list[PartnerPlan], today: date) -> list[PartnerPlan]:
    statuses = [s for s, n in STATUS_COUNTS.items() for _ in range(n)]
    statuses += [PartnerStatus.ACTIVE] * (len(partners) - len(statuses))
    rng.shuffle(statuses)
    # A prospect has applied but is not enrolled yet.
    return [replace(p, status=s, enrolled_on=None if s == PartnerStatus.PROSPECT else p.enrolled_on) for p, s in zip(partners, statuses, strict=True)]


def _with_standings(rng: random.Random, partners: list[PartnerPlan], today: date) -> list[PartnerPlan]:
    """Spread each program's partners evenly over its tiers, bigger and older firms higher."""
    placed: dict[int, float] = {}
    groups: dict[tuple[PartnerType, SISubtype | None], list[int]] = {}
    for index, partner in enumerate(partners):
        if partner.display_name == SHOWCASE_NAME:
            continue
        groups.setdefault((partner.partner_type, partner.si_subtype), []).append(index)
    for members in groups.values():
        slots = sorted((i + rng.random()) / len(members) for i in range(len(members)))
        strength = {i: partners[i].headcount * rng.uniform(0.5, 1.5) * (1 + _years_enrolled(partners[i], today)) for i in members}
        by_strength = sorted(members, key=strength.__getitem__)
        placed.update(zip(by_strength, slots, strict=True))
    return [replace(p, standing=0.0 if p.status == PartnerStatus.PROSPECT else placed[i]) if i in placed else p for i, p in enumerate(partners)]


def _years_enrolled(partner: PartnerPlan, today: date) -> float:
    return 0.0 if partner.enrolled_on is None else (today - partner.enrolled_on).days / 365


def _showcase(today: date) -> PartnerPlan:
    """A fixed regional SI whose logins the demo prints, identical for every seed."""
    domain = "harborbridge.example"

    def person(name: str, title: str, role: DeliveryRole) -> PersonPlan:
        first, last = name.split(" ")
        return PersonPlan(name, f"{names.email_local_part(first, last)}@{domain}", title, role, "US")

    return PartnerPlan(
        legal_name="Harbor Bridge Consulting LLC",
        display_name=SHOWCASE_NAME,
        domain=domain,
        partner_type=PartnerType.SYSTEMS_INTEGRATOR,
        si_subtype=SISubtype.REGIONAL,
        hq_country="US",
        regions=("NA",),
        territories=("US-East", "US-Northeast"),
        verticals=("healthcare", "financial services"),
        specialties=("cloud migration", "integration", "data & analytics"),
        headcount=240,
        enrolled_on=today - timedelta(days=4 * 365 + 17),
        status=PartnerStatus.ACTIVE,
        cam_key="cam",
        people=(
            person("Dana Whitfield", "Practice Director", DeliveryRole.PRACTICE_LEAD),
            person("Marcus Lee", "Principal Solution Architect", DeliveryRole.SOLUTION_ARCHITECT),
            person("Priya Raman", "Senior Implementation Engineer", DeliveryRole.IMPLEMENTATION_ENGINEER),
            person("Tomás Alvarez", "Integration Consultant", DeliveryRole.INTEGRATION_SPECIALIST),
            person("Grace Holloway", "Delivery Manager", DeliveryRole.PROJECT_MANAGER),
            person("Ben Carter", "Alliance Manager", DeliveryRole.SALES),
        ),
        has_partner_user=True,
        standing=0.6,
        sponsors=(
            SponsorPlan(SponsorSide.VENDOR, "Catherine Wu", "SVP, Global Partners & Alliances", f"exec@{staff.VENDOR_DOMAIN}", staff_key="executive"),
            SponsorPlan(SponsorSide.PARTNER, "Richard Harlan", "Chief Executive Officer", f"richard.harlan@{domain}"),
        ),
    )


class _Maker:
    """Draws one partner of each kind from the shared random stream, keeping names unique."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today
        self.used_names = {SHOWCASE_NAME}
        self.used_domains = {"harborbridge.example", staff.VENDOR_DOMAIN}

    def global_si(self, gsi: catalog.GlobalSI) -> PartnerPlan:
        rng = self.rng
        self.used_names.add(gsi.display_name)
        self.used_domains.add(gsi.domain)
        locales = [geography.COUNTRIES[c] for c in ("US", "GB", "IN", "DE", "FR", "JP", "BR", "AU", gsi.hq_country)]
        return PartnerPlan(
            legal_name=gsi.legal_name,
            display_name=gsi.display_name,
            domain=gsi.domain,
            partner_type=PartnerType.SYSTEMS_INTEGRATOR,
            si_subtype=SISubtype.GSI,
            hq_country=gsi.hq_country,
            regions=geography.ALL_REGIONS,
            territories=("Global",),
            verticals=tuple(rng.sample(catalog.VERTICALS, rng.randint(5, 8))),
            specialties=tuple(rng.sample(catalog.SPECIALTIES, rng.randint(6, 9))),
            headcount=gsi.headcount,
            enrolled_on=self._enrolled(3 * 365, 9 * 365),
            status=PartnerStatus.ACTIVE,
            cam_key=staff.GSI_CAM,
            people=self._people(gsi.domain, locales, "si", rng.randint(8, 11), admin_role=DeliveryRole.PRACTICE_LEAD),
            has_partner_user=True,
        )

    def regional_si(self) -> PartnerPlan:
        country = self._country()
        if self.rng.random() < 0.25:
            founders = self.rng.sample(names.LOCALES[country.locale][1], 2)
            display = f"{founders[0]} & {founders[1]} {self.rng.choice(('Consulting', 'Partners', 'Associates'))}"
        else:
            display = f"{self.rng.choice(country.place_words)} {self.rng.choice(catalog.REGIONAL_SI_WORDS)}"
        return self._firm(
            display,
            country,
            PartnerType.SYSTEMS_INTEGRATOR,
            SISubtype.REGIONAL,
            "si",
            (50, 500),
            (4, 7),
            verticals=self.rng.sample(catalog.VERTICALS, self.rng.randint(1, 3)),
            specialties=self.rng.sample(catalog.SPECIALTIES, self.rng.randint(1, 3)),
        )

    def vertical_si(self, vertical: str) -> PartnerPlan:
        words, focus = catalog.VERTICAL_FOCUS[vertical]
        country = geography.COUNTRIES[self.rng.choice(GOVERNMENT_HQS)] if vertical == "government" else self._country()
        display = f"{self.rng.choice(country.place_words)} {self.rng.choice(words)}"
        return self._firm(
            display,
            country,
            PartnerType.SYSTEMS_INTEGRATOR,
            SISubtype.VERTICAL,
            "si",
            (40, 350),
            (4, 6),
            verticals=[vertical],
            specialties=self.rng.sample(focus, self.rng.randint(2, 3)),
        )

    def technology_si(self, focus: str) -> PartnerPlan:
        words, adjacent = catalog.TECHNOLOGY_FOCUS[focus]
        country = self._country()
        display = f"{self.rng.choice(country.place_words)} {self.rng.choice(words)}"
        return self._firm(
            display,
            country,
            PartnerType.SYSTEMS_INTEGRATOR,
            SISubtype.TECHNOLOGY,
            "si",
            (30, 300),
            (4, 6),
            verticals=self.rng.sample(catalog.VERTICALS, self.rng.randint(0, 2)),
            specialties=[focus, *self.rng.sample(adjacent, self.rng.randint(1, 2))],
        )

    def reseller(self) -> PartnerPlan:
        country = self._country()
        display = f"{self.rng.choice(country.place_words)} {self.rng.choice(catalog.RESELLER_WORDS)}"
        return self._firm(
            display,
            country,
            PartnerType.RESELLER,
            None,
            "reseller",
            (3, 40),
            (2, 4),
            verticals=self.rng.sample(catalog.VERTICALS, self.rng.randint(0, 1)),
            specialties=self.rng.sample(catalog.RESELLER_SPECIALTIES, self.rng.randint(1, 2)),
        )

    def msp(self) -> PartnerPlan:
        country = self._country()
        display = f"{self.rng.choice(country.place_words)} {self.rng.choice(catalog.MSP_WORDS)}"
        return self._firm(
            display,
            country,
            PartnerType.MSP,
            None,
            "msp",
            (20, 400),
            (3, 5),
            verticals=self.rng.sample(catalog.VERTICALS, self.rng.randint(0, 2)),
            specialties=self.rng.sample(catalog.MSP_SPECIALTIES, self.rng.randint(1, 3)),
        )

    def distributor(self, hq: str) -> PartnerPlan:
        country = geography.COUNTRIES[hq]
        display = f"{self.rng.choice(country.place_words)} {self.rng.choice(catalog.DISTRIBUTOR_WORDS)}"
        territories = sorted({t for c in geography.countries_in(country.region) for t in c.territories[:1]})
        return self._firm(
            display,
            country,
            PartnerType.DISTRIBUTOR,
            None,
            "distributor",
            (15, 120),
            (2, 4),
            verticals=[],
            specialties=self.rng.sample(catalog.DISTRIBUTOR_SPECIALTIES, self.rng.randint(2, 3)),
            territories=self.rng.sample(territories, min(4, len(territories))),
        )

    def with_sponsors(self, partner: PartnerPlan) -> PartnerPlan:
        if partner.sponsors or not partner.is_strategic:
            return partner
        vendor = [staff.VENDOR_SPONSORS[0]] if partner.si_subtype == SISubtype.GSI else []
        vendor.append(staff.VENDOR_SPONSORS[1] if partner.si_subtype == SISubtype.GSI else staff.VENDOR_SPONSORS[staff.REGIONAL_SPONSOR[partner.regions[0]]])
        sponsors = [SponsorPlan(SponsorSide.VENDOR, name, title, None, staff_key=key) for name, title, key in vendor]
        locale = geography.COUNTRIES[partner.hq_country].locale
        first, last = names.pick_name(self.rng, locale)
        title = self.rng.choice(catalog.PARTNER_EXECUTIVE_TITLES)
        sponsors.append(SponsorPlan(SponsorSide.PARTNER, f"{first} {last}", title, f"{names.email_local_part(first, last)}@{partner.domain}"))
        return replace(partner, sponsors=tuple(sponsors))

    def _firm(
        self,
        display: str,
        country: geography.Country,
        partner_type: PartnerType,
        subtype: SISubtype | None,
        mix: str,
        headcount: tuple[int, int],
        people: tuple[int, int],
        *,
        verticals: Sequence[str],
        specialties: Sequence[str],
        territories: Sequence[str] | None = None,
    ) -> PartnerPlan:
        rng = self.rng
        display = self._unique_name(display, country)
        domain = self._unique_domain(display, country)
        admin_role = DeliveryRole.PRACTICE_LEAD if mix in ("si", "msp") else DeliveryRole.SALES
        return PartnerPlan(
            legal_name=f"{display} {rng.choice(country.legal_suffixes)}",
            display_name=display,
            domain=domain,
            partner_type=partner_type,
            si_subtype=subtype,
            hq_country=country.code,
            regions=(country.region,),
            territories=tuple(territories if territories is not None else rng.sample(country.territories, min(len(country.territories), rng.randint(1, 2)))),
            verticals=tuple(verticals),
            specialties=tuple(specialties),
            headcount=rng.randint(*headcount),
            enrolled_on=self._enrolled(60, 6 * 365),
            status=PartnerStatus.ACTIVE,
            cam_key=staff.CAM_FOR_REGION[country.region],
            people=self._people(domain, [country], mix, rng.randint(*people), admin_role=admin_role),
            has_partner_user=rng.random() < 0.85,
        )

    def _people(self, domain: str, countries: Sequence[geography.Country], mix: str, count: int, *, admin_role: DeliveryRole) -> tuple[PersonPlan, ...]:
        roles = [admin_role, DeliveryRole.SOLUTION_ARCHITECT]
        weighted = catalog.ROLE_MIX[mix]
        roles += self.rng.choices([r for r, _ in weighted], weights=[w for _, w in weighted], k=max(0, count - 2))
        used: set[str] = set()
        people = []
        for role in roles:
            country = self.rng.choice(countries)
            first, last = names.pick_name(self.rng, country.locale)
            local = base = names.email_local_part(first, last)
            n = 1
            while local in used:
                n += 1
                local = f"{base}{n}"
            used.add(local)
            people.append(PersonPlan(f"{first} {last}", f"{local}@{domain}", self.rng.choice(catalog.ROLE_TITLES[role]), role, country.code))
        return tuple(people)

    def _country(self) -> geography.Country:
        codes, weights = zip(*geography.REGIONAL_HQ_WEIGHTS.items(), strict=True)
        return geography.COUNTRIES[self.rng.choices(codes, weights=weights)[0]]

    def _enrolled(self, min_days: int, max_days: int) -> date:
        return self.today - timedelta(days=self.rng.randint(min_days, max_days))

    def _unique_name(self, display: str, country: geography.Country) -> str:
        candidates = _name_variants(display, country)
        name = next(c for c in candidates if c not in self.used_names)
        self.used_names.add(name)
        return name

    def _unique_domain(self, display: str, country: geography.Country) -> str:
        base = names.slug(display)
        domain = next(
            d
            for d in (f"{base}.example", f"{base}-{country.code.lower()}.example", *(f"{base}{n}.example" for n in range(2, 1000)))
            if d not in self.used_domains
        )
        self.used_domains.add(domain)
        return domain


def _name_variants(display: str, country: geography.Country) -> Iterator[str]:
    yield display
    yield f"{display} {country.code}"
    n = 2
    while True:
        yield f"{display} {n}"
        n += 1
