"""The demo vendor plan: deterministic, varied, and valid input for the real services."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest

from alliance.demo.build import demo_logins
from alliance.demo.plan import SHOWCASE_NAME, DemoPlan, plan_demo, tier_index
from alliance.demo.programs import DEFAULT_PROGRAMS
from alliance.partners.program_file import parse_programs
from alliance.partners.schemas import PartnerCreate, PersonCreate, SponsorCreate
from alliance.partners.vocabulary import PartnerStatus, PartnerType, SISubtype, SponsorSide

TODAY = date(2025, 6, 1)


@pytest.fixture(scope="module")
def plan() -> DemoPlan:
    return plan_demo(42, today=TODAY)


class TestPlanDemo:
    def test_same_seed_same_plan(self, plan: DemoPlan) -> None:
        assert plan_demo(42, today=TODAY) == plan

    def test_another_seed_another_vendor(self, plan: DemoPlan) -> None:
        other = plan_demo(43, today=TODAY)
        assert [p.display_name for p in other.partners] != [p.display_name for p in plan.partners]

    def test_about_sixty_partners_of_every_kind(self, plan: DemoPlan) -> None:
        kinds = Counter((p.partner_type, p.si_subtype) for p in plan.partners)
        assert 55 <= len(plan.partners) <= 65
        assert set(kinds) == {
            *((PartnerType.SYSTEMS_INTEGRATOR, s) for s in SISubtype),
            (PartnerType.RESELLER, None),
            (PartnerType.MSP, None),
            (PartnerType.DISTRIBUTOR, None),
        }
        assert kinds[(PartnerType.SYSTEMS_INTEGRATOR, SISubtype.REGIONAL)] > kinds[(PartnerType.SYSTEMS_INTEGRATOR, SISubtype.GSI)]

    def test_vertical_and_technology_sis_cover_their_focus_areas(self, plan: DemoPlan) -> None:
        verticals = {v for p in plan.partners if p.si_subtype == SISubtype.VERTICAL for v in p.verticals}
        technologies = {p.specialties[0] for p in plan.partners if p.si_subtype == SISubtype.TECHNOLOGY}
        assert {"healthcare", "financial services", "government"} <= verticals
        assert technologies == {"cloud migration", "security", "data & analytics", "networking"}

    def test_headcount_fits_the_kind_of_firm(self, plan: DemoPlan) -> None:
        for partner in plan.partners:
            if partner.si_subtype == SISubtype.GSI:
                assert partner.headcount >= 10_000
            elif partner.si_subtype == SISubtype.REGIONAL:
                assert 50 <= partner.headcount <= 500

    def test_mostly_active_with_a_few_prospects_suspended_and_one_terminated(self, plan: DemoPlan) -> None:
        statuses = Counter(p.status for p in plan.partners)
        assert statuses[PartnerStatus.TERMINATED] == 1
        assert statuses[PartnerStatus.PROSPECT] >= 3 and statuses[PartnerStatus.SUSPENDED] >= 2
        assert statuses[PartnerStatus.ACTIVE] > 0.75 * len(plan.partners)
        assert all(p.enrolled_on is None for p in plan.partners if p.status == PartnerStatus.PROSPECT)
        assert all(p.enrolled_on is not None and p.enrolled_on < TODAY for p in plan.partners if p.status != PartnerStatus.PROSPECT)

    def test_every_program_gets_partners_in_each_of_its_tiers(self, plan: DemoPlan) -> None:
        programs = parse_programs(DEFAULT_PROGRAMS.read_text()).programs
        for program in programs:
            members = [p for p in plan.partners if (p.partner_type, p.si_subtype) == (program.partner_type, program.si_subtype)]
            used = {tier_index(p.standing, len(program.tiers)) for p in members}
            assert used == set(range(len(program.tiers))), program.key

    def test_strategic_partners_have_sponsors_on_both_sides(self, plan: DemoPlan) -> None:
        strategic = [p for p in plan.partners if p.is_strategic]
        assert len(strategic) >= 5
        for partner in strategic:
            assert {s.side for s in partner.sponsors} == {SponsorSide.VENDOR, SponsorSide.PARTNER}, partner.display_name
        assert all(not p.sponsors for p in plan.partners if not p.is_strategic)

    def test_names_domains_and_emails_are_unique(self, plan: DemoPlan) -> None:
        assert len({p.display_name for p in plan.partners}) == len(plan.partners)
        assert len({p.domain for p in plan.partners}) == len(plan.partners)
        emails = [person.email for p in plan.partners for person in p.people]
        assert len(set(emails)) == len(emails)
        assert all(person.email.endswith("@" + p.domain) for p in plan.partners for person in p.people)

    def test_every_partner_is_valid_service_input(self, plan: DemoPlan) -> None:
        for p in plan.partners:
            PartnerCreate(
                legal_name=p.legal_name,
                display_name=p.display_name,
                website=p.website,
                partner_type=p.partner_type,
                si_subtype=p.si_subtype,
                hq_country=p.hq_country,
                regions=list(p.regions),
                territories=list(p.territories),
                verticals=list(p.verticals),
                specialties=list(p.specialties),
                consultant_headcount=p.headcount,
                enrolled_on=p.enrolled_on,
                status=p.status,
            )
            for person in p.people:
                PersonCreate(name=person.name, email=person.email, title=person.title, delivery_role=person.delivery_role, country=person.country)
            for sponsor in p.sponsors:
                SponsorCreate(side=sponsor.side, name=sponsor.name, title=sponsor.title, email=sponsor.email)
            assert len(p.people) >= (2 if p.has_partner_user else 1)


class TestDemoLogins:
    def test_the_same_whatever_the_seed(self) -> None:
        assert demo_logins(plan_demo(1, today=TODAY)) == demo_logins(plan_demo(2, today=TODAY))

    def test_vendor_and_showcase_partner_logins(self, plan: DemoPlan) -> None:
        emails = [login.email for login in demo_logins(plan)]
        assert emails == [
            "admin@vendor.example",
            "cam@vendor.example",
            "cam.emea@vendor.example",
            "cam.apac@vendor.example",
            "alliances@vendor.example",
            "ps.lead@vendor.example",
            "cosell@vendor.example",
            "exec@vendor.example",
            "auditor@vendor.example",
            "dana.whitfield@harborbridge.example",
            "marcus.lee@harborbridge.example",
        ]
        assert plan.showcase.display_name == SHOWCASE_NAME
        assert plan.showcase.si_subtype == SISubtype.REGIONAL


class TestTierIndex:
    @pytest.mark.parametrize(("standing", "tiers", "expected"), [(0.0, 4, 0), (0.24, 4, 0), (0.25, 4, 1), (0.99, 4, 3), (0.6, 2, 1), (0.99, 1, 0)])
    def test_maps_standing_onto_the_programs_tiers(self, standing: float, tiers: int, expected: int) -> None:
        assert tier_index(standing, tiers) == expected
