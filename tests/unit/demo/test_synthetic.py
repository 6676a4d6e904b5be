"""Synthetic seed rows: deterministic per seed and position, and valid partner and person data."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from alliance.demo.synthetic import KIND_WEIGHTS, ProgramChoice, SyntheticVendor, attribute_rows
from alliance.partners.schemas import PartnerCreate, PersonCreate
from alliance.partners.vocabulary import AttributeKind, PartnerStatus, SISubtype

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
PROGRAMS = {kind: ProgramChoice(program_id=n, tier_ids=(n * 10 + 1, n * 10 + 2, n * 10 + 3)) for n, (kind, _) in enumerate(KIND_WEIGHTS, start=1)}


def vendor(seed: int = 1) -> SyntheticVendor:
    return SyntheticVendor(seed, programs=PROGRAMS, cam_user_ids=[7, 8], now=NOW)


class TestPartner:
    def test_depends_only_on_seed_and_position(self) -> None:
        in_sequence = [vendor().partner(i) for i in range(10)]
        assert vendor().partner(7) == in_sequence[7]
        assert vendor(2).partner(7).row != in_sequence[7].row

    def test_rows_are_valid_partners_with_their_programs_tier(self) -> None:
        generator = vendor()
        partners = [generator.partner(i) for i in range(300)]
        kinds = Counter((p.row["partner_type"], p.row["si_subtype"]) for p in partners)
        assert len(kinds) == len(KIND_WEIGHTS)
        for p in partners:
            row = p.row
            kind = next(k for k, _ in KIND_WEIGHTS if (k[0].value, k[1].value if k[1] else None) == (row["partner_type"], row["si_subtype"]))
            assert row["program_id"] == PROGRAMS[kind].program_id
            assert row["tier_id"] in PROGRAMS[kind].tier_ids
            if row["status"] == PartnerStatus.PROSPECT:
                assert row["tier_id"] == PROGRAMS[kind].tier_ids[0] and row["enrolled_on"] is None
            attributes = {k: [v for kk, v in p.attributes if kk == k] for k in AttributeKind}
            PartnerCreate(
                legal_name=row["legal_name"],
                display_name=row["display_name"],
                website=row["website"],
                partner_type=row["partner_type"],
                si_subtype=row["si_subtype"],
                hq_country=row["hq_country"],
                consultant_headcount=row["consultant_headcount"],
                enrolled_on=row["enrolled_on"],
                status=row["status"],
                regions=attributes[AttributeKind.REGION],
                territories=attributes[AttributeKind.TERRITORY],
                verticals=attributes[AttributeKind.VERTICAL],
                specialties=attributes[AttributeKind.SPECIALTY],
            )
            assert len(set(p.attributes)) == len(p.attributes)

    def test_gsis_are_global_and_large(self) -> None:
        generator = vendor()
        gsis = [p for p in (generator.partner(i) for i in range(2000)) if p.row["si_subtype"] == SISubtype.GSI.value]
        assert gsis
        for p in gsis:
            assert p.row["consultant_headcount"] >= 10_000
            assert {v for k, v in p.attributes if k == AttributeKind.REGION} == {"NA", "LATAM", "EMEA", "APAC"}


class TestPeople:
    @pytest.mark.parametrize("count", [0, 1, 25])
    def test_count_unique_emails_and_valid_rows(self, count: int) -> None:
        generator = vendor()
        partner = generator.partner(3)
        people = list(generator.people(partner, 99, count))
        assert len(people) == count
        assert len({p["email"] for p in people}) == count
        for person in people:
            assert person["partner_id"] == 99 and person["email"].endswith("@" + partner.domain)
            PersonCreate(**{k: person[k] for k in ("name", "email", "title", "delivery_role", "country")})

    def test_deterministic(self) -> None:
        a, b = vendor(), vendor()
        assert list(a.people(a.partner(5), 1, 10)) == list(b.people(b.partner(5), 1, 10))


def test_attribute_rows_carry_the_partner_id() -> None:
    partner = vendor().partner(0)
    rows = list(attribute_rows(partner, 42))
    assert rows and all(r["partner_id"] == 42 for r in rows)
