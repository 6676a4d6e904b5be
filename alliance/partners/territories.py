"""A program's sales territories, each a set of customer countries: which territory a customer's
country falls in, and which territory a plan item's free text names. Pure: values in, values out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TerritoryMap:
    by_country: Mapping[str, str]  # "US" → "North America"
    by_key: Mapping[str, str]  # "north america" → "North America"

    @classmethod
    def of(cls, stored: Iterable[Mapping[str, Any]] | None) -> TerritoryMap:
        """From a program's stored territories ([{"name": ..., "countries": [...]}, ...])."""
        by_country: dict[str, str] = {}
        by_key: dict[str, str] = {}
        for territory in stored or ():
            name = str(territory["name"])
            by_key.setdefault(_key(name), name)
            for country in territory.get("countries", ()):
                by_country.setdefault(str(country).upper(), name)
        return cls(by_country=by_country, by_key=by_key)

    def territory_of(self, country: str | None) -> str | None:
        """The territory a customer country lies in (None: outside every territory, or unknown)."""
        return self.by_country.get(country.upper()) if country else None

    def named(self, text: str | None) -> str | None:
        """The program territory a plan item's territory names (case and spacing aside), else None."""
        return self.by_key.get(_key(text)) if text else None


def problems(territories: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """Why a list of territories cannot be a program's: a name twice, or a country in two of them."""
    found: list[dict[str, str]] = []
    names: dict[str, int] = {}
    countries: dict[str, str] = {}
    for index, territory in enumerate(territories):
        name = str(territory["name"])
        if _key(name) in names:
            found.append({"field": f"territories[{index}].name", "message": f"“{name}” is named twice"})
        names.setdefault(_key(name), index)
        for country in territory.get("countries", ()):
            other = countries.setdefault(str(country), name)
            if other != name:
                found.append({"field": f"territories[{index}].countries", "message": f"{country} is already in “{other}”"})
    return found


def dropped(before: Iterable[Mapping[str, Any]], after: Iterable[Mapping[str, Any]]) -> list[str]:
    """The territories of `before` that `after` no longer names (case and spacing aside): deleted
    or renamed."""
    kept = {_key(str(t["name"])) for t in after}
    return [str(t["name"]) for t in before if _key(str(t["name"])) not in kept]


def same_name(one: str, other: str) -> bool:
    return _key(one) == _key(other)


def _key(text: str) -> str:
    return " ".join(text.casefold().split())
