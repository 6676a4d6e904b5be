from __future__ import annotations

import pytest
from pydantic import ValidationError

from alliance.customers.records import RecordError, derive, parse_row
from alliance.customers.schemas import CustomerCreate
from alliance.customers.vocabulary import parse_employee_band
from alliance.kit.schemas import field_errors
from alliance.kit.types import parse_country

GOOD = {"external_id": " C-1 ", "name": "Acme Analytics, Inc.", "website": "www.acme.com", "country": "us", "industry": "Software", "employee_band": "10,001+"}


def test_good_row_is_cleaned():
    record = parse_row(GOOD)
    assert (record.external_id, record.country, record.employee_band, record.industry) == ("C-1", "US", "10001+", "Software")


def test_empty_optional_fields_are_none():
    record = parse_row({**GOOD, "website": " ", "country": "", "industry": "", "employee_band": ""})
    assert (record.website, record.country, record.industry, record.employee_band) == (None, None, None, None)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("external_id", "", "required"),
        ("name", "  ", "required"),
        ("website", "not a site", "is not a web address"),
        ("country", "XX", "ISO 3166"),
        ("country", "ZZ", "ISO 3166"),
        ("employee_band", "lots", "'1-10'"),
        ("name", "x" * 201, "at most 200 characters"),
        ("external_id", "x" * 65, "at most 64 characters"),
        ("name", "!!!", "at least one letter or digit"),
    ],
)
def test_bad_field_is_named(field, value, message):
    with pytest.raises(RecordError) as caught:
        parse_row({**GOOD, field: value})
    assert caught.value.field == field and message in caught.value.message


def test_name_without_letters_is_refused_when_derived():
    with pytest.raises(RecordError, match="letter or digit"):
        derive("!!!", None)


def test_derived_columns():
    derived = derive("The Acme Analytics Co.", "https://www.acme.com/x")
    assert derived.columns() == {
        "name_key": "acme analytics",
        "name_compact": "acmeanalytics",
        "name_reversed": "scitylanaemca",
        "name_len": 13,
        "domain": "acme.com",
    }
    assert [key for key in derived.keys if not key.startswith("d:")] == ["t:acme", "t:analytics", "p:acme|analytics", "s:acmeanalytics"]


def test_country_and_band_vocabularies():
    assert parse_country(" uk ") == "GB"
    with pytest.raises(ValueError):
        parse_country("ZZ")
    assert parse_employee_band("51 - 200").value == "51-200"


@pytest.mark.parametrize(("field", "value"), [("country", "ZZ"), ("website", "co.uk"), ("name", "!!!"), ("employee_band", "lots")])
def test_import_and_api_word_a_bad_field_alike(field, value):
    """A CSV row goes through the API's schema: same field name, same message as the 422 detail."""
    with pytest.raises(ValidationError) as api:
        CustomerCreate.model_validate({"name": "Acme", field: value})
    with pytest.raises(RecordError) as imported:
        parse_row({**GOOD, field: value})
    assert (imported.value.field, imported.value.message) == field_errors(api.value)[0]
