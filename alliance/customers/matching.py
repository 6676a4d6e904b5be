"""Is this the same company? Pure scoring of two customer profiles, and the blocking keys that
let the database find candidates by index instead of comparing against every customer.

The score is a probability: a logistic model over a handful of features of the pair (`features`),
its coefficients fitted on labelled queries (bench/customers_hard.py --fit: variants of known
companies in fourteen countries' naming styles, and siblings one word away). On that data a
candidate scoring p is the labelled company about p of the time, so CONFLICT_THRESHOLD reads as
a precision. The features, each also a reason shown in words:
- name: a symmetric, weighted token match of the normalized names. Tokens match exactly, in
  another spelling (Müller/Mueller/Muller, Strauß/Strauss: `skeleton`), or with typos (one edit
  in a word of 5+ letters, two in 8+, a short word's typo counts for little); words many
  companies share ("group", "services") and qualifiers ("uk", "emea") weigh less, joining words
  ("and", "of") nothing; words written together or apart ("DataWorks", "Data Works") are aligned.
- core: how alike the distinctive words are written end to end (edit similarity), which carries
  joined words and typos spread over a name.
- core_one_edit / core_two_edits: the distinctive words end to end are one or two typing edits
  apart (typos), where a sibling's other word is usually more.
- swapped / extra: how much distinctive wording one name has that the other lacks, on both
  sides (a sibling: "Acme Analytics" / "Acme Logistics") or on one (a word dropped).
- domain: the same registered website domain is strong evidence (the score is at least
  DOMAIN_FLOOR); a related one (a typo, "get…"/"…hq" affixes, another TLD, or named like the
  company) is some; an unrelated one counts against. A freemail address is no evidence.
- country: another country weakens an otherwise exact match; it does not veto it.
CONFLICT_THRESHOLD is the one cut-off: customer suggestions and conflict detection both use it.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import OSA

from alliance.customers.names import CANONICAL, GENERIC, QUALIFIERS, SPELLINGS, STOPWORDS, NormalizedName, normalize_name
from alliance.customers.websites import domain_core, matching_domain

# Fitted by bench/customers_hard.py --fit (30,000 companies, seed 5, 8,000 queries). With the 'd:'
# typo keys, on another seed (3, 100,000 companies): at 0.7 precision 98.3%, recall@1 0.970, a
# no-match query finds something 0.67% of the time. A refit with the keys (bias -11.538) scored
# 0.989 / 0.967 there but merged hard siblings ("Air France" / "Air India" 0.72), so these stay.
# At 0.85 precision is 99.5% but typos in short words fall below.
CONFLICT_THRESHOLD = 0.7

DOMAIN_FLOOR = 0.9  # same registered domain: at least this, whatever the names
NEAR_CERTAIN = 0.99  # the most a name that is not the same can score
SIMILAR_NAME = 0.8  # a name this alike is "similar" in the reasons, below it "different"

# Single-word qualifiers left in a name ("Acme UK", where stripping would leave too little).
WEAK_QUALIFIERS = frozenset(q[0] for q in QUALIFIERS if len(q) == 1)
STOPWORD_WEIGHT = 0.0
GENERIC_WEIGHT = 0.35
QUALIFIER_WEIGHT = 0.15
TYPO_MIN_LENGTH = 5  # one edit in a word of this length or more is a typo
TWO_TYPOS_MIN_LENGTH = 8
TYPO_COST = 0.5  # a word with one typo counts 1 - TYPO_COST/length
SHORT_TYPO_SIMILARITY = 0.5  # "acme"/"acne": a typo or another word; the rest of the name decides
SPELLING_SIMILARITY = 0.96  # Müller / Mueller

# The logistic model: P(same company) = 1 / (1 + exp(-(bias + sum(coefficient * feature)))).
FEATURES = (
    "name",
    "core",
    "swapped",
    "extra",
    "weak_swapped",
    "short",
    "core_one_edit",
    "core_two_edits",
    "domain_same",
    "domain_related",
    "domain_different",
    "country_same",
    "country_different",
)
BIAS = -9.96
COEFFICIENTS = (5.033, 9.376, -4.518, -2.037, -2.741, -0.543, 0.206, 0.006, 8.714, 0.477, -2.935, 0.311, -1.461)
# Fitted by bench/customers_hard.py --fit (30,000 companies, seed 5, 8,000 queries; candidates an
# exact namesake hides are left out, see collect_features); evaluate on another seed (3, 100,000).

CORE_EDITS_COUNTED = 2  # typos in a name, told apart from another word: a sibling's differs by more

MAX_TOKEN_KEYS = 4
MAX_PAIR_KEYS = 3
MAX_PREFIX_PAIR_KEYS = 2
PREFIX_LENGTH = 3
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


# --- spelling ------------------------------------------------------------------------------------

SKELETON_MIN_LENGTH = 5
_DIGRAPHS = re.compile(r"(?<=[aou])e|(?<=a)a")
_DOUBLED = re.compile(r"(.)\1+")


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A word as it sounds across spellings: 'mueller', 'muller' -> 'muler'; 'strauss' -> 'straus';
    'soerensen', 'sorensen' -> 'sorensen'; 'aaberg' -> 'aberg'. Folding has already made 'ü' 'u',
    'ø' 'o', 'å' 'a', 'ß' 'ss'; this also takes the transliterations 'ue', 'oe', 'ae', 'aa' and
    doubled letters."""
    if len(word) < SKELETON_MIN_LENGTH:
        return word  # 'igg' and 'ig', 'ssc' and 'sc' are other acronyms
    return _DOUBLED.sub(r"\1", _DIGRAPHS.sub("", word))


