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
- word_two_typos / short_word_typo: the rest of the distinctive words the same, one word differs
  by two typing edits (a word of 5+ letters), or by one in a short word (under 5 letters) next to
  a word written the same; acronym_typo: that short word is an acronym (in capitals, or without
  a vowel: "ZNP" / "ZNR"), another company's letters as often as a typo.
- typo_new_word / swap_known_word: what the stored names say about the typed words that differ
  (their 't:' keys' postings, read with the candidates): no stored name uses them and each is a
  typo or two from one of the record's (a slip of the keyboard: such a word then counts as a
  typo in a long word does, in the name similarity too), or another company uses one that is not
  a typo of the record's ("India" for "France": a sibling's word).
- swapped / extra: how much distinctive wording one name has that the other lacks, on both
  sides (a sibling: "Acme Analytics" / "Acme Logistics"; a place each side keeps in a short name,
  "Air France" / "Air India", counts as such a word) or on one (a word dropped). Generic words
  with a typo ("Gloval") are generic words; words joined with a typo ("Bxro Thers") are aligned.
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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from alliance.customers.names import ABBREVIATIONS, CANONICAL, GENERIC, QUALIFIERS, SPELLINGS, STOPWORDS, NormalizedName, capitalised, normalize_name
from alliance.customers.websites import domain_core, matching_domain

# Fitted by bench/customers_hard.py --fit (30,000 companies, seed 5, 8,000 queries; every candidate
# pair twice: with what the candidate reads say about the typed words, and without, so that a
# score without them (a record chosen by hand) still reads as a probability). At 0.65, on other
# seeds (100,000 companies, 6,000 queries, SQLite): seed 3 precision 98.9%, recall@1 0.986, a
# no-match query finds something 0.50% of the time; seed 7 98.2%, 0.979, 0.78%.
CONFLICT_THRESHOLD = 0.65

DOMAIN_FLOOR = 0.9  # same registered domain: at least this, whatever the names
NEAR_CERTAIN = 0.99  # the most a name that is not the same can score
SIMILAR_NAME = 0.8  # a name this alike is "similar" in the reasons, below it "different"
# A candidate this far below the best in log-odds (e^1: under ~0.37 times its odds) is a neighbour
# of the typed name; at 1,000,000 companies hiding them took precision from 0.962 to 0.984 (recall
# unchanged: only candidates behind the best are hidden). 0.5 gave 0.986, 2.0 0.974.
CLEARLY_BEHIND = 1.0

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
    "word_two_typos",
    "short_word_typo",
    "acronym_typo",
    "typo_new_word",
    "swap_known_word",
    "domain_same",
    "domain_related",
    "domain_different",
    "country_same",
    "country_different",
)
BIAS = -12.813
COEFFICIENTS = (9.077, 8.654, -4.659, -3.091, -3.410, -0.645, -1.180, -0.338, -0.802, 2.420, -0.944, 0.377, -2.649, 10.495, -0.167, -3.237, 0.808, -1.688)
# Fitted by bench/customers_hard.py --fit (see above; candidates an exact namesake hides are left
# out, see collect_features); evaluate on other seeds (3 and 7, 100,000).

CORE_EDITS_COUNTED = 2  # typos in a name, told apart from another word: a sibling's differs by more

MAX_TOKEN_KEYS = 4
MAX_PAIR_KEYS = 3
MAX_PREFIX_PAIR_KEYS = 2
PREFIX_LENGTH = 3
MAX_KEY_LENGTH = 120


@dataclass(frozen=True, slots=True)
class Profile:
    """What matching knows about a company: normalized name, website domain, country, the name as
    written; for a query,
    also which of its distinctive words (skeletons) other stored names use (`known_words`) and which
    none does (`new_words`), as the candidate reads found them (a word in neither: not looked up)."""

    name: NormalizedName
    domain: str | None
    country: str | None
    known_words: frozenset[str] = frozenset()
    new_words: frozenset[str] = frozenset()
    written: str = ""  # the name as written, for its case (acronyms in capitals); "" when unknown


