"""Closed vocabularies of the customer domain: ownership, employee bands (countries: alliance.kit.types)."""

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
