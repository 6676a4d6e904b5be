"""Money: ISO 4217 currency codes checked against CLDR's list, and the one way amounts are printed.

Amounts are `Decimal` in a known currency; nothing here converts between currencies, so a sum of
amounts is only meaningful per currency (callers group by it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from babel.numbers import format_compact_currency, format_currency, list_currencies
from pydantic import AfterValidator, Field, StringConstraints

DEFAULT_CURRENCY = "USD"
# Pages and words are in English today; one place to change when they are not.
LOCALE = "en_US"
# CLDR's currencies (Babel), including historic ones so stored amounts in them stay printable.
CURRENCIES = frozenset(list_currencies())


def is_currency(code: str) -> bool:
    return code in CURRENCIES


def _known(code: str) -> str:
    if not is_currency(code):
        raise ValueError(f"{code} is not an ISO 4217 currency code")
    return code


Currency = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, pattern=r"^[A-Za-z]{3}$"),
    AfterValidator(_known),
    Field(description="ISO 4217 currency code, e.g. USD, EUR, JPY"),
]


def format_money(amount: Decimal | int | None, currency: str, *, compact: bool = False, locale: str = LOCALE) -> str:
    """'€1,250,000.00', or compact for sentences and gauges: '€1.3M', '¥850K', '$500'.

    Full form uses the currency's own minor units (JPY has none); compact keeps one decimal."""
    if amount is None:
        return "—"
    value = Decimal(amount)
    if compact:
        return format_compact_currency(value, currency, locale=locale, fraction_digits=1)
    return format_currency(value, currency, locale=locale)
