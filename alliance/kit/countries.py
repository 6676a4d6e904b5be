"""Countries as people read them: CLDR's English names (Babel) for the ISO 3166-1 codes that
`kit.types.parse_country` accepts. Codes are stored; names are what pages show and pick from."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import cache

import pycountry
from babel import Locale

from alliance.kit.money import LOCALE
from alliance.kit.types import EXTRA_COUNTRIES


@cache
def _names() -> dict[str, str]:
    cldr = Locale.parse(LOCALE).territories
    iso = {str(c.alpha_2): str(c.name) for c in pycountry.countries}
    return {code: str(cldr.get(code) or iso.get(code) or code) for code in iso.keys() | EXTRA_COUNTRIES}


def country_name(code: str | None) -> str:
    """'DE' → 'Germany'; an unknown code is shown as it is (stored data is never hidden)."""
    if not code:
        return ""
    return _names().get(code.upper(), code)


def country_names(codes: Iterable[str]) -> list[str]:
    """The names of `codes`, in alphabetical order of the name."""
    return sorted((country_name(code) for code in codes), key=_alphabetical)


@cache
def country_choices() -> list[tuple[str, str]]:
    """(code, name) of every country, by name: the options of a country picker."""
    return sorted(_names().items(), key=lambda item: _alphabetical(item[1]))


def _alphabetical(name: str) -> str:
    """Åland Islands among the A's, Côte d’Ivoire among the C's."""
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