def profile(name: str, website: str | None = None, country: str | None = None) -> Profile:
    return Profile(normalize_name(name), matching_domain(website), country.upper() if country else None, written=name)


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
    the website domain. Typo tolerance is for names that match nothing exactly. And a candidate
    far less likely than the best (CLEARLY_BEHIND apart in log-odds: "Arx Networks", Japan, beside
    "Brax Networks", Spain, for "Barx Networks" in Spain) is a neighbour of the typed name, not
    another reading of it."""
    if not scores:
        return []
    best = max(_logit(s.value) for s in scores)
    near = [best - _logit(s.value) <= CLEARLY_BEHIND or s.same_domain for s in scores]
    if not any(s.exact_name and s.value >= cutoff for s in scores):
        return near
    return [(s.exact_name or s.same_domain) and kept for s, kept in zip(scores, near, strict=True)]


def behind_the_best(best: float) -> float:
    """The score below which a candidate is hidden beside one scoring `best` (CLEARLY_BEHIND in
    log-odds, less a rounding step): candidates that cannot reach it need not be scored."""
    z = _logit(best) - CLEARLY_BEHIND
    return 1.0 / (1.0 + math.exp(-z)) - 1e-4


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


_GENERIC_TYPO_MIN_LENGTH = 5
_SCORED_GENERIC = tuple(g for g in GENERIC if len(g) >= _GENERIC_TYPO_MIN_LENGTH)


@lru_cache(maxsize=65536)
def _typed_generic(token: str) -> bool:
    """For scoring (not for the index keys): a generic word with a typo or two, 'gloval', 'gloal',
    'wolbdwide', 'ventybres' (one edit from a generic word of 5+ letters, two from one of 7+)."""
    if len(token) < _GENERIC_TYPO_MIN_LENGTH or token in GENERIC:
        return token in GENERIC
    for g in _SCORED_GENERIC:
        if abs(len(g) - len(token)) <= 2:
            distance = OSA.distance(g, token, score_cutoff=2)
            if distance <= 1 or (distance == 2 and min(len(g), len(token)) >= 7):
                return True
    return False


@lru_cache(maxsize=65536)
def _scored_weak(token: str) -> bool:
    return is_weak(token) or _typed_generic(token)


def token_weight(token: str) -> float:
    if token in STOPWORDS:
        return STOPWORD_WEIGHT
    if token in GENERIC or _misspelt_generic(token) or _typed_generic(token):
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
    if similarity == 0.0 and (a in ABBREVIATIONS or b in ABBREVIATIONS):
        word, other = (a, b) if a in ABBREVIATIONS else (b, a)
        if any(_typos(spelling, other) for spelling in ABBREVIATIONS[word]):
            similarity = SHORT_TYPO_SIMILARITY  # "lbas" for "labs" (laboratories): a short word's typo
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


_JOINED_TYPO_MIN_LENGTH = 8


@lru_cache(maxsize=65536)
def _aligned(mine: tuple[str, ...], theirs: tuple[str, ...]) -> tuple[str, ...]:
    """`mine` with neighbouring words joined where `theirs` writes them as one ('data works' /
    'dataworks'), also with a typo or two in a long word ('bxro thers' / 'brothers')."""
    if len(mine) < 2:
        return mine
    joined_there = {skeleton(t) for t in theirs if len(t) >= 5}
    if not joined_there:
        return mine
    long_there = [t for t in theirs if len(t) >= _JOINED_TYPO_MIN_LENGTH]
    out: list[str] = []
    i = 0
    while i < len(mine):
        joined = mine[i] + mine[i + 1] if i + 1 < len(mine) else ""
        if joined and (
            skeleton(joined) in joined_there
            or CANONICAL.get(joined) in theirs
            or (
                len(joined) >= _JOINED_TYPO_MIN_LENGTH and mine[i] not in theirs and mine[i + 1] not in theirs and any(_edits(joined, t)[0] for t in long_there)
            )
        ):
            out.append(CANONICAL.get(joined, joined))
            i += 2
        else:
            out.append(mine[i])
            i += 1
    return tuple(out)


@lru_cache(maxsize=65536)
def core_skeleton(tokens: tuple[str, ...], *, ordered: bool = True, weak: Callable[[str], bool] = is_weak) -> str:
    """The distinctive words' skeletons end to end (all words' when none is distinctive); in
    alphabetical order unless `ordered`. Scoring also counts generic words with typos as weak."""
    core = [skeleton(t) for t in tokens if t not in STOPWORDS and not weak(t)]
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
    # When exactly one distinctive word differs on each side (the rest of the distinctive words
    # the same): the typing edits between the two (1 or 2; 0 otherwise or when more) and the longer one's length.
    word_edits: int = 0
    word_length: int = 0
    same_words: int = 0  # the query's distinctive words that the other name has, spelt the same or another way
    typo_words: tuple[str, ...] = ()  # the query's differing distinctive words that are a typo away from one of the other's
    swapped_words: tuple[str, ...] = ()  # the query's differing distinctive words that are not
    pair: tuple[str, str] = ("", "")  # the two differing words when word_edits is set


def compare_names(a: NormalizedName, b: NormalizedName, slips: frozenset[str] = frozenset(), acronyms: frozenset[str] = frozenset()) -> NameComparison:
    """`slips`: words of `a` (skeletons) that no stored name uses (Profile.new_words). Such a word
    a typo or two from one of `b`'s is a slip of the keyboard, so it counts as a typo does in a long
    word even in a short word (one edit, next to another distinctive word) or a 5-7-letter one
    (two), unless it reads as an acronym (no vowel, or in `acronyms`: written in capitals)."""
    core_a, core_b = core_skeleton(a.tokens), core_skeleton(b.tokens)
    short = min(len(core_a), len(core_b)) <= 4
    if not a.tokens or not b.tokens:
        return NameComparison(0.0, 0.0, (1.0, 1.0), (0, 0), short)
    if a.tokens == b.tokens or a.compact == b.compact or (core_a == core_b and _weak(a.tokens) == _weak(b.tokens)):
        return NameComparison(1.0, 1.0, (0.0, 0.0), (0, 0), short)
    mine_a, mine_b = _aligned(a.tokens, b.tokens), _aligned(b.tokens, a.tokens)
    # A name of one short distinctive word ("OGTA" / "OGCA") has nothing else to tell a slip from
    # another company's letters: its slips count only as typos in a short word do.
    lone = slips and sum(1 for t in a.tokens if token_weight(t) == 1.0) < 2
    matched = total = 0.0
    unmatched = [0.0, 0.0]
    weak_unmatched = [0, 0]
    differing: tuple[list[str], list[str]] = ([], [])
    same_words = 0
    places = [0, 0]
    for side, (mine, theirs) in enumerate(((mine_a, mine_b), (mine_b, mine_a))):
        for token in mine:
            weight = token_weight(token)
            if not weight:
                continue
            best = max(token_similarity(token, other) for other in theirs)
            if slips and best < SPELLING_SIMILARITY and weight == 1.0 and (len(token) >= TYPO_MIN_LENGTH or not lone):
                best = max(best, _slip_similarity(token, theirs, slips, acronyms) if side == 0 else _slip_similarity_of(token, theirs, slips, acronyms))
            total += weight
            matched += weight * best
            if weight == 1.0:
                unmatched[side] += 1.0 - best
                if best < SPELLING_SIMILARITY:
                    differing[side].append(token)
                elif side == 0:
                    same_words += 1
            elif best < 0.5:
                weak_unmatched[side] += 1
                places[side] += weight == QUALIFIER_WEIGHT
    similarity = matched / total if total else 0.0
    if min(places):  # a place on each side kept in the name ("Air France" / "Air India"): a word swapped
        unmatched[0] += 1.0
        unmatched[1] += 1.0
    skeleton_a, skeleton_b = core_skeleton(mine_a, weak=_scored_weak), core_skeleton(mine_b, weak=_scored_weak)
    core = OSA.normalized_similarity(skeleton_a, skeleton_b)
    edits = OSA.distance(skeleton_a, skeleton_b, score_cutoff=CORE_EDITS_COUNTED + 1)
    if len(mine_a) > 1 or len(mine_b) > 1:  # the same words in another order
        sorted_a, sorted_b = core_skeleton(mine_a, ordered=False, weak=_scored_weak), core_skeleton(mine_b, ordered=False, weak=_scored_weak)
        core = max(core, OSA.normalized_similarity(sorted_a, sorted_b))
        edits = min(edits, OSA.distance(sorted_a, sorted_b, score_cutoff=CORE_EDITS_COUNTED + 1))
    word_edits = word_length = 0
    pair = ("", "")
    if len(differing[0]) == 1 and len(differing[1]) == 1:
        word_edits, word_length = _word_edits(differing[0][0], differing[1][0])
        pair = (differing[0][0], differing[1][0])
    typo_words = tuple(skeleton(t) for t in differing[0] if any(_word_edits(t, other)[0] for other in mine_b))
    swapped_words = tuple(skeleton(t) for t in differing[0] if skeleton(t) not in typo_words)
    return NameComparison(
        similarity,
        core,
        (unmatched[0], unmatched[1]),
        (weak_unmatched[0], weak_unmatched[1]),
        short,
        edits,
        word_edits,
        word_length,
        same_words,
        typo_words,
        swapped_words,
        pair,
    )


_VOWELS = frozenset("aeiouy")


def _slip_similarity(token: str, theirs: tuple[str, ...], slips: frozenset[str], acronyms: frozenset[str]) -> float:
    """A typed word that no stored name uses, one or two edits from one of the other name's."""
    if skeleton(token) not in slips or not _wordlike(token, acronyms):
        return 0.0
    return max((_slip(token, other) for other in theirs if _wordlike(other, acronyms)), default=0.0)


