"""Company names reduced to the words that identify the company.

`normalize_name("The Acme Intl. Svcs, S.p.A.")` and `normalize_name("ACME International Services")`
both give the tokens ("acme", "international", "services"): case, accents, punctuation, dotted
abbreviations, "&"/"and", a leading "The", common abbreviations and legal forms of many countries
are all folded away. Pure functions, no database.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

# Letters that NFKD does not decompose into a base letter plus an accent.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "ø": "o",
        "Ø": "o",
        "œ": "oe",
        "Œ": "oe",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ı": "i",
        "&": " and ",
        "＆": " and ",
        "'": "",
        "’": "",
        "‘": "",
        "`": "",
        "´": "",
    }
)
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# "s.p.a." "b.v" "k.k." "u.s.a.": single letters joined by dots become one word.
_DOTTED = re.compile(r"(?<![^\W_])(?:[^\W\d_]\.)+[^\W\d_](?![^\W_])\.?")
_WORD = re.compile(r"[^\W_]+")

# Abbreviations and spelling variants, each to one canonical word.
_CANONICAL: dict[str, tuple[str, ...]] = {
    "international": ("intl", "internat", "internatl", "international", "internationale", "internacional", "internazionale"),
    "national": ("natl", "national"),
    "services": ("svc", "svcs", "srvcs", "service", "services"),
    "manufacturing": ("mfg", "manufacturing"),
    "technology": ("tech", "techs", "techn", "technology", "technologies", "technologie", "tecnologia"),
    "systems": ("sys", "syst", "system", "systems"),
    "group": ("grp", "group", "groupe", "gruppe", "grupo", "gruppo"),
    "holdings": ("hldg", "hldgs", "holding", "holdings"),
    "associates": ("assoc", "assocs", "associate", "associates"),
    "association": ("assn", "association"),
    "brothers": ("bros", "brothers"),
    "management": ("mgmt", "mgt", "management"),
    "development": ("dev", "devel", "development"),
    "engineering": ("eng", "engg", "engr", "engineering"),
    "industries": ("ind", "inds", "indus", "industries"),
    "laboratories": ("lab", "labs", "laboratory", "laboratories"),
    "communications": ("comm", "comms", "communication", "communications"),
    "pharmaceuticals": ("pharma", "pharm", "pharmaceutical", "pharmaceuticals"),
    "products": ("prod", "prods", "product", "products"),
    "center": ("ctr", "cntr", "center", "centre"),
    "university": ("univ", "university"),
    "institute": ("inst", "institute"),
    "distribution": ("distrib", "distr", "distribution"),
    "solutions": ("soln", "solns", "solution", "solutions"),
    "consulting": ("consult", "consulting", "consultants", "consultancy"),
    "investments": ("invest", "investment", "investments"),
    "marketing": ("mktg", "marketing"),
    "government": ("govt", "government"),
    "foundation": ("fdn", "fndn", "foundation"),
    "operations": ("ops", "operations"),
    "cooperative": ("coop", "cooperative"),
    "hospital": ("hosp", "hospital"),
    "medical": ("med", "medical"),
    "accounting": ("acctg", "accounting"),
}
CANONICAL = {variant: word for word, variants in _CANONICAL.items() for variant in variants}
# The longer spellings behind each canonical word, so a typo in one still counts ("technoolgies");
# short ones ("pharma") are too close to other words ("sharma").
SPELLINGS = {word: tuple(v for v in variants if len(v) >= 8) for word, variants in _CANONICAL.items()}
_CANONICAL_GET = CANONICAL.get

# Legal forms, as token sequences after folding ("S.A. de C.V." -> "sa de cv"), stripped from the end.
_LEGAL_FORMS = """
inc|incorporated|corp|corporation|co|cos|company|companies|llc|llp|lllp|lp|ltd|limited|plc|pty|pty ltd|pty limited|pte|pte ltd
pvt|pvt ltd|private limited|pvt limited|ltd co|co ltd|co limited|and co|and company|and cia|y cia|cia|cie|et cie
gmbh|mbh|ag|kg|kgaa|gmbh and co kg|gmbh and co|ag and co kg|se and co kg|ohg|gbr|ug|ek|ev|se
sa|sas|sasu|sarl|sa rl|s ar l|sca|scs|snc|eurl|sci|scop|spa|srl|srls|sapa|sl|slu|sll|sau|sab|sab de cv|sa de cv
s de rl de cv|s de rl|de cv|sapi de cv|cv|sc|ltda|limitada|eireli|epp|me|lda|sgps
bv|nv|vof|bvba|cvba|sprl|scrl|ab|ab publ|publ|as|asa|aps|ks|oy|oyj|ky|hf|ehf|oü|ou|uab|sia|aat|ab oy
kk|kabushiki kaisha|kabushikikaisha|gk|godo kaisha|yk|yugen kaisha|jsc|pjsc|ojsc|cjsc|oao|ooo|zao|pao|ao|tov
sp z oo|spzoo|sp j|sp k|sro|spol s ro|as|doo|dd|ad|ood|eood|kft|zrt|nyrt|bt|bhd|sdn bhd|berhad|sendirian berhad
tbk|fz llc|fzllc|fze|fzco|fz co|dmcc|wll|spc|saog|psc|saoc|nl|pllc|pc|pa|dba|dac|uc|clg|ulc|lc|ооо|оао|зао|пао|ао
"""
LEGAL_FORMS = frozenset(tuple(form.split()) for line in _LEGAL_FORMS.split() for form in line.split("|"))
# Forms that come first in some countries (PT Astra, OOO Gazprom, Kabushiki Kaisha Toshiba).
LEADING_LEGAL_FORMS = frozenset(
    tuple(form.split()) for form in ("pt", "ooo", "oao", "zao", "pao", "tov", "kk", "cv", "kabushiki kaisha", "ооо", "оао", "зао", "пао")
)
_FORMS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _form in sorted(LEGAL_FORMS, key=len, reverse=True):
    _FORMS_BY_LAST.setdefault(_form[-1], []).append(_form)
_LEADING_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _form in LEADING_LEGAL_FORMS:
    _LEADING_BY_FIRST.setdefault(_form[0], []).append(_form)

# Words that join or decorate names: they count little when comparing.
STOPWORDS = frozenset(
    [
        "and",
        "of",
        "the",
        "for",
        "a",
        "an",
        "at",
        "by",
        "in",
        "on",
        "de",
        "del",
        "della",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "des",
        "la",
        "le",
        "les",
        "el",
        "los",
        "las",
        "der",
        "die",
        "das",
        "den",
        "dem",
        "und",
        "van",
        "von",
        "het",
        "zu",
        "y",
        "e",
        "et",
        "i",
        "och",
        "og",
    ]
)
# Words many different companies share: a match on them alone says little.
GENERIC = frozenset(
    [
        "group",
        "holdings",
        "services",
        "solutions",
        "systems",
        "international",
        "global",
        "worldwide",
        "national",
        "technology",
        "consulting",
        "partners",
        "associates",
        "enterprises",
        "industries",
        "management",
        "trading",
        "ventures",
        "products",
        "development",
        "operations",
        "company",
        "corporate",
        "usa",
        "america",
        "americas",
        "europe",
        "asia",
    ]
)


class NormalizedName(NamedTuple):
    """A tuple, not a dataclass: one is built per imported row, and tuples are built fastest."""

    tokens: tuple[str, ...]
    key: str  # tokens joined by spaces: what the scorer compares
    compact: str  # tokens without spaces: 'Micro Soft' and 'Microsoft' share it

    @classmethod
    def of(cls, tokens: tuple[str, ...]) -> NormalizedName:
        return cls(tokens, " ".join(tokens), "".join(tokens))

    @classmethod
    def from_key(cls, key: str) -> NormalizedName:
        tokens = tuple(key.split())
        return cls(tokens, key, "".join(tokens))


def _undot(match: re.Match[str]) -> str:
    return match.group(0).replace(".", "")


def fold(text: str) -> str:
    """Lower-case, without accents, '&' spelled 'and', apostrophes dropped."""
    if text.isascii():
        # The common case, without the (slow) dict-driven translate.
        if "&" in text:
            text = text.replace("&", " and ")
        if "'" in text or "`" in text:
            text = text.replace("'", "").replace("`", "")
        return text.lower()
    text = text.translate(_FOLD)
    if not text.isascii():
        text = _COMBINING.sub("", unicodedata.normalize("NFKD", text))
    return text.casefold()


def tokenize(text: str) -> list[str]:
    folded = fold(text)
    if "." in folded:
        folded = _DOTTED.sub(_undot, folded)
    tokens = _WORD.findall(folded)
    for token in tokens:
        if len(token) == 1:
            return _join_single_letters(tokens)
    return tokens


@lru_cache(maxsize=1024)  # the schema checks a name, then the record derives its keys from the same name
def normalize_name(name: str) -> NormalizedName:
    """The identifying words of a company name (empty when it has no letters or digits)."""
    tokens = [_CANONICAL_GET(t, t) for t in tokenize(name)]
    if len(tokens) > 1:
        if tokens[0] == "the":
            del tokens[0]
        if len(tokens) > 1 and tokens[-1] == "the":  # "Acme Company, The" (CRM sort order)
            del tokens[-1]
        if len(tokens) > 1:
            _strip_legal_forms(tokens)
    return NormalizedName.of(tuple(tokens))


def _join_single_letters(tokens: list[str]) -> list[str]:
    """'I B M' -> 'ibm', 'A S' -> 'as': runs of single letters are one word."""
    joined: list[str] = []
    run = ""
    for token in tokens:
        if len(token) == 1 and not token.isdigit():
            run += token
            continue
        if run:
            joined.append(run)
            run = ""
        joined.append(token)
    if run:
        joined.append(run)
    return joined


_JOINING = frozenset({"and", "y", "et", "und"})


def _strip_legal_forms(tokens: list[str]) -> None:
    """Drop legal forms from the end (repeatedly: 'Holdings Pty Ltd') and a leading one, in
    place, never leaving nothing: a company called 'Company' is still called that."""
    changed = True
    while changed and len(tokens) > 1:
        changed = False
        for form in _FORMS_BY_LAST.get(tokens[-1], ()):
            size = len(form)
            if size < len(tokens) and (size == 1 or tuple(tokens[-size:]) == form):
                del tokens[-size:]
                changed = True
                break
        if len(tokens) > 1 and tokens[-1] in _JOINING:
            del tokens[-1]
            changed = True
    for form in _LEADING_BY_FIRST.get(tokens[0], ()):
        if len(form) < len(tokens) and tuple(tokens[: len(form)]) == form:
            del tokens[: len(form)]
            return
