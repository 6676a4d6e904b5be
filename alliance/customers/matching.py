"""Is this the same company? Pure scoring of two customer profiles, and the blocking keys that
let the database find candidates by index instead of comparing against every customer.

The score (0-1) combines three features:
- name: a symmetric, weighted token match of the normalized names. Tokens match exactly or with
  one typo (edit distance 1 on words of 5+ letters, digits exact); words many companies share
  ("group", "services") weigh less, joining words ("and", "of") hardly at all. Every token of
  both names must find its partner, so "Acme Analytics" and "Acme Logistics" share only half
  their weight: a partial ratio would call them the same company.
- domain: the same registered website domain is strong evidence (the score is at least 0.9);
  two different domains lower it by 0.15 (the same name still matches, a misspelt one not).
- country: the same name in another country is a weaker match (lowered by 0.2) unless the domain
  is the same.
CONFLICT_THRESHOLD is the one cut-off: customer suggestions and conflict detection both use it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from rapidfuzz.distance import OSA

from alliance.customers.names import GENERIC, SPELLINGS, STOPWORDS, NormalizedName, normalize_name
from alliance.customers.websites import domain_label, matching_domain

CONFLICT_THRESHOLD = 0.85

DOMAIN_FLOOR = 0.9  # same registered domain: at least this, whatever the names
DOMAIN_MISMATCH_PENALTY = 0.15
COUNTRY_MISMATCH_PENALTY = 0.2

STOPWORD_WEIGHT = 0.2
GENERIC_WEIGHT = 0.5
TYPO_MIN_LENGTH = 5  # shorter words must match exactly: "acme" and "acne" are different words
TYPO_COST = 0.5  # a word with one typo counts 1 - TYPO_COST/length

MAX_TOKEN_KEYS = 4
MAX_PAIR_KEYS = 3
MAX_KEY_LENGTH = 120


@dataclass(frozen=True, slots=True)
class Profile:
    """What matching knows about a company: normalized name, website domain, country."""

    name: NormalizedName
    domain: str | None
    country: str | None


def profile(name: str, website: str | None = None, country: str | None = None) -> Profile:
    return Profile(normalize_name(name), matching_domain(website), country.upper() if country else None)


@dataclass(frozen=True, slots=True)
class Reason:
    feature: str  # name | domain | country
    verdict: str  # same | similar | different | unknown
    similarity: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    reasons: tuple[Reason, ...]

    @property
    def is_conflict(self) -> bool:
        return self.value >= CONFLICT_THRESHOLD

    @property
    def exact_name(self) -> bool:
        return self.reasons[0].verdict == "same"

    @property
    def same_domain(self) -> bool:
        return any(r.feature == "domain" and r.verdict == "same" for r in self.reasons)


def without_near_namesakes(scores: list[Score], cutoff: float) -> list[bool]:
    """Which candidates to keep: when one matches the typed name exactly (and scores at least
    `cutoff`), a candidate whose name only resembles it ("Zagel" for "Zagex", "Acme Analytics
    Group" for "Acme Analytics") is a different company that happens to be near, unless it shares
    the website domain. Typo tolerance is for names that match nothing exactly."""
    if not any(s.exact_name and s.value >= cutoff for s in scores):
        return [True] * len(scores)
    return [s.exact_name or s.same_domain for s in scores]


def score(query: Profile, candidate: Profile) -> Score:
    """How likely `candidate` is the company `query` describes, with the evidence per feature."""
    similarity = name_similarity(query.name, candidate.name)
    value = similarity
    reasons = [_name_reason(similarity)]

    same_domain = False
    if query.domain and candidate.domain:
        if query.domain == candidate.domain:
            same_domain = True
            value = DOMAIN_FLOOR + (1 - DOMAIN_FLOOR) * similarity
            reasons.append(Reason("domain", "same", 1.0, f"same website domain ({candidate.domain})"))
        elif domain_label(query.domain) == domain_label(candidate.domain):
            reasons.append(Reason("domain", "similar", None, f"same domain name under another suffix ({candidate.domain})"))
        else:
            value -= DOMAIN_MISMATCH_PENALTY
            reasons.append(Reason("domain", "different", 0.0, f"different website domain ({candidate.domain})"))
    else:
        reasons.append(Reason("domain", "unknown", None, "no website to compare"))

    if query.country and candidate.country:
        if query.country == candidate.country:
            reasons.append(Reason("country", "same", 1.0, f"same country ({candidate.country})"))
        else:
            if not same_domain:
                value -= COUNTRY_MISMATCH_PENALTY
            reasons.append(Reason("country", "different", 0.0, f"different country ({candidate.country})"))
    else:
        reasons.append(Reason("country", "unknown", None, "no country to compare"))
    return Score(round(min(1.0, max(0.0, value)), 4), tuple(reasons))


def _name_reason(similarity: float) -> Reason:
    if similarity >= 1.0:
        return Reason("name", "same", 1.0, "same name once case, punctuation, accents and legal forms are set aside")
    verdict = "similar" if similarity >= CONFLICT_THRESHOLD else "different"
    return Reason("name", verdict, round(similarity, 4), f"names {round(similarity * 100)}% alike")


def token_weight(token: str) -> float:
    if token in STOPWORDS:
        return STOPWORD_WEIGHT
    if token in GENERIC:
        return GENERIC_WEIGHT
    return 1.0


def token_similarity(a: str, b: str) -> float:
    """1 for the same word, 1 - 0.5/length for one typo (edit, or two letters swapped) in a word of
    5+ letters, else 0: a single typo in a 5-letter company name still scores 0.9. A canonical
    word ("technology") also takes a typo in any of its spellings ("technoolgies")."""
    if a == b:
        return 1.0
    similarity = _one_typo(a, b)
    if similarity == 0.0 and (a in SPELLINGS or b in SPELLINGS):
        word, other = (a, b) if a in SPELLINGS else (b, a)
        similarity = max((_one_typo(spelling, other) for spelling in SPELLINGS[word]), default=0.0)
    return similarity


def _one_typo(a: str, b: str) -> float:
    longer = max(len(a), len(b))
    if longer < TYPO_MIN_LENGTH or a.isdigit() or b.isdigit():
        return 0.0
    if OSA.distance(a, b, score_cutoff=1) > 1:
        return 0.0
    return 1.0 - TYPO_COST / longer


def name_similarity(a: NormalizedName, b: NormalizedName) -> float:
    """Weighted share of each name's tokens that find a partner in the other name (symmetric)."""
    if not a.tokens or not b.tokens:
        return 0.0
    if a.tokens == b.tokens or a.compact == b.compact:
        return 1.0
    matched = 0.0
    total = 0.0
    for mine, theirs in ((a.tokens, b.tokens), (b.tokens, a.tokens)):
        for token in mine:
            weight = token_weight(token)
            total += weight
            matched += weight * max(token_similarity(token, other) for other in theirs)
    return matched / total if total else 0.0


def blocking_keys(name: NormalizedName) -> list[str]:
    """Index keys for a name: 't:word' for each distinctive word, 'p:a|b' for neighbouring words.

    A query with the same words in any order, an extra or a missing word finds its candidates
    through these; whole-name and one-typo lookups use the compact name columns instead."""
    words = [t for t in name.tokens if t not in STOPWORDS]
    if len(set(words)) < len(words):
        words = list(dict.fromkeys(words))
    keys = ["t:" + t for t in words if t not in GENERIC]
    if len(keys) > MAX_TOKEN_KEYS:
        del keys[MAX_TOKEN_KEYS:]
    if len(words) > 1:
        pairs = sorted(f"p:{a}|{b}" if a < b else f"p:{b}|{a}" for a, b in itertools.pairwise(words))
        keys.extend(pairs[:MAX_PAIR_KEYS])
    for key in keys:
        if len(key) > MAX_KEY_LENGTH:
            return [key[:MAX_KEY_LENGTH] for key in keys]
    return keys


@dataclass(frozen=True, slots=True)
class TypoProbe:
    """Where to look for names one edit away from `compact` (a letter added, dropped, replaced,
    or two neighbouring letters swapped).

    Split the name into `head` (the first ~40%), one gap letter, and `rear` (the rest). One edit
    leaves the head or the rear untouched, so the candidates are names of about the same length
    that start with the head or end with the rear; the rear is the longer part because endings
    ("analytics", "logistics") are shared by many more companies than beginnings. The other
    part, split the same way around a gap letter, must have one of its halves intact as well
    (`rest_start` right after the head or `rest_end` at the very end; `front_start` at the very
    start or `front_end` right before the rear), which keeps the scans' results small. The gap
    letters make a swap across any boundary leave one side intact.
    """

    typed: str
    length: int
    head: str
    rest_start: str
    rest_end: str
    rear: str
    front_start: str
    front_end: str


TYPO_PROBE_MIN_LENGTH = 7
NEIGHBOURHOOD_LENGTHS = range(4, TYPO_PROBE_MIN_LENGTH)
_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def one_edit_neighbours(compact: str) -> list[str]:
    """Every string one edit (or one swap) from a short name: too short for the probe's range
    scans to be selective, so their candidates are found by exact lookups of these instead."""
    if len(compact) not in NEIGHBOURHOOD_LENGTHS:
        return []
    splits = [(compact[:i], compact[i:]) for i in range(len(compact) + 1)]
    found = {left + right[1:] for left, right in splits if right}
    found |= {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    found |= {left + c + right[1:] for left, right in splits if right for c in _ALPHABET}
    found |= {left + c + right for left, right in splits for c in _ALPHABET}
    found.discard(compact)
    return sorted(found)


def typo_probe(compact: str) -> TypoProbe | None:
    if len(compact) < TYPO_PROBE_MIN_LENGTH:
        return None
    cut = max(3, round(len(compact) * 0.4))
    head, rest = compact[:cut], compact[cut:]
    front, rear = compact[: cut + 1], compact[cut + 1 :]
    middle_rest, middle_front = len(rest) // 2, len(front) // 2
    return TypoProbe(
        typed=compact,
        length=len(compact),
        head=head,
        rest_start=rest[:middle_rest],
        rest_end=rest[middle_rest + 1 :],
        rear=rear,
        front_start=front[:middle_front],
        front_end=front[middle_front + 1 :],
    )