def _slip_similarity_of(token: str, typed: tuple[str, ...], slips: frozenset[str], acronyms: frozenset[str]) -> float:
    """The other way: a stored word that a typed slip stands for."""
    if not _wordlike(token, acronyms):
        return 0.0
    return max((_slip(other, token) for other in typed if skeleton(other) in slips and _wordlike(other, acronyms)), default=0.0)


def _wordlike(token: str, acronyms: frozenset[str]) -> bool:
    return bool(_VOWELS.intersection(token)) and token not in acronyms


def _slip(typed: str, word: str) -> float:
    edits, length = _word_edits(typed, word)
    return 1.0 - edits * TYPO_COST / max(length, TYPO_MIN_LENGTH) if edits else 0.0


@lru_cache(maxsize=65536)
def _word_edits(a: str, b: str) -> tuple[int, int]:
    """(1 or 2, the longer word's length) when `b` is `a` with that many typing edits (letters
    added, dropped, replaced, or two neighbours swapped; in any spelling, or in an abbreviation of
    a canonical word: "lbas" for "labs"): two only in a word of 5+ letters; (0, 0) when they are
    further apart, numbers, or another quarter ("northeastern" / "northwestern")."""
    found = _edits(a, b)
    if not found[0]:
        spelt = [_edits(spelling, other) for word, other in ((a, b), (b, a)) for spelling in ABBREVIATIONS.get(word, ()) + SPELLINGS.get(word, ())]
        return min((edits for edits in spelt if edits[0]), default=found)
    return found


