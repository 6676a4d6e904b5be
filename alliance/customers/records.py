"""A customer's own fields, checked once, and the columns and name keys derived from them.

The API (through schemas), the CSV import and the seed all produce a CustomerRecord, so a
customer is stored the same way whichever door it came in by. Pure: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from pydantic import ValidationError

from alliance.customers.matching import blocking_keys
from alliance.customers.names import NormalizedName, normalize_name
from alliance.customers.schemas import CustomerRow
from alliance.customers.websites import matching_domain
from alliance.kit.schemas import field_errors

# What an import may set, besides external_id (the key).
IMPORT_FIELDS = ("name", "website", "country", "industry", "employee_band")
REQUIRED_COLUMNS = ("external_id", "name", "website", "country")
OPTIONAL_COLUMNS = ("industry", "employee_band")
_COLUMNS = ("external_id", *IMPORT_FIELDS)


class RecordError(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


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
    """A CSV row (column -> text) as a record, checked by the API's schema (CustomerRow); an empty
    cell is a missing value. RecordError names the first bad field as the API's 422 does."""
    values = {}
    for column in _COLUMNS:
        text = raw.get(column)
        if text and (text := text.strip()):
            values[column] = text
    try:
        row = CustomerRow.model_validate(values)
    except ValidationError as exc:
        field, message = field_errors(exc)[0]
        raise RecordError(field, message) from None
    band = row.employee_band.value if row.employee_band is not None else None
    return CustomerRecord(row.external_id, row.name, row.website, row.country, row.industry, band)
