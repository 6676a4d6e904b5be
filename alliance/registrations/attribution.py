"""The attribution model: who is credited how much when a deal or project is won. Pure: no session.

A close credits, in cents that add up exactly:
- a won deal: DIRECT 100 % of the booked amount to the partner that transacted it, or
  VENDOR_DIRECT (no partner) when the vendor transacted it itself;
- a won project: SERVICES 100 % of the booked amount (the project's value) to the registrant SI;
- either: INFLUENCE to every other partner of record, per its program's rule (see docs/attribution.md):
  `full` gives each partner of record `percent` % of the booked amount, `equal` shares `percent` %
  between the program's partners of record on that close, the odd cents going to the first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from alliance.errors import RuleViolation
from alliance.partners.vocabulary import CreditSplit, RegistrationKind
from alliance.registrations.vocabulary import CreditType

CENT = Decimal("0.01")
HUNDRED = Decimal(100)
# The default rule of a partner without a program: influenced revenue counted in full.
DEFAULT_PERCENT = HUNDRED


@dataclass(frozen=True)
class PartnerOfRecord:
    """A partner holding an approved, unexpired influence or project registration that overlaps
    the closing registration, with its program's influence rule. Order matters: first registered first."""

    partner_id: int
    registration_id: int
    program_key: str | None = None
    percent: Decimal = DEFAULT_PERCENT
    split: CreditSplit = CreditSplit.FULL


@dataclass(frozen=True)
class Credit:
    """One ledger line to record: how much, to whom, for which registration, and why in words."""

    credit_type: CreditType
    partner_id: int | None
    registration_id: int
    amount: Decimal
    share_percent: Decimal
    rule: str


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def share_of(amount: Decimal, percent: Decimal) -> Decimal:
    """`percent` % of `amount`, rounded half up to the cent."""
    return to_cents(amount * percent / HUNDRED)


def split_evenly(total: Decimal, parts: int) -> list[Decimal]:
    """`total` in `parts` cent amounts that add up to it exactly; the odd cents go to the first."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    total = to_cents(total)
    base = (total / parts).quantize(CENT, rounding=ROUND_DOWN)
    shares = [base] * parts
    shares[0] = total - base * (parts - 1)
    return shares


def check_booked_amount(amount: Decimal) -> Decimal:
    if not amount.is_finite() or amount < 0:
        raise RuleViolation("The booked amount must be zero or more.", details=[{"field": "booked_amount", "message": "must be >= 0"}])
    if to_cents(amount) != amount:
        raise RuleViolation("The booked amount has at most two decimals.", details=[{"field": "booked_amount", "message": "at most 2 decimal places"}])
    return amount


def close_credits(
    *,
    kind: RegistrationKind,
    registration_id: int,
    registrant_id: int,
    transacting_partner_id: int | None,
    vendor_transacted: bool,
    booked_amount: Decimal,
    partners_of_record: Sequence[PartnerOfRecord],
) -> list[Credit]:
    """Every credit of one close. The partner credited DIRECT or SERVICES on this close gets no
    influence credit on it too: its total would otherwise count the same booking twice."""
    booked = to_cents(check_booked_amount(booked_amount))
    credits = [_primary_credit(kind, registration_id, registrant_id, transacting_partner_id, vendor_transacted, booked)]
    primary_partner = credits[0].partner_id
    seen: set[int] = set()
    influencers: list[PartnerOfRecord] = []
    for candidate in partners_of_record:
        if candidate.partner_id == primary_partner or candidate.partner_id in seen:
            continue
        seen.add(candidate.partner_id)
        influencers.append(candidate)
    credits.extend(influence_credits(booked, influencers))
    return credits


def _primary_credit(
    kind: RegistrationKind, registration_id: int, registrant_id: int, transacting_partner_id: int | None, vendor_transacted: bool, booked: Decimal
) -> Credit:
    if kind == RegistrationKind.PROJECT:
        return Credit(CreditType.SERVICES, registrant_id, registration_id, booked, HUNDRED, "services: the delivering SI of the won project, 100% of its value")
    if kind != RegistrationKind.DEAL:
        raise RuleViolation(
            "Only deal and project registrations close with a booked amount; influence is credited when a deal or project closes.",
            details=[{"field": "kind", "message": "deal or project"}],
        )
    if vendor_transacted:
        if transacting_partner_id is not None:
            raise RuleViolation(
                "A deal is transacted by the vendor or by a partner, not both.",
                details=[{"field": "transacting_partner_id", "message": "must be empty for a vendor-transacted deal"}],
            )
        return Credit(
            CreditType.VENDOR_DIRECT, None, registration_id, booked, HUNDRED, "vendor direct: the vendor transacted the deal, 100% of the booked amount"
        )
    if transacting_partner_id is None or transacting_partner_id == registrant_id:
        return Credit(
            CreditType.DIRECT, registrant_id, registration_id, booked, HUNDRED, "direct: the registrant transacted the deal, 100% of the booked amount"
        )
    return Credit(
        CreditType.DIRECT, transacting_partner_id, registration_id, booked, HUNDRED, "direct: the transacting partner of the deal, 100% of the booked amount"
    )


def influence_credits(booked: Decimal, partners_of_record: Sequence[PartnerOfRecord]) -> list[Credit]:
    """INFLUENCE credits in the order given; `equal` programs share their pool among their own
    partners of record, the first of them taking the odd cents."""
    groups: dict[tuple[str | None, Decimal, CreditSplit], list[PartnerOfRecord]] = {}
    for record in partners_of_record:
        groups.setdefault((record.program_key, record.percent, record.split), []).append(record)
    amounts: dict[int, tuple[Decimal, Decimal, str]] = {}
    for (program_key, percent, split), members in groups.items():
        program = f"program {program_key}" if program_key else "no program (default rule)"
        if split == CreditSplit.EQUAL and len(members) > 1:
            shares = split_evenly(share_of(booked, percent), len(members))
            each = (percent / len(members)).quantize(CENT, rounding=ROUND_HALF_UP)
            rule = f"influence: {program}, {_pct(percent)}% of the booked amount shared equally by {len(members)} partners of record"
            for member, amount in zip(members, shares, strict=True):
                amounts[member.registration_id] = (amount, each, rule)
        else:
            rule = f"influence: {program}, {_pct(percent)}% of the booked amount to each partner of record"
            for member in members:
                amounts[member.registration_id] = (share_of(booked, percent), percent, rule)
    return [Credit(CreditType.INFLUENCE, record.partner_id, record.registration_id, *amounts[record.registration_id]) for record in partners_of_record]


def _pct(percent: Decimal) -> str:
    return format(percent.normalize(), "f")