@lru_cache(maxsize=65536)
def _edits(a: str, b: str) -> tuple[int, int]:
    longer = max(len(a), len(b))
    if a.isdigit() or b.isdigit() or abs(len(a) - len(b)) > 2 or longer < 3 or _other_quarter(a, b):
        return (0, 0)
    distance = min(OSA.distance(a, b, score_cutoff=2), OSA.distance(skeleton(a), skeleton(b), score_cutoff=2))
    if distance == 1 or (distance == 2 and longer >= TYPO_MIN_LENGTH):
        return (distance, longer)
    return (0, 0)


def compare_pair(query: Profile, candidate: Profile) -> NameComparison:
    """compare_names with what the query knows of the stored names' words and both names' case."""
    acronyms = capitalised(query.written) | capitalised(candidate.written) if query.new_words else frozenset()
    return compare_names(query.name, candidate.name, query.new_words, acronyms)


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
    names = compare_pair(query, candidate)
    return _features(names, domain_relation(query, candidate), _country_relation(query, candidate), query, candidate)


def _features(names: NameComparison, domain: str, country: str, query: Profile, candidate: Profile) -> tuple[float, ...]:
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
        float(_two_typos_in_a_word(names)),
        float(_short_word_typo(names, query, candidate)),
        float(_acronym_typo(names, query, candidate)),
        float(_typo_is_a_new_word(names, query)),
        float(_swap_is_a_known_word(names, query)),
        float(domain == "same"),
        float(domain == "related"),
        float(domain == "different"),
        float(country == "same"),
        float(country == "different"),
    )


