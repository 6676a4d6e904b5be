"""Currency codes and the one money formatter."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import TypeAdapter, ValidationError

from alliance.kit.money import Currency, format_money, is_currency

CURRENCY = TypeAdapter(Currency)


class TestCurrency:
    @pytest.mark.parametrize(("given", "stored"), [("USD", "USD"), ("eur", "EUR"), (" jpy ", "JPY"), ("CHF", "CHF")])
    def test_iso_codes_pass_upper_cased(self, given, stored):
        assert CURRENCY.validate_python(given) == stored

    @pytest.mark.parametrize("given", ["XYZ", "ABC", "US", "EURO", "", "12$"])
    def test_made_up_codes_fail(self, given):
        with pytest.raises(ValidationError):
            CURRENCY.validate_python(given)

    def test_unknown_code_says_why(self):
        with pytest.raises(ValidationError, match="XYZ is not an ISO 4217 currency code"):
            CURRENCY.validate_python("XYZ")

    def test_is_currency(self):
        assert is_currency("JPY") and not is_currency("XYZ")


class TestFormatMoney:
    @pytest.mark.parametrize(
        ("amount", "currency", "text"),
        [
            ("1234567.5", "USD", "$1,234,567.50"),
            ("1234567.5", "EUR", "€1,234,567.50"),
            ("100000", "JPY", "¥100,000"),  # no minor unit
            ("10", "CAD", "CA$10.00"),
            ("-25", "GBP", "-£25.00"),
        ],
    )
    def test_full(self, amount, currency, text):
        assert format_money(Decimal(amount), currency) == text

    @pytest.mark.parametrize(
        ("amount", "currency", "text"),
        [
            ("1000000", "USD", "$1M"),
            ("1250000", "EUR", "€1.2M"),
            ("850000", "JPY", "¥850K"),
            ("1500", "USD", "$1.5K"),
            ("500", "USD", "$500"),
            ("0", "EUR", "€0"),
        ],
    )
    def test_compact(self, amount, currency, text):
        assert format_money(Decimal(amount), currency, compact=True) == text

    def test_other_locale(self):
        assert format_money(Decimal("1234.5"), "EUR", locale="de_DE").replace("\xa0", " ") == "1.234,50 €"

    def test_none_is_a_dash(self):
        assert format_money(None, "USD") == "—"
