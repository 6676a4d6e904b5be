"""A program's territories: a customer's country placed in one, an item's text naming one, and the
lists refused (a name twice, a country in two territories)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alliance.partners.schemas import ProgramUpdate
from alliance.partners.territories import TerritoryMap, dropped, problems, same_name

STORED = [{"name": "North America", "countries": ["US", "CA"]}, {"name": "DACH", "countries": ["DE", "AT", "CH"]}]


def test_countries_and_item_texts_find_their_territory() -> None:
    found = TerritoryMap.of(STORED)
    assert (found.territory_of("us"), found.territory_of("AT"), found.territory_of("FR"), found.territory_of(None)) == ("North America", "DACH", None, None)
    assert (found.named(" north  america "), found.named("Dach"), found.named("Global"), found.named(None)) == ("North America", "DACH", None, None)
    assert TerritoryMap.of(None).named("West") is None


def test_a_name_twice_or_a_country_in_two_territories_is_refused() -> None:
    assert problems(STORED) == []
    assert [p["field"] for p in problems([*STORED, {"name": "dach", "countries": ["FR"]}, {"name": "Iberia", "countries": ["US"]}])] == [
        "territories[2].name",
        "territories[3].countries",
    ]
    with pytest.raises(ValidationError, match="US is already in “North America”"):
        ProgramUpdate.model_validate({"territories": [*STORED, {"name": "Americas", "countries": ["us"]}]})
    with pytest.raises(ValidationError, match="two-letter country code"):
        ProgramUpdate.model_validate({"territories": [{"name": "Nowhere", "countries": ["Atlantis"]}]})


def test_dropped_names_the_territories_deleted_or_renamed() -> None:
    assert dropped(STORED, [{"name": "north america", "countries": ["US"]}, {"name": "DACH", "countries": ["DE"]}]) == []
    assert dropped(STORED, [{"name": "Americas", "countries": ["US"]}]) == ["North America", "DACH"]
    assert same_name(" North  America", "north america") and not same_name("West", "Western")