def is_weak(token: str) -> bool:
    return token in GENERIC or token in WEAK_QUALIFIERS or _misspelt_generic(token)


_LONG_GENERIC = tuple(g for g in GENERIC if len(g) >= 8)


@lru_cache(maxsize=65536)
def _misspelt_generic(token: str) -> bool:
    """'internaitonal', 'holdigns': a generic word with a typo is still a generic word."""
    if len(token) < 7:
        return False
    return any(abs(len(g) - len(token)) <= 1 and OSA.distance(g, token, score_cutoff=1) <= 1 for g in _LONG_GENERIC)


def token_weight(token: str) -> float:
    if token in STOPWORDS:
        return STOPWORD_WEIGHT
    if token in GENERIC or _misspelt_generic(token):
        return GENERIC_WEIGHT
    if token in WEAK_QUALIFIERS:
        return QUALIFIER_WEIGHT
    return 1.0


@lru_cache(maxsize=65536)
def token_similarity(a: str, b: str) -> float:
    """1 for the same word, SPELLING_SIMILARITY for another spelling of it, 1 - 0.5/length for one
    typo (edit, or two letters swapped) in a word of 5+ letters, 1 - 1/length for two in a word of
    8+, a little for a typo in a shorter word, else 0. A canonical word ("technology") also takes a
    typo in any of its spellings ("technoolgies"). Numbers must be equal."""
    if a == b:
        return 1.0
    if a.isdigit() or b.isdigit() or _other_quarter(a, b):
        return 0.0
    if skeleton(a) == skeleton(b):
        return SPELLING_SIMILARITY
    similarity = _typos(a, b)
    if similarity == 0.0 and (a in SPELLINGS or b in SPELLINGS):
        word, other = (a, b) if a in SPELLINGS else (b, a)
        similarity = max((_typos(spelling, other) for spelling in SPELLINGS[word]), default=0.0)
    return similarity


_QUARTERS = (("east", "west"), ("north", "south"), ("upper", "lower"), ("inner", "outer"))


def _other_quarter(a: str, b: str) -> bool:
    """'northeastern' / 'northwestern', 'eastfield' / 'westfield': another word, not two typos."""
    return any((one in a and a.replace(one, other) == b) or (other in a and a.replace(other, one) == b) for one, other in _QUARTERS)


def _typos(a: str, b: str) -> float:
    longer = max(len(a), len(b))
    if longer < 3 or abs(len(a) - len(b)) > 2:
        return 0.0
    distance = min(OSA.distance(a, b, score_cutoff=2), OSA.distance(skeleton(a), skeleton(b), score_cutoff=2))
    if distance == 1:
        return 1.0 - TYPO_COST / longer if longer >= TYPO_MIN_LENGTH else SHORT_TYPO_SIMILARITY
    if distance == 2 and longer >= TWO_TYPOS_MIN_LENGTH:
        return 1.0 - 2 * TYPO_COST / longer
    if distance == 2 and longer >= TYPO_MIN_LENGTH:
        return SHORT_TYPO_SIMILARITY  # 'foods' / 'fwoos': two typos or another word; the rest decides
    return 0.0


