"""Closed vocabularies of the customer domain: ownership, employee bands, ISO country codes."""

from __future__ import annotations

from enum import StrEnum


class Ownership(StrEnum):
    OPEN = "open"
    SI_PROTECTED = "si_protected"
    VENDOR_DIRECT = "vendor_direct"


class EmployeeBand(StrEnum):
    """Headcount bands as CRMs export them (Salesforce/HubSpot style ranges)."""

    B1_10 = "1-10"
    B11_50 = "11-50"
    B51_200 = "51-200"
    B201_500 = "201-500"
    B501_1000 = "501-1000"
    B1001_5000 = "1001-5000"
    B5001_10000 = "5001-10000"
    B10001_PLUS = "10001+"


_BANDS = {band.value: band for band in EmployeeBand}


def parse_employee_band(value: str) -> EmployeeBand:
    """'10,001+' and ' 51 - 200 ' are the same band as '10001+' and '51-200'."""
    band = _BANDS.get(value)
    if band is None:
        band = EmployeeBand(value.replace(",", "").replace(" ", "").replace("–", "-"))
    return band


# ISO 3166-1 alpha-2, plus XK (Kosovo), which CRMs use although it is user-assigned.
COUNTRY_CODES = frozenset(
    """
    AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ
    CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
    GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO
    JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR
    MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO
    RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV
    TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW
    """.split()
)
# What people type instead of the ISO code.
COUNTRY_ALIASES = {"UK": "GB"}


def parse_country(value: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-cased; ValueError for anything else."""
    code = value.strip().upper()
    if code in COUNTRY_CODES:
        return code
    code = COUNTRY_ALIASES.get(code, code)
    if code not in COUNTRY_CODES:
        raise ValueError(f"'{value.strip()}' is not an ISO 3166-1 alpha-2 country code")
    return code
