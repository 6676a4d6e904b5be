"""The library's pure rules: entitlement in each dimension and combined, the version lifecycle,
semantic versions, search input, safe Markdown, and checksum verification on read."""

from __future__ import annotations

import hashlib
import io

import pytest

from alliance.assets import entitlement, lifecycle, rendering
from alliance.assets import search_repository as search
from alliance.assets.entitlement import LockDimension, Requirement, Standing
from alliance.assets.vocabulary import CertificationHolder, VersionAction, VersionStatus
from alliance.files.storage import ChecksumMismatch, verified_chunks
from alliance.partners.vocabulary import PartnerType, SISubtype

SILVER_SI = Standing(partner_type=PartnerType.SYSTEMS_INTEGRATOR, si_subtype=SISubtype.REGIONAL, tier_rank=2, tier_name="Silver")
TRACK = "solution architect for Data Platform 9"


def reasons(requirement: Requirement, standing: Standing = SILVER_SI) -> list[str]:
    return [lock.reason for lock in entitlement.locks(requirement, standing)]


def test_an_open_asset_has_no_locks():
    assert reasons(Requirement()) == []


def test_partner_type_and_subtype():
    assert reasons(Requirement(partner_types=(PartnerType.MSP, PartnerType.RESELLER))) == ["for MSPs, resellers only"]
    assert reasons(Requirement(partner_types=(PartnerType.SYSTEMS_INTEGRATOR,))) == []
    assert reasons(Requirement(si_subtypes=(SISubtype.GSI,))) == ["for Global SIs only"]
    assert reasons(Requirement(si_subtypes=(SISubtype.REGIONAL, SISubtype.GSI))) == []


def test_minimum_tier_says_where_the_partner_stands_and_links_the_gap():
    (lock,) = entitlement.locks(Requirement(minimum_tier_rank=3, minimum_tier_name="Gold"), SILVER_SI)
    assert (lock.dimension, lock.reason, lock.unlock, lock.link) == (LockDimension.TIER, "needs Gold tier: you are Silver", "see what it takes", "tier_gap")
    assert reasons(Requirement(minimum_tier_rank=2, minimum_tier_name="Silver")) == []
    untiered = Standing(partner_type=PartnerType.RESELLER, si_subtype=None, tier_rank=None, tier_name=None)
    assert reasons(Requirement(minimum_tier_rank=1, minimum_tier_name="Registered"), untiered) == ["needs Registered tier: you have no tier yet"]


def test_certification_held_by_the_person_or_by_n_people():
    person = Requirement(track_name=TRACK, holder=CertificationHolder.PERSON)
    assert reasons(person) == [f"needs you to be a certified {TRACK}"]
    assert reasons(person, Standing(**{**SILVER_SI.__dict__, "person_certified": True, "certified_holders": 1})) == []
    partner = Requirement(track_name=TRACK, holder=CertificationHolder.PARTNER, holders_needed=1)
    assert reasons(partner) == [f"needs one certified {TRACK}: you have none"]
    two = Requirement(track_name=TRACK, holder=CertificationHolder.PARTNER, holders_needed=2)
    assert reasons(two, Standing(**{**SILVER_SI.__dict__, "certified_holders": 1})) == [f"needs two certified {TRACK}: you have 1"]
    assert reasons(two, Standing(**{**SILVER_SI.__dict__, "certified_holders": 2})) == []


def test_every_unmet_dimension_is_named():
    everything = Requirement(partner_types=(PartnerType.MSP,), minimum_tier_rank=4, minimum_tier_name="Platinum", track_name=TRACK)
    found = entitlement.locks(everything, SILVER_SI)
    assert [lock.dimension for lock in found] == [LockDimension.PARTNER_TYPE, LockDimension.TIER, LockDimension.CERTIFICATION]
    assert entitlement.summary(found).startswith("for MSPs only; needs Platinum tier: you are Silver; needs you to be")


def test_the_version_lifecycle():
    assert lifecycle.transition(VersionStatus.DRAFT, VersionAction.SUBMIT, reason=None, by_vendor=False) == VersionStatus.IN_REVIEW
    assert lifecycle.transition(VersionStatus.IN_REVIEW, VersionAction.PUBLISH, reason=None, by_vendor=True) == VersionStatus.PUBLISHED
    assert lifecycle.transition(VersionStatus.PUBLISHED, VersionAction.DEPRECATE, reason="Superseded", by_vendor=True) == VersionStatus.DEPRECATED
    assert lifecycle.transition(VersionStatus.DEPRECATED, VersionAction.RETIRE, reason="Unsupported", by_vendor=True) == VersionStatus.RETIRED
    with pytest.raises(lifecycle.RefusedTransition, match="Only the vendor"):
        lifecycle.transition(VersionStatus.IN_REVIEW, VersionAction.PUBLISH, reason=None, by_vendor=False)
    with pytest.raises(lifecycle.RefusedTransition, match="only a in review one") as refused:
        lifecycle.transition(VersionStatus.DRAFT, VersionAction.PUBLISH, reason=None, by_vendor=True)
    assert refused.value.field == "action"
    with pytest.raises(lifecycle.RefusedTransition) as no_reason:
        lifecycle.transition(VersionStatus.PUBLISHED, VersionAction.RETIRE, reason=" ", by_vendor=True)
    assert no_reason.value.field == "reason"
    assert lifecycle.actions(VersionStatus.DRAFT, by_vendor=False) == [VersionAction.SUBMIT]
    assert lifecycle.actions(VersionStatus.PUBLISHED, by_vendor=True) == [VersionAction.DEPRECATE, VersionAction.RETIRE]
    assert lifecycle.actions(VersionStatus.RETIRED, by_vendor=True) == []


def test_versions_sort_as_numbers():
    assert lifecycle.semver_rank("1.10.0") > lifecycle.semver_rank("1.9.9") > lifecycle.semver_rank("1.0.0")
    assert lifecycle.release_rank("9") == lifecycle.release_rank("9.0") < lifecycle.release_rank("9.1")
    for bad in ("1.0", "01.0.0", "v1.0.0", "1.0.0-beta"):
        with pytest.raises(ValueError):
            lifecycle.semver_rank(bad)


def test_search_input_never_reaches_fts_as_syntax():
    assert search.fts5_query('soc "AND" NEAR(x) data-plat') == '"soc" "and" "near" "x" "data" "plat"*'
    assert search.fts5_query("  ") == ""


def test_markdown_is_rendered_without_raw_html_or_script_links():
    html = rendering.to_html("# Title\n\n<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](https://docs.example)\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h1>Title</h1>" in html and "&lt;img" in html and "<table>" in html
    assert 'href="javascript' not in html and '<a href="https://docs.example">b</a>' in html


def test_a_corrupted_blob_is_never_served_whole():
    content = b"x" * (600 * 1024)
    good = b"".join(verified_chunks(io.BytesIO(content), hashlib.sha256(content).hexdigest()))
    assert good == content
    served: list[bytes] = []
    with pytest.raises(ChecksumMismatch):
        served.extend(verified_chunks(io.BytesIO(content), "0" * 64))
    assert 0 < len(b"".join(served)) < len(content)  # the last chunk is held back: the reader never gets it all
