"""The scorer: variants of one company score at or above the threshold, different companies below."""

from __future__ import annotations

import random
import string

import pytest

from alliance.customers.matching import (
    CONFLICT_THRESHOLD,
    TypoProbe,
    blocking_keys,
    lookup_keys,
    name_similarity,
    profile,
    score,
    token_similarity,
    typo_probe,
)
from alliance.customers.names import normalize_name


def s(a: str, b: str, *, a_site: str | None = None, b_site: str | None = None, a_country: str | None = None, b_country: str | None = None) -> float:
    return score(profile(a, a_site, a_country), profile(b, b_site, b_country)).value


class TestSameCompany:
    @pytest.mark.parametrize(
        "variant",
        [
            "ACME ANALYTICS INC",
            "Acme Analytics, Inc.",
            "acme-analytics GmbH",
            "The Acme Analytics Co.",
            "Acmé Analytics S.A.",
            "Acme Analytics Pty Ltd",
            "Acme Analytcs",
            "Acme Analytisc",
            "Acme Anallytics",
            "Acme Analytica",
        ],
    )
    def test_variant_matches(self, variant):
        assert s("Acme Analytics", variant, a_country="US", b_country="US") >= CONFLICT_THRESHOLD

    def test_abbreviation_and_ampersand(self):
        result = score(profile("Johnson & Johnson Intl Svcs"), profile("Johnson and Johnson International Services Ltd"))
        assert result.exact_name and result.value >= 0.95

    def test_one_typo_in_a_one_word_name(self):
        assert s("Zentrix", "Zentirx") >= CONFLICT_THRESHOLD
        assert s("Vantara", "Vatnara") >= CONFLICT_THRESHOLD
        # Five letters: one typing edit end to end is still a typo (a sibling's other word is more).
        assert s("Vanta", "Vatna") < s("Vantara", "Vatnara") and s("Vanta", "Vatna") >= CONFLICT_THRESHOLD

    def test_same_domain_is_strong_evidence(self):
        result = score(profile("Acme Analytics", "https://www.acme.com/about", "US"), profile("ACME Data Group", "acme.com", "DE"))
        assert result.value >= 0.9
        assert {r.feature: r.verdict for r in result.reasons} == {"name": "different", "domain": "same", "country": "different"}


class TestDifferentCompanies:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Acme Analytics", "Acme Logistics"),
            ("Acme Analytics", "Zentrix Analytics"),
            ("Northeastern Analytics", "Northwestern Analytics"),
            ("Acme Services", "Acme Solutions"),
            ("Pacific Foods", "Atlantic Foods"),
            ("Unit 7 Holdings", "Unit 8 Holdings"),
            ("Acme", "Acne"),
            ("Blue River Capital", "Blue River Media"),
        ],
    )
    def test_distinguishing_words_keep_them_apart(self, a, b):
        assert s(a, b) < CONFLICT_THRESHOLD

    def test_same_name_in_another_country_is_weaker_but_still_a_match(self):
        elsewhere = s("Acme Analytics", "Acme Analytics Inc", a_country="DE", b_country="US")
        same = s("Acme Analytics", "Acme Analytics Inc", a_country="US", b_country="US")
        unknown = s("Acme Analytics", "Acme Analytics Inc", a_country="DE")
        assert CONFLICT_THRESHOLD <= elsewhere < unknown < same
        # A typo and another country: weaker than the typo alone, not a veto.
        typo_elsewhere = s("Acme Analytcs", "Acme Analytics", a_country="DE", b_country="US")
        assert typo_elsewhere < s("Acme Analytcs", "Acme Analytics", a_country="US", b_country="US") and typo_elsewhere < elsewhere

    def test_different_domains_lower_the_score(self):
        assert s("Acme Analytics", "Acme Analytics", a_site="acme.com", b_site="zeta.io") < 1.0
        assert s("Acme Analytcs", "Acme Analytics", a_site="acme.com", b_site="zeta.io") < CONFLICT_THRESHOLD

    def test_same_name_under_another_suffix_is_not_a_mismatch(self):
        result = score(profile("Acme", "acme-analytics.de"), profile("Acme", "acmeanalytics.com"))
        assert result.value >= CONFLICT_THRESHOLD and result.reasons[1].verdict == "similar"


class TestScoreShape:
    def test_between_zero_and_one_with_a_reason_per_feature(self):
        result = score(profile("Acme", None, "US"), profile("Zentrix", "zentrix.com", "DE"))
        assert 0.0 <= result.value <= 1.0
        assert [r.feature for r in result.reasons] == ["name", "domain", "country"]
        assert result.reasons[1].verdict == "unknown"

    def test_symmetric_name_similarity(self):
        a, b = normalize_name("Acme Analytics Group"), normalize_name("Acme Analytics")
        assert name_similarity(a, b) == name_similarity(b, a)

    def test_token_similarity(self):
        assert token_similarity("analytics", "analytics") == 1.0
        assert token_similarity("analytics", "analytcs") == pytest.approx(1 - 0.5 / 9)
        assert token_similarity("acme", "acne") == 0.5  # a short word's typo counts for little: the rest of the name decides
        assert token_similarity("2024", "2025") == 0.0  # digits too
        assert token_similarity("analytics", "logistics") == 0.0


