"""The pure attribution rules: shares, splits to the cent, and who gets which credit."""

from __future__ import annotations

from decimal import Decimal

import pytest

from alliance.errors import RuleViolation
from alliance.partners.vocabulary import CreditSplit, RegistrationKind
from alliance.registrations.attribution import (
    PartnerOfRecord,
    close_credits,
    influence_credits,
    share_of,
    split_evenly,
)


def d(text: str) -> Decimal:
    return Decimal(text)


class TestSplitEvenly:
    @pytest.mark.parametrize(
        ("total", "parts", "expected"),
        [
            ("100.00", 3, ["33.34", "33.33", "33.33"]),
            ("0.02", 3, ["0.02", "0.00", "0.00"]),
            ("10", 1, ["10.00"]),
            ("-100.00", 3, ["-33.34", "-33.33", "-33.33"]),
            ("0", 4, ["0.00", "0.00", "0.00", "0.00"]),
        ],
    )
    def test_remainder_goes_to_the_first(self, total, parts, expected):
        shares = split_evenly(d(total), parts)
        assert shares == [d(x) for x in expected]
        assert sum(shares) == d(total).quantize(d("0.01"))

    @pytest.mark.parametrize("parts", range(1, 40))
    def test_always_sums_exactly(self, parts):
        assert sum(split_evenly(d("98765.43"), parts)) == d("98765.43")

    def test_needs_a_part(self):
        with pytest.raises(ValueError):
            split_evenly(d("1"), 0)


class TestShareOf:
    @pytest.mark.parametrize(
        ("amount", "percent", "expected"), [("100.01", "50", "50.01"), ("1000", "12.5", "125.00"), ("0.01", "50", "0.01"), ("99.99", "0", "0.00")]
    )
    def test_rounds_half_up_to_the_cent(self, amount, percent, expected):
        assert share_of(d(amount), d(percent)) == d(expected)


def close(kind=RegistrationKind.DEAL, *, transacting=None, vendor=False, booked="1000", of_record=()):  # type: ignore[no-untyped-def]
    return close_credits(
        kind=kind,
        registration_id=10,
        registrant_id=1,
        transacting_partner_id=transacting,
        vendor_transacted=vendor,
        booked_amount=d(booked),
        partners_of_record=list(of_record),
    )


def summary(credits):  # type: ignore[no-untyped-def]
    return [(c.credit_type.value, c.partner_id, c.registration_id, c.amount, c.share_percent) for c in credits]


class TestCloseCredits:
    def test_deal_credits_the_registrant_by_default(self):
        assert summary(close()) == [("direct", 1, 10, d("1000.00"), d("100"))]

    def test_deal_credits_the_transacting_partner(self):
        assert summary(close(transacting=2))[0][:2] == ("direct", 2)

    def test_vendor_transacted_deal(self):
        assert summary(close(vendor=True)) == [("vendor_direct", None, 10, d("1000.00"), d("100"))]

    def test_vendor_and_partner_at_once_is_refused(self):
        with pytest.raises(RuleViolation):
            close(vendor=True, transacting=2)

    def test_project_credits_services_to_the_registrant(self):
        assert summary(close(RegistrationKind.PROJECT, transacting=2)) == [("services", 1, 10, d("1000.00"), d("100"))]

    def test_influence_registration_does_not_close(self):
        with pytest.raises(RuleViolation) as error:
            close(RegistrationKind.INFLUENCE)
        assert error.value.details[0]["field"] == "kind"

    @pytest.mark.parametrize("booked", ["-0.01", "1.001", "Infinity"])
    def test_bad_booked_amount(self, booked):
        with pytest.raises(RuleViolation):
            close(booked=booked)

    def test_full_rule_gives_each_partner_of_record_the_share(self):
        of_record = [PartnerOfRecord(3, 30, "si", d("100"), CreditSplit.FULL), PartnerOfRecord(4, 40, "si", d("100"), CreditSplit.FULL)]
        assert summary(close(transacting=2, of_record=of_record))[1:] == [
            ("influence", 3, 30, d("1000.00"), d("100")),
            ("influence", 4, 40, d("1000.00"), d("100")),
        ]

    def test_equal_rule_shares_the_pool_in_registration_order(self):
        of_record = [PartnerOfRecord(p, p * 10, "gsi", d("100"), CreditSplit.EQUAL) for p in (5, 3, 4)]
        influence = summary(close(transacting=2, booked="100", of_record=of_record))[1:]
        assert [(c[1], c[3], c[4]) for c in influence] == [(5, d("33.34"), d("33.33")), (3, d("33.33"), d("33.33")), (4, d("33.33"), d("33.33"))]

    def test_equal_with_a_single_partner_is_the_whole_share(self):
        of_record = [PartnerOfRecord(3, 30, "gsi", d("60"), CreditSplit.EQUAL)]
        assert summary(close(booked="10", of_record=of_record))[1][3:] == (d("6.00"), d("60"))

    def test_programs_apply_their_own_rules(self):
        of_record = [
            PartnerOfRecord(3, 30, "gsi", d("50"), CreditSplit.EQUAL),
            PartnerOfRecord(4, 40, "regional", d("100"), CreditSplit.FULL),
            PartnerOfRecord(5, 50, "gsi", d("50"), CreditSplit.EQUAL),
        ]
        influence = {c.partner_id: c.amount for c in close(transacting=2, booked="999.99", of_record=of_record)[1:]}
        # gsi pool: 50 % of 999.99 = 499.995 -> 500.00, shared by 3 and 5.
        assert influence == {3: d("250.00"), 4: d("999.99"), 5: d("250.00")}

    def test_the_direct_partner_gets_no_influence_on_its_own_close(self):
        of_record = [PartnerOfRecord(1, 11, "si"), PartnerOfRecord(3, 30, "si")]
        assert [c.partner_id for c in close(of_record=of_record)] == [1, 3]

    def test_a_partner_of_record_counts_once(self):
        of_record = [PartnerOfRecord(3, 30, "si"), PartnerOfRecord(3, 31, "si")]
        assert [(c.partner_id, c.registration_id) for c in close(transacting=2, of_record=of_record)[1:]] == [(3, 30)]

    def test_vendor_direct_close_still_credits_influence(self):
        assert [c.credit_type.value for c in close(vendor=True, of_record=[PartnerOfRecord(1, 11, "si")])] == ["vendor_direct", "influence"]

    def test_zero_percent_records_a_zero_line(self):
        assert influence_credits(d("100"), [PartnerOfRecord(3, 30, "msp", d("0"), CreditSplit.FULL)])[0].amount == d("0.00")

    def test_rules_are_explained_in_words(self):
        (credit,) = influence_credits(d("100"), [PartnerOfRecord(3, 30, None)])
        assert "no program" in credit.rule and "100%" in credit.rule