def _two_typos_in_a_word(names: NameComparison) -> bool:
    """One word two typing edits from the other name's (5+ letters), every other distinctive word the same."""
    return names.word_edits == 2


def _short_word_typo(names: NameComparison, query: Profile, candidate: Profile) -> bool:
    """One short word (under TYPO_MIN_LENGTH letters, and a word, not an acronym) a typing edit
    from the other name's, next to a distinctive word written the same."""
    return names.word_edits == 1 and names.word_length < TYPO_MIN_LENGTH and names.same_words > 0 and not _acronym(names, query, candidate)


def _acronym_typo(names: NameComparison, query: Profile, candidate: Profile) -> bool:
    """One short word a letter from the other name's where one of them is an acronym (written in
    capitals, or without a vowel): "ZNP" / "ZNR" are as often another company's letters as a typo."""
    return names.word_edits == 1 and names.word_length < TYPO_MIN_LENGTH and _acronym(names, query, candidate)


def _acronym(names: NameComparison, query: Profile, candidate: Profile) -> bool:
    typed, stored = names.pair
    if not (_VOWELS.intersection(typed) and _VOWELS.intersection(stored)):
        return True
    return typed in capitalised(query.written) or stored in capitalised(candidate.written)


def _typo_is_a_new_word(names: NameComparison, query: Profile) -> bool:
    """The typed words that differ are each a typo away from one of the other name's, and no stored
    name uses them: a slip of the keyboard, not another company's word."""
    return bool(names.typo_words) and not names.swapped_words and all(w in query.new_words for w in names.typo_words)


def _swap_is_a_known_word(names: NameComparison, query: Profile) -> bool:
    """A typed word that differs, not a typo of the other name's, is a word other stored companies
    use ("India" for "France"): a sibling's word, not a slip."""
    return any(w in query.known_words for w in names.swapped_words)


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
# What the bound checks pair by pair instead (cheaply): a short word's typo needs a short word on
# each side, the typed words' corpus evidence a new word in the query, a same country the country.
_CHECKED = {feature: max(0.0, COEFFICIENTS[FEATURES.index(feature)]) for feature in ("short_word_typo", "typo_new_word", "country_same")}
_MOST_UNCHECKED = _MOST_FROM_EVIDENCE - sum(_CHECKED.values())


def _has_short_word(tokens: tuple[str, ...]) -> bool:
    """A distinctive word that a short word's typo could be (short_word_typo needs one on each side)."""
    return any((len(t) < TYPO_MIN_LENGTH or t in ABBREVIATIONS) and token_weight(t) == 1.0 for t in tokens)


def probability(values: tuple[float, ...]) -> float:
    z = BIAS + sum(c * v for c, v in zip(COEFFICIENTS, values, strict=True))
    return 1.0 / (1.0 + math.exp(-z)) if z > -50 else 0.0


