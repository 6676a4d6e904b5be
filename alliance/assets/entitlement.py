"""Who may open an asset, decided from data: the partner types (and SI subtypes) it is for, a
minimum tier, and a certification held by the person opening it or by N people of the partner.
What is missing is said in words with the way to unlock it. Pure: the repository reads every
asset's requirement and the partner's standing in one statement; this module words the rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alliance.assets.vocabulary import CertificationHolder
from alliance.partners.vocabulary import SUBTYPE_LABELS, PartnerType, SISubtype

TYPE_PLURALS = {
    PartnerType.SYSTEMS_INTEGRATOR: "systems integrators",
    PartnerType.RESELLER: "resellers",
    PartnerType.MSP: "MSPs",
    PartnerType.DISTRIBUTOR: "distributors",
}


class LockDimension(StrEnum):
    PARTNER_TYPE = "partner_type"
    TIER = "tier"
    CERTIFICATION = "certification"
    EARLY_ACCESS = "early_access"


@dataclass(frozen=True)
class Requirement:
    """An asset's entitlement rule (empty lists: every partner type / subtype)."""

    partner_types: tuple[PartnerType, ...] = ()
    si_subtypes: tuple[SISubtype, ...] = ()
    minimum_tier_rank: int | None = None
    minimum_tier_name: str | None = None  # the name of that rank in the reader's program
    track_name: str | None = None  # the certification required, in words ("solution architect for Data Platform 9")
    holder: CertificationHolder = CertificationHolder.PERSON
    holders_needed: int = 1
    early_access_program: str | None = None  # a pre-release asset: the program's name ("Data Platform 10")


@dataclass(frozen=True)
class Standing:
    """Where the partner (and the person reading) stands against a requirement."""

    partner_type: PartnerType
    si_subtype: SISubtype | None
    tier_rank: int | None
    tier_name: str | None
    certified_holders: int = 0  # active people of the partner holding the required certification
    person_certified: bool = False  # the reader holds it
    enrolled: bool = False  # the partner is enrolled in the requirement's early-access program


@dataclass(frozen=True)
class Lock:
    dimension: LockDimension
    reason: str  # "needs Gold tier: you are Silver"
    unlock: str  # "see what it takes"
    link: str | None = None  # a named place in the portal: "tier_gap", "certifications"


def locks(requirement: Requirement, standing: Standing) -> list[Lock]:
    """Every unmet part of the requirement (empty: entitled)."""
    found: list[Lock] = []
    if requirement.partner_types and standing.partner_type not in requirement.partner_types:
        wanted = ", ".join(TYPE_PLURALS[t] for t in requirement.partner_types)
        found.append(Lock(LockDimension.PARTNER_TYPE, f"for {wanted} only", "ask your channel account manager", None))
    elif requirement.si_subtypes and standing.si_subtype not in requirement.si_subtypes:
        wanted = ", ".join(SUBTYPE_LABELS[s] + "s" for s in requirement.si_subtypes)
        found.append(Lock(LockDimension.PARTNER_TYPE, f"for {wanted} only", "ask your channel account manager", None))
    if requirement.minimum_tier_rank is not None and (standing.tier_rank or 0) < requirement.minimum_tier_rank:
        needed = requirement.minimum_tier_name or f"tier {requirement.minimum_tier_rank}"
        current = f"you are {standing.tier_name}" if standing.tier_name else "you have no tier yet"
        found.append(Lock(LockDimension.TIER, f"needs {needed} tier: {current}", "see what it takes", "tier_gap"))
    if requirement.track_name:
        if requirement.holder == CertificationHolder.PERSON and not standing.person_certified:
            found.append(Lock(LockDimension.CERTIFICATION, f"needs you to be a certified {requirement.track_name}", "see the certification", "certifications"))
        elif requirement.holder == CertificationHolder.PARTNER and standing.certified_holders < requirement.holders_needed:
            count = _count(requirement.holders_needed)
            have = f"you have {standing.certified_holders}" if standing.certified_holders else "you have none"
            found.append(
                Lock(LockDimension.CERTIFICATION, f"needs {count} certified {requirement.track_name}: {have}", "see the certification", "certifications")
            )
    if requirement.early_access_program and not standing.enrolled:
        found.append(
            Lock(LockDimension.EARLY_ACCESS, f"needs enrolment in the {requirement.early_access_program} early-access program", "apply", "early_access")
        )
    return found


def summary(found: list[Lock]) -> str:
    """All locks in one sentence ("" when entitled)."""
    return "; ".join(lock.reason for lock in found)


def _count(number: int) -> str:
    return {1: "one", 2: "two", 3: "three", 4: "four", 5: "five"}.get(number, str(number))