def _aligned(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """`mine` with neighbouring words joined where `theirs` writes them as one ('data works' /
    'dataworks')."""
    if len(mine) < 2:
        return mine
    joined_there = {skeleton(t) for t in theirs if len(t) >= 5}
    if not joined_there:
        return mine
    out: list[str] = []
    i = 0
    while i < len(mine):
        joined = mine[i] + mine[i + 1] if i + 1 < len(mine) else ""
        if joined and (skeleton(joined) in joined_there or CANONICAL.get(joined) in theirs):
            out.append(CANONICAL.get(joined, joined))
            i += 2
        else:
            out.append(mine[i])
            i += 1
    return tuple(out)


def core_skeleton(tokens: tuple[str, ...], *, ordered: bool = True) -> str:
    """The distinctive words' skeletons end to end (all words' when none is distinctive); in
    alphabetical order unless `ordered`."""
    core = [skeleton(t) for t in tokens if t not in STOPWORDS and not is_weak(t)]
    if not core:
        core = [skeleton(t) for t in tokens if t not in STOPWORDS] or [skeleton(t) for t in tokens]
    return "".join(core if ordered else sorted(core))


# --- the score -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NameComparison:
    similarity: float  # weighted share of each name's words that find a partner (symmetric)
    core: float  # edit similarity of the distinctive words written end to end (in either order)
    unmatched: tuple[float, float]  # distinctive wording without a partner, on each side
    weak_unmatched: tuple[int, int]  # generic words and qualifiers without a partner, on each side
    short: bool
    core_edits: int = 0  # typing edits between the distinctive words end to end (0 to CORE_EDITS_COUNTED + 1)


def compare_names(a: NormalizedName, b: NormalizedName) -> NameComparison:
    core_a, core_b = core_skeleton(a.tokens), core_skeleton(b.tokens)
    short = min(len(core_a), len(core_b)) <= 4
    if not a.tokens or not b.tokens:
        return NameComparison(0.0, 0.0, (1.0, 1.0), (0, 0), short)
    if a.tokens == b.tokens or a.compact == b.compact or (core_a == core_b and _weak(a.tokens) == _weak(b.tokens)):
        return NameComparison(1.0, 1.0, (0.0, 0.0), (0, 0), short)
    mine_a, mine_b = _aligned(a.tokens, b.tokens), _aligned(b.tokens, a.tokens)
    matched = total = 0.0
    unmatched = [0.0, 0.0]
    weak_unmatched = [0, 0]
    for side, (mine, theirs) in enumerate(((mine_a, mine_b), (mine_b, mine_a))):
        for token in mine:
            weight = token_weight(token)
            if not weight:
                continue
            best = max(token_similarity(token, other) for other in theirs)
            total += weight
            matched += weight * best
            if weight == 1.0:
                unmatched[side] += 1.0 - best
            elif best < 0.5:
                weak_unmatched[side] += 1
    similarity = matched / total if total else 0.0
    skeleton_a, skeleton_b = core_skeleton(mine_a), core_skeleton(mine_b)
    core = OSA.normalized_similarity(skeleton_a, skeleton_b)
    edits = OSA.distance(skeleton_a, skeleton_b, score_cutoff=CORE_EDITS_COUNTED + 1)
    if len(mine_a) > 1 or len(mine_b) > 1:  # the same words in another order
        sorted_a, sorted_b = core_skeleton(mine_a, ordered=False), core_skeleton(mine_b, ordered=False)
        core = max(core, OSA.normalized_similarity(sorted_a, sorted_b))
        edits = min(edits, OSA.distance(sorted_a, sorted_b, score_cutoff=CORE_EDITS_COUNTED + 1))
    return NameComparison(similarity, core, (unmatched[0], unmatched[1]), (weak_unmatched[0], weak_unmatched[1]), short, edits)


def _weak(tokens: tuple[str, ...]) -> frozenset[str]:
    return frozenset(t for t in tokens if is_weak(t))


def name_similarity(a: NormalizedName, b: NormalizedName) -> float:
    """Weighted share of each name's tokens that find a partner in the other name (symmetric)."""
    return compare_names(a, b).similarity


def domain_relation(query: Profile, candidate: Profile) -> str:
    """same | related | different | unknown: how the query's website bears on the candidate."""
    if not query.domain:
        return "unknown"
    if candidate.domain == query.domain:
        return "same"
    core = domain_core(query.domain)
    if candidate.domain:
        other = domain_core(candidate.domain)
        if core == other or _near(core, other):
            return "related"
    # A website named like the company ("acme-analytics.io" for Acme Analytics), typo or not.
    name_core = core_skeleton(candidate.name.tokens)
    if len(core) >= 4 and (skeleton(core) in (name_core, skeleton(candidate.name.compact)) or _near(skeleton(core), name_core)):
        return "related"
    return "different" if candidate.domain else "unknown"


def _near(a: str, b: str) -> bool:
    shorter = min(len(a), len(b))
    if shorter < 5:
        return False
    return OSA.distance(a, b, score_cutoff=2) <= (2 if shorter >= 10 else 1)


def features(query: Profile, candidate: Profile) -> tuple[float, ...]:
    """The model's inputs for a pair, in the order of FEATURES."""
    names = compare_names(query.name, candidate.name)
    return _features(names, domain_relation(query, candidate), _country_relation(query, candidate))


def _features(names: NameComparison, domain: str, country: str) -> tuple[float, ...]:
    low, high = sorted(names.unmatched)
    return (
        names.similarity,
        names.core,
        low,
        high - low,
        float(min(names.weak_unmatched) > 0),
        float(names.short),
        float(names.core_edits == 1),
        float(names.core_edits == 2),
        float(domain == "same"),
        float(domain == "related"),
        float(domain == "different"),
        float(country == "same"),
        float(country == "different"),
    )


def _country_relation(query: Profile, candidate: Profile) -> str:
    if not query.country or not candidate.country:
        return "unknown"
    return "same" if query.country == candidate.country else "different"


_BOUNDED = frozenset(("name", "core", "swapped", "extra", "domain_same"))


def _most_from_evidence(coefficients: tuple[float, ...]) -> float:
    """The most the yes/no features can add (the website, the country, a name's few typos); a same
    domain is let through before the bound, and the word counts only ever count against."""
    return sum(max(0.0, c) for feature, c in zip(FEATURES, coefficients, strict=True) if feature not in _BOUNDED)


_MOST_FROM_EVIDENCE = _most_from_evidence(COEFFICIENTS)


def probability(values: tuple[float, ...]) -> float:
    z = BIAS + sum(c * v for c, v in zip(COEFFICIENTS, values, strict=True))
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def may_reach(query: Profile, candidate: Profile, cutoff: float) -> bool:
    """False when `candidate` cannot score `cutoff` whatever the rest of the evidence: a bound
    from the distinctive words alone (one string comparison), checked before the full score."""
    if cutoff <= 0.0 or (query.domain and query.domain == candidate.domain):
        return True
    mine, theirs = _aligned(query.name.tokens, candidate.name.tokens), _aligned(candidate.name.tokens, query.name.tokens)
    core = OSA.normalized_similarity(core_skeleton(mine), core_skeleton(theirs))
    if len(mine) > 1 or len(theirs) > 1:
        core = max(core, OSA.normalized_similarity(core_skeleton(mine, ordered=False), core_skeleton(theirs, ordered=False)))
    best = BIAS + COEFFICIENTS[0] + COEFFICIENTS[1] * core + _MOST_FROM_EVIDENCE
    return best >= _logit(cutoff)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def score(query: Profile, candidate: Profile) -> Score:
    """How likely `candidate` is the company `query` describes, with the evidence per feature."""
    names = compare_names(query.name, candidate.name)
    domain = domain_relation(query, candidate)
    country = _country_relation(query, candidate)
    value = probability(_features(names, domain, country))
    if domain == "same":
        value = max(value, DOMAIN_FLOOR + (1 - DOMAIN_FLOOR) * value)
    if names.similarity < 1.0:
        value = min(value, NEAR_CERTAIN)  # 1.0 is for the same name
    reasons = (_name_reason(names), _domain_reason(domain, query, candidate), _country_reason(country, candidate))
    return Score(round(min(1.0, max(0.0, value)), 4), reasons)


def _name_reason(names: NameComparison) -> Reason:
    if names.similarity >= 1.0:
        return Reason("name", "same", 1.0, "same name once case, punctuation, accents, legal forms and qualifiers are set aside")
    similarity = round(names.similarity, 4)
    percent = round(names.similarity * 100)
    verdict = "similar" if names.similarity >= SIMILAR_NAME else "different"
    if names.core >= 1.0:
        detail = f"same distinctive words written differently (names {percent}% alike)"
    elif min(names.unmatched) >= 0.5:
        detail = f"names {percent}% alike, each with a word the other lacks"
    else:
        detail = f"names {percent}% alike"
    return Reason("name", verdict, similarity, detail)


def _domain_reason(domain: str, query: Profile, candidate: Profile) -> Reason:
    if domain == "same":
        return Reason("domain", "same", 1.0, f"same website domain ({candidate.domain})")
    if domain == "related":
        if candidate.domain:
            return Reason("domain", "similar", None, f"related website domain ({query.domain} and {candidate.domain})")
        return Reason("domain", "similar", None, f"website {query.domain} is named like the company")
    if domain == "different":
        return Reason("domain", "different", 0.0, f"different website domain ({candidate.domain})")
    return Reason("domain", "unknown", None, "no website to compare")


def _country_reason(country: str, candidate: Profile) -> Reason:
    if country == "same":
        return Reason("country", "same", 1.0, f"same country ({candidate.country})")
    if country == "different":
        return Reason("country", "different", 0.0, f"different country ({candidate.country}): a subsidiary, an office, or another company")
    return Reason("country", "unknown", None, "no country to compare")


def _spelled(name: NormalizedName) -> dict[str, bool]:
    """The name's words' skeletons, in order, once each (stopwords aside) -> whether it is weak."""
    return {skeleton(t): is_weak(t) for t in name.tokens if t not in STOPWORDS}


def blocking_keys(name: NormalizedName) -> list[str]:
    """Index keys for a name, all from its distinctive words' skeletons (so Müller finds Mueller):
    - 't:word' for each distinctive word, 'p:a|b' for neighbouring words: the same words in any
      order, an extra or a missing word;
    - 's:core' the distinctive words end to end: words joined or split, generic words and
      qualifiers added or dropped;
    - 'q:abc|vec' the first letters of neighbouring distinctive words: typos past them in every
      word ("Orbelie Vectors" for "Orbeline Vector"), where no word is spelt the same;
    - 'd:rbeline', 'd:obeline', ... each distinctive word (4+ letters) with one letter left out:
      the typos a query finds through lookup_keys.
    Whole-name and one-typo lookups use the compact name columns instead."""
    spelled = _spelled(name)
    words = list(spelled)
    distinctive = [w for w, weak in spelled.items() if not weak]
    keys = ["t:" + w for w in distinctive]
    if len(keys) > MAX_TOKEN_KEYS:
        del keys[MAX_TOKEN_KEYS:]
    if len(words) > 1:
        pairs = sorted(f"p:{a}|{b}" if a < b else f"p:{b}|{a}" for a, b in itertools.pairwise(words))
        keys.extend(pairs[:MAX_PAIR_KEYS])
    core = core_skeleton(name.tokens)
    if core:
        keys.append("s:" + core)
    long_words = [w for w in distinctive if len(w) >= PREFIX_LENGTH + 2]
    prefixes = sorted({f"q:{a[:PREFIX_LENGTH]}|{b[:PREFIX_LENGTH]}" for a, b in itertools.pairwise(long_words)})
    keys.extend(prefixes[:MAX_PREFIX_PAIR_KEYS])
    keys += [DELETION + variant for word in _typo_words(distinctive) for variant in deletions(word)]
    return _bounded(keys)


def _bounded(keys: list[str]) -> list[str]:
    for key in keys:
        if len(key) > MAX_KEY_LENGTH:
            return list(dict.fromkeys(key[:MAX_KEY_LENGTH] for key in keys))
    return list(dict.fromkeys(keys))


# --- typo keys: a deletion neighbourhood per word (SymSpell) ----------------------------------------

DELETION = "d:"
DELETION_MIN_LENGTH = 4  # a shorter word's deletions are two letters: shared by too many to say anything


def deletions(word: str) -> list[str]:
    """The word with one letter left out, each way ('acme' -> 'cme', 'ame', 'ace', 'acm'), for a
    word of DELETION_MIN_LENGTH letters or more."""
    if len(word) < DELETION_MIN_LENGTH:
        return []
    return list(dict.fromkeys(word[:i] + word[i + 1 :] for i in range(len(word))))


def _typo_words(distinctive: list[str]) -> list[str]:
    return distinctive[:MAX_TOKEN_KEYS]


def lookup_keys(name: NormalizedName) -> list[str]:
    """The keys a query looks up: its own blocking keys (a stored name's 'd:' keys are the
    deletions of its words), and, for each distinctive word, the word and its deletions among the
    stored deletions and words. Two words one edit apart (a letter added, dropped, replaced, or
    two neighbours swapped) share one of these: the longer word's deletion is the shorter word, or
    both lose the letter that differs. So a name with one typo in each of two words still shares a
    key per word with the company, whichever letters the typos hit.

    The blocking keys come first, then each word's, rarest in practice first (the whole word, its
    deletions); matching reads them all in one statement and keeps the rarest keys' customers."""
    keys = [key for key in blocking_keys(name) if not key.startswith(DELETION)]
    distinctive = [w for w, weak in _spelled(name).items() if not weak]
    for word in _typo_words(distinctive):
        if len(word) >= DELETION_MIN_LENGTH - 1:
            keys.append(DELETION + word)  # a letter dropped here: the stored word's deletion
        for variant in deletions(word):
            keys.append(DELETION + variant)  # a letter replaced or swapped: both lose it
            keys.append("t:" + variant)  # a letter added here: the stored word itself
    return _bounded(keys)


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