def may_reach(query: Profile, candidate: Profile, cutoff: float) -> bool:
    """False when `candidate` cannot score `cutoff` whatever the rest of the evidence: a bound
    from the distinctive words alone (one string comparison), checked before the full score."""
    if cutoff <= 0.0 or (query.domain and query.domain == candidate.domain) or core_skeleton(query.name.tokens) == core_skeleton(candidate.name.tokens):
        return True  # (the same core: compare_names may call the cores equal whatever the scoring's weak words)
    mine, theirs = _aligned(query.name.tokens, candidate.name.tokens), _aligned(candidate.name.tokens, query.name.tokens)
    core = OSA.normalized_similarity(core_skeleton(mine, weak=_scored_weak), core_skeleton(theirs, weak=_scored_weak))
    if len(mine) > 1 or len(theirs) > 1:
        core = max(
            core,
            OSA.normalized_similarity(core_skeleton(mine, ordered=False, weak=_scored_weak), core_skeleton(theirs, ordered=False, weak=_scored_weak)),
        )
    evidence = _MOST_UNCHECKED
    if _has_short_word(mine) and _has_short_word(theirs):
        evidence += _CHECKED["short_word_typo"]
    if query.new_words:
        evidence += _CHECKED["typo_new_word"]
    if _country_relation(query, candidate) == "same":
        evidence += _CHECKED["country_same"]
    best = BIAS + COEFFICIENTS[0] + COEFFICIENTS[1] * core + evidence
    return best >= _logit(cutoff)


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def score(query: Profile, candidate: Profile) -> Score:
    """How likely `candidate` is the company `query` describes, with the evidence per feature."""
    names = compare_pair(query, candidate)
    domain = domain_relation(query, candidate)
    country = _country_relation(query, candidate)
    value = probability(_features(names, domain, country, query, candidate))
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
    if names.word_edits:
        typed, stored = names.pair
        slips = "a typing slip" if names.word_edits == 1 else "two typing slips"
        detail += f"; '{typed}' is {slips} from '{stored}'"
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


def with_corpus_words(query: Profile, postings: Mapping[str, Sequence[int]]) -> Profile:
    """`query` told which of its distinctive words stored names use, from the customers its 't:'
    keys found (read with the other candidates: no extra statement)."""
    known: set[str] = set()
    new: set[str] = set()
    for word, weak in _spelled(query.name).items():
        found = postings.get("t:" + word) if not weak else None
        if found is not None:
            (known if found else new).add(word)
    return replace(query, known_words=frozenset(known), new_words=frozenset(new))


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
    for reading in _canonical_readings(name.tokens):
        keys += [key for key in blocking_keys(reading) if key.startswith(("p:", "s:"))]
    return _bounded(keys)


_CANONICAL_FORMS = tuple(form for form in CANONICAL if len(form) >= 4)  # 3-letter forms are a letter from too many words
MAX_CANONICAL_READINGS = 2


def _canonical_readings(tokens: tuple[str, ...]) -> list[NormalizedName]:
    """The name read with a typed word that is a typo of a word's written form ('laabs', 'lbas'
    for 'labs') as that word ('laboratories'), as normalization writes every stored name: so its
    pair and whole-name keys find the company even when its other words are too common to ('Santos
    Laabs' for 'Santos Labs'). At most MAX_CANONICAL_READINGS."""
    readings: list[NormalizedName] = []
    for position, token in enumerate(tokens):
        if token in CANONICAL or token in STOPWORDS or len(token) < 3 or token.isdigit():
            continue
        found = process.extractOne(token, _CANONICAL_FORMS, scorer=OSA.distance, score_cutoff=1)
        if found is not None:
            readings.append(NormalizedName.of((*tokens[:position], CANONICAL[found[0]], *tokens[position + 1 :])))
        if len(readings) >= MAX_CANONICAL_READINGS:
            break
    return readings


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
