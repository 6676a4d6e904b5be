"""Registration input per kind, without a database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from pydantic import ValidationError

from alliance.registrations.schemas import KIND_FIELDS, REGISTRATION_CREATE, RegistrationUpdate, close_date_of, details_of

FUTURE = (date.today() + timedelta(days=30)).isoformat()
BASE = {"title": "T", "customer": {"name": "Acme"}, "product_lines": ["analytics", "analytics", "ml-studio"]}
DEAL = {**BASE, "kind": "deal", "amount": "100", "expected_close_on": FUTURE}
PROJECT = {
    **BASE,
    "kind": "project",
    "project_name": "P",
    "scope_description": "S",
    "amount": "5",
    "phases": [{"name": "A", "starts_on": "2030-01-01", "ends_on": "2030-01-01"}],
    "delivery_starts_on": "2030-01-01",
    "delivery_ends_on": "2030-06-30",
}
INFLUENCE = {
    **BASE,
    "kind": "influence",
    "architecture_decision": "A",
    "registrant_role": "evaluator",
    "decision_expected_on": "2030-02-01",
    "evidence": [{"kind": "meeting", "on": "2026-01-01", "description": "Workshop"}],
}


def errors(body: dict) -> set[tuple[str, ...]]:  # type: ignore[type-arg]
    with pytest.raises(ValidationError) as caught:
        REGISTRATION_CREATE.validate_python(body)
    return {tuple(str(p) for p in e["loc"][1:]) for e in caught.value.errors()}


def test_deal_defaults_and_columns():
    deal = REGISTRATION_CREATE.validate_python(DEAL)
    # No currency given: the service fills in the partner's program currency.
    assert (deal.currency, deal.stage, deal.product_lines, deal.submit) == (None, "qualifying", ["analytics", "ml-studio"], False)
    assert close_date_of(deal).isoformat() == FUTURE
    assert details_of(deal) == {"expected_close_on": FUTURE, "stage": "qualifying"}


def test_project_details_are_json_ready():
    project = REGISTRATION_CREATE.validate_python(PROJECT)
    assert close_date_of(project) == date(2030, 6, 30)
    assert details_of(project)["phases"] == [{"name": "A", "starts_on": "2030-01-01", "ends_on": "2030-01-01"}]
    assert "amount" not in details_of(project) and "customer" not in details_of(project)


def test_influence_amount_is_optional():
    influence = REGISTRATION_CREATE.validate_python(INFLUENCE)
    assert influence.amount is None and close_date_of(influence) == date(2030, 2, 1)


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({**DEAL, "amount": None}, ("amount",)),
        ({**DEAL, "expected_close_on": "2000-01-01"}, ("expected_close_on",)),
        ({**DEAL, "currency": "US"}, ("currency",)),
        ({**DEAL, "currency": "XYZ"}, ("currency",)),
        ({**DEAL, "product_lines": ["x"] * 0}, ("product_lines",)),
        ({**DEAL, "product_lines": [f"line-{i}" for i in range(21)]}, ("product_lines",)),
        ({**DEAL, "customer": {"website": "acme.com"}}, ("customer",)),
        ({**DEAL, "extra": 1}, ("extra",)),
        ({**PROJECT, "delivery_ends_on": "2029-12-31"}, ("delivery_ends_on",)),
        ({**PROJECT, "phases": [{"name": "A", "starts_on": "2030-02-01", "ends_on": "2030-01-01"}]}, ("phases", "0", "ends_on")),
        ({**INFLUENCE, "evidence": []}, ("evidence",)),
        ({**INFLUENCE, "amount": "0"}, ("amount",)),
    ],
)
def test_bad_input_names_the_field(body, location):
    assert location in errors(body)


def test_currency_is_upper_cased():
    assert REGISTRATION_CREATE.validate_python({**DEAL, "currency": "eur"}).currency == "EUR"


def test_update_fields_cover_every_kind():
    every = set().union(*KIND_FIELDS.values()) - {"kind"}
    assert every == set(RegistrationUpdate.model_fields)
