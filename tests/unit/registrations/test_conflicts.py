"""The rules of engagement, without a database."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from alliance.customers.matching import Reason
from alliance.customers.vocabulary import Ownership
from alliance.partners.vocabulary import RegistrationKind
from alliance.registrations.conflicts import Candidate, CustomerFacts, Subject, find_conflicts, holds_a_place, is_earlier
from alliance.registrations.lifecycle import Status
from alliance.registrations.vocabulary import ConflictKind

TODAY = date(2026, 3, 10)
ME, OTHER, THIRD = 1, 2, 3
DEAL, PROJECT, INFLUENCE = RegistrationKind.DEAL, RegistrationKind.PROJECT, RegistrationKind.INFLUENCE

SAME_DOMAIN = (
    Reason("name", "similar", 0.9, "names 90% alike"),
    Reason("domain", "same", 1.0, "same website domain (acme.com)"),
    Reason("country", "same", 1.0, "same country (US)"),
)
SAME_NAME = (
    Reason("name", "same", 1.0, "same name once case, punctuation, accents and legal forms are set aside"),
    Reason("domain", "unknown", None, "no website to compare"),
    Reason("country", "same", 1.0, "same country (US)"),
)


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def subject(kind: RegistrationKind = DEAL, *, lines: tuple[str, ...] = ("analytics", "cloud", "security"), day: int = 5, id: int = 100) -> Subject:
    return Subject(registration_id=id, partner_id=ME, kind=kind, submitted_at=at(day), product_lines=frozenset(lines))


def record(customer_id: int = 10, *, ownership: Ownership = Ownership.OPEN, owner: int | None = None, until: date | None = None) -> CustomerFacts:
    return CustomerFacts(customer_id, True, 0.7, SAME_NAME, ownership, owner, until)


def matched(
    customer_id: int = 11,
    *,
    score: float = 0.93,
    reasons: tuple[Reason, ...] = SAME_DOMAIN,
    ownership: Ownership = Ownership.OPEN,
    owner: int | None = None,
    until: date | None = None,
) -> CustomerFacts:
    return CustomerFacts(customer_id, False, score, reasons, ownership, owner, until)


def other(
    id: int = 50,
    *,
    kind: RegistrationKind = DEAL,
    status: Status = Status.APPROVED,
    day: int | None = 2,
    partner: int = OTHER,
    si: bool = False,
    customer_id: int = 10,
    lines: tuple[str, ...] = ("analytics", "cloud"),
    line_count: int | None = None,
    until: date | None = date(2026, 6, 1),
) -> Candidate:
    return Candidate(
        registration_id=id,
        partner_id=partner,
        partner_is_si=si,
        kind=kind,
        status=status,
        submitted_at=at(day) if day else None,
        protected_until=until if status == Status.APPROVED else None,
        customer_id=customer_id,
        product_lines=frozenset(lines),
        line_count=line_count if line_count is not None else len(lines),
    )


def kinds(findings) -> list[ConflictKind]:  # type: ignore[no-untyped-def]
    return [f.kind for f in findings]


class TestSameKind:
    def test_earlier_approved_registration_holds_and_the_later_is_flagged(self):
        [finding] = find_conflicts(subject(), [record()], [other()], today=TODAY)
        assert finding.kind == ConflictKind.SAME_KIND_OVERLAP
        assert finding.other_registration_id == 50
        assert finding.score == 1.0  # the same customer record
        assert finding.partner_message == (
            "Overlaps an earlier registration of 2026-03-02: same customer, 2 of 3 product lines. "
            "It is approved and holds protection; your channel account manager will review this one."
        )

    @pytest.mark.parametrize("status", [Status.SUBMITTED, Status.IN_REVIEW, Status.INFO_REQUESTED])
    def test_earlier_pending_registration_is_first_in_the_queue(self, status):
        [finding] = find_conflicts(subject(), [record()], [other(status=status)], today=TODAY)
        assert finding.kind == ConflictKind.SAME_KIND_OVERLAP
        assert finding.evidence["order"] == "earlier" and finding.evidence["other_status"] == status.value
        assert "ahead of this one in the review queue" in finding.partner_message

    def test_later_pending_registration_is_not_a_finding_of_this_one(self):
        assert find_conflicts(subject(day=5), [record()], [other(status=Status.SUBMITTED, day=6)], today=TODAY) == []

    def test_approved_registration_holds_even_when_submitted_later(self):
        [finding] = find_conflicts(subject(day=5), [record()], [other(status=Status.APPROVED, day=6)], today=TODAY)
        assert finding.kind == ConflictKind.SAME_KIND_OVERLAP
        assert finding.evidence["order"] == "approved_later"
        assert finding.partner_message.startswith("Overlaps a registration that is already approved: same customer, 2 of 3 product lines.")

    def test_same_second_is_ordered_by_id(self):
        earlier = other(id=99, status=Status.SUBMITTED, day=5)
        later = other(id=101, status=Status.SUBMITTED, day=5)
        assert is_earlier(earlier, subject(day=5, id=100)) and not is_earlier(later, subject(day=5, id=100))
        assert [f.other_registration_id for f in find_conflicts(subject(day=5), [record()], [later, earlier], today=TODAY)] == [99]

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.REJECTED, Status.WON, Status.LOST, Status.EXPIRED, Status.WITHDRAWN])
    def test_inactive_registrations_are_ignored(self, status):
        assert find_conflicts(subject(), [record()], [other(status=status)], today=TODAY) == []

    def test_approved_past_its_protection_counts_as_expired(self):
        assert find_conflicts(subject(), [record()], [other(until=date(2026, 3, 9))], today=TODAY) == []
        assert kinds(find_conflicts(subject(), [record()], [other(until=TODAY)], today=TODAY)) == [ConflictKind.SAME_KIND_OVERLAP]
        assert holds_a_place(other(until=None), TODAY)

    def test_needs_a_product_line_in_common(self):
        assert find_conflicts(subject(), [record()], [other(lines=("networking",))], today=TODAY) == []
        assert find_conflicts(subject(lines=()), [record()], [other()], today=TODAY) == []

    def test_own_registrations_are_not_conflicts(self):
        assert find_conflicts(subject(), [record()], [other(partner=ME)], today=TODAY) == []

    def test_registration_on_a_customer_not_among_the_candidates_is_ignored(self):
        assert find_conflicts(subject(), [record(10)], [other(customer_id=99)], today=TODAY) == []

    def test_without_a_submission_time_a_pending_one_is_not_earlier(self):
        assert find_conflicts(subject(), [record()], [other(status=Status.SUBMITTED, day=None)], today=TODAY) == []


class TestMatchedCustomer:
    def test_found_through_matching_names_the_evidence(self):
        [finding] = find_conflicts(subject(), [matched(11)], [other(customer_id=11)], today=TODAY)
        assert finding.score == 0.93
        assert finding.partner_message.startswith("Overlaps an earlier registration of 2026-03-02: same website domain and similar name, 2 of 3 product lines.")
        evidence = finding.evidence
        assert evidence["customer_id"] == 11 and evidence["customer_match"] == "matched" and evidence["customer_score"] == 0.93
        assert (evidence["name_similarity"], evidence["domain"], evidence["country"]) == (0.9, "same", "same")
        assert [r["feature"] for r in evidence["reasons"]] == ["name", "domain", "country"]
        assert evidence["products"] == {"shared": ["analytics", "cloud"], "shared_count": 2, "of": 3, "other_count": 2}

    def test_same_name_without_website(self):
        [finding] = find_conflicts(
            subject(lines=("cloud",)), [matched(11, reasons=SAME_NAME, score=0.96)], [other(customer_id=11, lines=("cloud",), line_count=4)], today=TODAY
        )
        assert "same name, 1 of 1 product line." in finding.partner_message
        assert finding.evidence["products"]["other_count"] == 4

    def test_evidence_is_json(self):
        findings = find_conflicts(
            subject(), [record(10, ownership=Ownership.VENDOR_DIRECT), matched(11)], [other(customer_id=10), other(51, customer_id=11)], today=TODAY
        )
        assert len(findings) == 3
        for finding in findings:
            assert json.loads(json.dumps(finding.evidence)) == finding.evidence


class TestInfluenceHolds:
    def test_si_influence_is_not_displaced_by_a_later_deal(self):
        [finding] = find_conflicts(subject(DEAL), [record()], [other(kind=INFLUENCE, si=True)], today=TODAY)
        assert finding.kind == ConflictKind.INFLUENCE_HOLDS
        assert "may still be approved for the transaction" in finding.partner_message
        assert "systems integrator remains partner of record for the influence" in finding.partner_message

    def test_si_project_registration_holds_too(self):
        assert kinds(find_conflicts(subject(DEAL), [record()], [other(kind=PROJECT, si=True)], today=TODAY)) == [ConflictKind.INFLUENCE_HOLDS]

    def test_approved_influence_holds_whatever_the_submission_order(self):
        assert kinds(find_conflicts(subject(DEAL, day=1), [record()], [other(kind=INFLUENCE, si=True, day=3)], today=TODAY)) == [ConflictKind.INFLUENCE_HOLDS]

    @pytest.mark.parametrize(
        "candidate",
        [
            other(kind=INFLUENCE, si=False),  # a reseller's influence registration
            other(kind=INFLUENCE, si=True, status=Status.IN_REVIEW),  # not approved yet
        ],
    )
    def test_other_cross_kind_overlaps_are_informational(self, candidate):
        [finding] = find_conflicts(subject(DEAL), [record()], [candidate], today=TODAY)
        assert finding.kind == ConflictKind.CROSS_KIND_OVERLAP
        assert "For information" in finding.partner_message

    def test_influence_against_an_earlier_deal_is_informational(self):
        assert kinds(find_conflicts(subject(INFLUENCE), [record()], [other(kind=DEAL)], today=TODAY)) == [ConflictKind.CROSS_KIND_OVERLAP]


class TestAccountRules:
    def test_vendor_direct(self):
        [finding] = find_conflicts(subject(), [record(ownership=Ownership.VENDOR_DIRECT)], [], today=TODAY)
        assert finding.kind == ConflictKind.VENDOR_DIRECT and finding.other_registration_id is None
        assert finding.partner_message == "This customer is a vendor-direct account: the vendor sells to it directly."
        assert finding.evidence["ownership"] == "vendor_direct"

    def test_vendor_direct_found_by_matching(self):
        [finding] = find_conflicts(subject(), [matched(ownership=Ownership.VENDOR_DIRECT)], [], today=TODAY)
        assert finding.partner_message.startswith("This customer matches (same website domain and similar name) a vendor-direct account")
        assert finding.score == 0.93

    def test_protected_by_another_partner(self):
        [finding] = find_conflicts(subject(), [record(ownership=Ownership.SI_PROTECTED, owner=OTHER, until=date(2027, 1, 31))], [], today=TODAY)
        assert finding.kind == ConflictKind.SI_PROTECTED and finding.other_registration_id is None
        assert finding.partner_message == "This customer is protected by another partner until 2027-01-31."
        assert finding.evidence["owning_partner_id"] == OTHER and finding.evidence["protected_until"] == "2027-01-31"

    def test_protection_covers_its_last_day_and_then_ends(self):
        assert kinds(find_conflicts(subject(), [record(ownership=Ownership.SI_PROTECTED, owner=OTHER, until=TODAY)], [], today=TODAY)) == [
            ConflictKind.SI_PROTECTED
        ]
        assert find_conflicts(subject(), [record(ownership=Ownership.SI_PROTECTED, owner=OTHER, until=date(2026, 3, 9))], [], today=TODAY) == []

    def test_own_protected_account_is_no_conflict(self):
        assert find_conflicts(subject(), [record(ownership=Ownership.SI_PROTECTED, owner=ME, until=date(2027, 1, 31))], [], today=TODAY) == []

    def test_account_rules_come_first_then_overlaps_in_submission_order(self):
        customers = [record(10, ownership=Ownership.SI_PROTECTED, owner=THIRD, until=date(2027, 1, 1)), matched(11)]
        candidates = [other(52, day=4, customer_id=11), other(51, day=3, kind=INFLUENCE, si=True), other(53, day=1, partner=THIRD, status=Status.SUBMITTED)]
        findings = find_conflicts(subject(), customers, candidates, today=TODAY)
        assert [(f.kind, f.other_registration_id) for f in findings] == [
            (ConflictKind.SI_PROTECTED, None),
            (ConflictKind.SAME_KIND_OVERLAP, 53),
            (ConflictKind.INFLUENCE_HOLDS, 51),
            (ConflictKind.SAME_KIND_OVERLAP, 52),
        ]


class TestPartnerMessagesArePrivacySafe:
    def test_no_partner_ids_registration_ids_or_owner_in_messages(self):
        customers = [record(10, ownership=Ownership.SI_PROTECTED, owner=777, until=date(2027, 1, 31)), matched(11)]
        candidates = [replace(other(4242, customer_id=11), partner_id=8888), other(4343, kind=INFLUENCE, si=True, partner=9999)]
        findings = find_conflicts(subject(), customers, candidates, today=TODAY)
        assert len(findings) == 3
        for finding in findings:
            for secret in ("777", "8888", "9999", "4242", "4343", "acme.com"):
                assert secret not in finding.partner_message
