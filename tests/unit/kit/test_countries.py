"""Countries by name: CLDR's English names for the codes the country type accepts, in the
order people look for them."""

from __future__ import annotations

from alliance.kit.countries import country_choices, country_name, country_names
from alliance.kit.types import parse_country


def test_names_for_codes_and_codes_shown_as_they_are() -> None:
    assert (country_name("DE"), country_name("gb"), country_name("XK"), country_name("ZZ"), country_name(None)) == (
        "Germany",
        "United Kingdom",
        "Kosovo",
        "ZZ",
        "",
    )
    assert country_names(["US", "AT", "DE"]) == ["Austria", "Germany", "United States"]


def test_every_choice_is_a_country_the_type_accepts_in_alphabetical_order() -> None:
    choices = country_choices()
    assert len(choices) >= 249 and all(parse_country(code) == code for code, _ in choices)
    names = [name for _, name in choices]
    assert names.index("Åland Islands") < names.index("Albania") < names.index("Côte d’Ivoire") < names.index("Croatia")
