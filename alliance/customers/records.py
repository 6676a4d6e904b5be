"""A customer's own fields, checked once, and the columns and name keys derived from them.

The API (through schemas), the CSV import and the seed all produce a CustomerRecord, so a
customer is stored the same way whichever door it came in by. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from alliance.customers.matching import blocking_keys
from alliance.customers.names import NormalizedName, normalize_name
from alliance.customers.vocabulary import EmployeeBand, parse_country, parse_employee_band
from alliance.customers.websites import matching_domain, registrable_domain

# Column sizes (models.Customer).
MAX_EXTERNAL_ID = 64
MAX_NAME = 200
MAX_WEBSITE = 300
MAX_INDUSTRY = 100

# What an import may set, besides external_id (the key).
IMPORT_FIELDS = ("name", "website", "country", "industry", "employee_band")
REQUIRED_COLUMNS = ("external_id", "name", "website", "country")
OPTIONAL_COLUMNS = ("industry", "employee_band")


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def check_website(value: str) -> str:
    if registrable_domain(value) is None:
        raise ValueError("is not a web address (e.g. acme.com or https://www.acme.com/)")
    return value


def check_name(value: str) -> str:
    if not normalize_name(value).tokens:
        raise ValueError("needs at least one letter or digit")
    return value


class CustomerRecord(NamedTuple):
    external_id: str | None
    name: str
    website: str | None = None
    country: str | None = None
    industry: str | None = None
    employee_band: str | None = None

    def field_values(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in IMPORT_FIELDS}


class Derived(NamedTuple):
    """What the name and website give: the stored matching columns and the name's blocking keys."""

    name_key: str
    name_compact: str
    name_reversed: str
    name_len: int
    domain: str | None
    keys: list[str]

    def columns(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in DERIVED_COLUMNS}


DERIVED_COLUMNS = ("name_key", "name_compact", "name_reversed", "name_len", "domain")


def derive(name: str, website: str | None) -> Derived:
    normalized = normalize_name(name)
    if not normalized.tokens:
        raise RecordError("name", "needs at least one letter or digit")
    # The column's size: only absurdly long names (abbreviations expanded) lose their end.
    key, compact = normalized.key[:200], normalized.compact[:200]
    return Derived(key, compact, compact[::-1], len(compact), matching_domain(website), blocking_keys(normalized))


def keys_of_stored(name_key: str) -> list[str]:
    """The blocking keys a stored customer has, from its stored normalized name."""
    return blocking_keys(NormalizedName.from_key(name_key))


def parse_row(raw: Mapping[str, str]) -> CustomerRecord:
    """A CSV row (column -> text) as a record; RecordError names the first bad field."""
    external_id = _text(raw, "external_id", MAX_EXTERNAL_ID)
    if external_id is None:
        raise RecordError("external_id", "is required")
    name = _text(raw, "name", MAX_NAME)
    if name is None:
        raise RecordError("name", "is required")
    website = _text(raw, "website", MAX_WEBSITE)
    if website is not None and registrable_domain(website) is None:
        raise RecordError("website", f"'{website}' is not a web address")
    country = _text(raw, "country", 20)
    if country is not None:
        try:
            country = parse_country(country)
        except ValueError as exc:
            raise RecordError("country", str(exc)) from None
    band = _text(raw, "employee_band", 20)
    if band is not None:
        try:
            band = parse_employee_band(band).value
        except ValueError:
            raise RecordError("employee_band", f"'{band}' is not one of {', '.join(EmployeeBand)}") from None
    industry = _text(raw, "industry", MAX_INDUSTRY)
    return CustomerRecord(external_id, name, website, country, industry, band)


def _text(raw: Mapping[str, str], field: str, limit: int) -> str | None:
    value = raw.get(field)
    if not value:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > limit:
        raise RecordError(field, f"is longer than {limit} characters")
    return value
