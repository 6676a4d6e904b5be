"""Countries partners are headquartered in: their region, sales territories, company-name flavour."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Country:
    code: str
    region: str  # one of partners.vocabulary.REGIONS
    locale: str  # key into names.LOCALES
    territories: tuple[str, ...]
    legal_suffixes: tuple[str, ...]
    place_words: tuple[str, ...]  # evocative local words that regional firms name themselves after


COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "US",
            "NA",
            "en_us",
            ("US-West", "US-Central", "US-East", "US-Southeast", "US-Northeast", "US-Federal"),
            ("LLC", "Inc."),
            (
                "Cascade",
                "Lakeshore",
                "Blue Ridge",
                "Prairie",
                "Granite",
                "Keystone",
                "Bayside",
                "Redwood",
                "Summit",
                "Harborview",
                "Ironwood",
                "Sierra",
                "Chesapeake",
                "Mesa",
                "Great Lakes",
                "Piedmont",
            ),
        ),
        Country(
            "CA",
            "NA",
            "en_us",
            ("Canada-West", "Canada-Ontario", "Canada-Quebec", "Canada-Atlantic"),
            ("Inc.", "Ltd."),
            ("Maple", "Laurentian", "Fraser", "Algonquin", "Northshore", "Cabot", "Rideau", "Boreal"),
        ),
        Country(
            "BR",
            "LATAM",
            "pt_br",
            ("Brazil-Southeast", "Brazil-South", "Brazil-Northeast"),
            ("Ltda.", "S.A."),
            ("Paulista", "Guanabara", "Ipiranga", "Serra Azul", "Cerrado", "Atlântica", "Tietê", "Pampa"),
        ),
        Country(
            "MX",
            "LATAM",
            "es",
            ("Mexico-Central", "Mexico-North", "Mexico-Bajío"),
            ("S.A. de C.V.", "S. de R.L. de C.V."),
            ("Anáhuac", "Sierra Madre", "Bajío", "Pacífico", "Cenote", "Obsidiana"),
        ),
        Country(
            "AR",
            "LATAM",
            "es",
            ("Argentina", "Southern Cone"),
            ("S.A.", "S.R.L."),
            ("Andina", "Río de la Plata", "Patagonia", "Pampa Sur"),
        ),
        Country(
            "CO",
            "LATAM",
            "es",
            ("Colombia", "Andean"),
            ("S.A.S.",),
            ("Cordillera", "Caribe", "Magdalena", "Antioquia"),
        ),
        Country(
            "CL",
            "LATAM",
            "es",
            ("Chile", "Southern Cone"),
            ("SpA", "Ltda."),
            ("Atacama", "Aconcagua", "Austral", "Valle Central"),
        ),
        Country(
            "GB",
            "EMEA",
            "en_gb",
            ("UK & Ireland", "UK-North", "UK-South", "UK-Public Sector"),
            ("Ltd", "plc"),
            ("Thames", "Pennine", "Albion", "Severn", "Calder", "Chiltern", "Mersey", "Cotswold", "Tyne", "Wessex"),
        ),
        Country(
            "IE",
            "EMEA",
            "en_gb",
            ("UK & Ireland",),
            ("Ltd", "DAC"),
            ("Liffey", "Shannon", "Wicklow", "Emerald"),
        ),
        Country(
            "DE",
            "EMEA",
            "de",
            ("DACH", "Germany-North", "Germany-South", "Germany-West"),
            ("GmbH", "AG", "GmbH & Co. KG"),
            ("Elbtal", "Rheinwerk", "Isar", "Nordlicht", "Spree", "Main", "Schwarzwald", "Hanse", "Weser", "Alster"),
        ),
        Country(
            "CH",
            "EMEA",
            "de",
            ("DACH", "Switzerland"),
            ("AG", "GmbH"),
            ("Alpen", "Jura", "Limmat", "Matterhorn"),
        ),
        Country(
            "FR",
            "EMEA",
            "fr",
            ("France", "France-Public Sector"),
            ("SAS", "SA"),
            ("Seine", "Lumière", "Azur", "Rhône", "Loire", "Mistral", "Vauban", "Garonne"),
        ),
        Country(
            "NL",
            "EMEA",
            "nl",
            ("Benelux",),
            ("B.V.", "N.V."),
            ("Delta", "Oranje", "Polder", "Zuiderzee", "Amstel", "Waal"),
        ),
        Country(
            "SE",
            "EMEA",
            "nordic",
            ("Nordics",),
            ("AB",),
            ("Norrsken", "Vasa", "Fjäll", "Skärgård", "Mälaren", "Kungsholm"),
        ),
        Country(
            "DK",
            "EMEA",
            "nordic",
            ("Nordics",),
            ("ApS", "A/S"),
            ("Øresund", "Kattegat", "Nyhavn", "Jylland"),
        ),
        Country(
            "ES",
            "EMEA",
            "es",
            ("Iberia",),
            ("S.L.", "S.A."),
            ("Meseta", "Levante", "Cantábrico", "Guadalquivir", "Sierra Nevada", "Ebro"),
        ),
        Country(
            "IT",
            "EMEA",
            "it",
            ("Italy",),
            ("S.r.l.", "S.p.A."),
            ("Adriatica", "Dolomiti", "Tirrenia", "Appennino", "Laguna", "Brera"),
        ),
        Country(
            "PL",
            "EMEA",
            "pl",
            ("CEE", "Poland"),
            ("Sp. z o.o.", "S.A."),
            ("Wisła", "Bałtyk", "Tatry", "Mazowsze", "Odra"),
        ),
        Country(
            "AE",
            "EMEA",
            "ar",
            ("Middle East", "GCC"),
            ("FZ-LLC", "LLC"),
            ("Falcon", "Oasis", "Gulf", "Dhow", "Crescent"),
        ),
        Country(
            "ZA",
            "EMEA",
            "en_gb",
            ("Southern Africa", "Sub-Saharan Africa"),
            ("(Pty) Ltd",),
            ("Table Bay", "Highveld", "Karoo", "Drakensberg", "Protea"),
        ),
        Country(
            "IN",
            "APAC",
            "in",
            ("India-South", "India-West", "India-North"),
            ("Pvt Ltd", "Ltd"),
            ("Deccan", "Kaveri", "Indus", "Malabar", "Konkan", "Narmada", "Vindhya"),
        ),
        Country(
            "JP",
            "APAC",
            "jp",
            ("Japan",),
            ("K.K.", "Co., Ltd."),
            ("Sakura", "Kanto", "Fuji", "Kansai", "Setouchi", "Hokuriku"),
        ),
        Country(
            "AU",
            "APAC",
            "en_gb",
            ("ANZ", "Australia-East", "Australia-West"),
            ("Pty Ltd",),
            ("Southern Cross", "Coral", "Eucalypt", "Harbourside", "Outback", "Murray"),
        ),
        Country(
            "NZ",
            "APAC",
            "en_gb",
            ("ANZ",),
            ("Ltd",),
            ("Kauri", "Tasman", "Aoraki", "Waitematā"),
        ),
        Country(
            "SG",
            "APAC",
            "sg",
            ("ASEAN", "Singapore"),
            ("Pte. Ltd.",),
            ("Merlion", "Straits", "Lion City", "Temasek", "Raffles"),
        ),
        Country(
            "KR",
            "APAC",
            "kr",
            ("Korea",),
            ("Co., Ltd.",),
            ("Hangang", "Baekdu", "Jeju", "Namsan"),
        ),
    )
}

# Where regional firms are usually based, weighted towards larger partner markets.
REGIONAL_HQ_WEIGHTS: dict[str, int] = {
    "US": 10,
    "CA": 3,
    "BR": 3,
    "MX": 2,
    "AR": 1,
    "CO": 1,
    "CL": 1,
    "GB": 5,
    "IE": 1,
    "DE": 5,
    "CH": 1,
    "FR": 4,
    "NL": 2,
    "SE": 2,
    "DK": 1,
    "ES": 2,
    "IT": 2,
    "PL": 2,
    "AE": 1,
    "ZA": 1,
    "IN": 4,
    "JP": 3,
    "AU": 3,
    "NZ": 1,
    "SG": 2,
    "KR": 1,
}

ALL_REGIONS = ("NA", "LATAM", "EMEA", "APAC")


def countries_in(region: str) -> list[Country]:
    return [c for c in COUNTRIES.values() if c.region == region]