class TestBlockingKeys:
    def test_distinctive_words_and_neighbouring_pairs(self):
        keys = [k for k in blocking_keys(normalize_name("Pacific Analytics Group, Inc.")) if not k.startswith("d:")]
        assert keys == ["t:pacific", "t:analytics", "p:analytics|group", "p:analytics|pacific", "s:pacificanalytics", "q:pac|ana"]

    def test_joining_words_are_left_out_and_spellings_folded(self):
        keys = blocking_keys(normalize_name("Smith & Wesson"))
        assert [k for k in keys if not k.startswith("d:")] == ["t:smith", "t:weson", "p:smith|weson", "s:smithweson", "q:smi|wes"]
        assert [k for k in keys if k.startswith("d:")] == ["d:mith", "d:sith", "d:smth", "d:smih", "d:smit", "d:eson", "d:wson", "d:weon", "d:wesn", "d:weso"]
        assert blocking_keys(normalize_name("Müller Bau")) == blocking_keys(normalize_name("Mueller Bau"))

    def test_deletion_keys_meet_a_typo_in_each_of_two_words(self):
        stored = set(blocking_keys(normalize_name("Orbeline Vector GmbH")))
        for typed in ("Orbelie Vectr", "Orbelnie Vectro", "Orbxline Vecctor", "Obreline Vetcor"):
            shared = stored & set(lookup_keys(normalize_name(typed)))
            assert {k for k in shared if "orb" in k or k.startswith("d:o")} and {k for k in shared if "ve" in k or "ct" in k}, typed
        assert not [k for k in blocking_keys(normalize_name("IBM")) if k.startswith("d:")]  # three letters: too common
        assert "d:acne" in lookup_keys(normalize_name("Acne Analytics"))  # its deletion 'd:ace' meets Acme's

    @pytest.mark.parametrize("typed", ["Santos Laabs Ventures", "Santos Lbas Ventures", "Santos Lasb Ventures", "Santos Lavs Ventures"])
    def test_a_typo_in_a_words_short_form_finds_the_name_written_out(self, typed):
        # "Labs" is stored as "laboratories"; a typo in it shares no word key, and "santos" may be too
        # common to say anything alone: the typed name read with the word written out meets the
        # stored pair and whole-name keys.
        stored = {k for k in blocking_keys(normalize_name("Santos Labs Ventures Ltda")) if k.startswith(("p:", "s:"))}
        assert stored & set(lookup_keys(normalize_name(typed)))
        assert not stored & set(lookup_keys(normalize_name("Santos Lamps Ventures")))  # two letters off: another word

    def test_bounded(self):
        keys = blocking_keys(normalize_name("Alpha Beta Gamma Delta Epsilon Zeta Eta"))
        assert len([k for k in keys if k.startswith("t:")]) == 4 and len([k for k in keys if k.startswith("p:")]) == 3
        assert all(len(k) <= 120 for k in blocking_keys(normalize_name("x" * 200)))


def _found_by_probe(probe: TypoProbe, stored: str) -> bool:
    """The SQL conditions of the typo probe's range reads (CustomerRepository.candidate_reads), in Python."""
    if len(stored) not in (probe.length - 1, probe.length, probe.length + 1):
        return False
    cut = len(probe.head)
    by_head = stored.startswith(probe.head) and (stored[cut : cut + len(probe.rest_start)] == probe.rest_start or stored.endswith(probe.rest_end))
    rear_at = len(stored) - len(probe.rear)
    by_rear = stored.endswith(probe.rear) and (stored.startswith(probe.front_start) or stored[rear_at - len(probe.front_end) : rear_at] == probe.front_end)
    return by_head or by_rear


def _one_edit(rng: random.Random, word: str) -> str:
    i = rng.randrange(len(word))
    letter = rng.choice(string.ascii_lowercase)
    kind = rng.choice(("insert", "delete", "substitute", "swap"))
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "substitute":
        return word[:i] + letter + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def test_typo_probe_finds_every_name_one_edit_away():
    """The pigeonhole argument, checked on 5,000 random edits of every kind."""
    rng = random.Random(7)
    missed = []
    for _ in range(5000):
        stored = "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(7, 30)))
        typed = _one_edit(rng, stored)
        probe = typo_probe(typed)
        if probe is not None and not _found_by_probe(probe, stored):
            missed.append((stored, typed))
    assert missed == []


def test_no_probe_for_short_names():
    assert typo_probe("zentri") is None and typo_probe("zentrix") is not None
