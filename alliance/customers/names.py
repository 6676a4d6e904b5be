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
    "international": (
        "intl", "internat", "internatl", "international", "internationale", "internacional", "internazionale", "internationaal", "internasional",
    ),
    "national": ("natl", "national", "nationale", "nacional", "nazionale"),
    "services": ("svc", "svcs", "srvcs", "servs", "service", "services", "servicios", "servicos", "servizi"),
    "manufacturing": ("mfg", "mfrs", "manufacturing", "manufacturers"),
    "technology": ("tech", "techs", "techn", "technology", "technologies", "technologie", "tecnologia", "tecnologias", "tecnologie"),
    "systems": ("sys", "syst", "system", "systems", "sistemas", "sistemi", "systeme"),
    "group": ("grp", "group", "groupe", "gruppe", "grupo", "gruppo", "groep"),
    "holdings": ("hldg", "hldgs", "holding", "holdings"),
    "associates": ("assoc", "assocs", "associate", "associates", "associes", "asociados", "associati", "associados"),
    "association": ("assn", "association"),
    "brothers": ("bros", "brothers", "fratelli", "flli", "gebr", "gebruder", "gebrueder", "hnos", "hermanos", "freres", "irmaos"),
    "management": ("mgmt", "mgt", "management"),
    "development": ("dev", "devel", "development"),
    "engineering": ("eng", "engg", "engr", "engineering", "ingenieria", "ingegneria", "engenharia", "ingenierie"),
    "industries": ("ind", "inds", "indus", "industries", "industrias", "industrie", "industria"),
    "laboratories": (
        "lab", "labs", "laboratory", "laboratories", "laboratorio", "laboratorios", "laboratoire", "laboratoires", "laboratorium", "laboratori",
    ),
    "communications": ("comm", "comms", "communication", "communications", "comunicaciones", "comunicacoes", "comunicazioni"),
    "pharmaceuticals": ("pharma", "pharm", "pharmaceutical", "pharmaceuticals", "farmaceutici", "farmaceutica"),
    "products": ("prod", "prods", "product", "products"),
    "center": ("ctr", "cntr", "center", "centre", "centro", "zentrum"),
    "university": ("univ", "university", "universidad", "universite", "universitat", "universita", "universidade", "universiteit"),
    "institute": ("inst", "institute", "instituto", "institut", "istituto"),
    "distribution": ("distrib", "distr", "distribution", "distribucion", "distribuzione", "distribuidora"),
    "solutions": ("soln", "solns", "solution", "solutions", "soluciones", "solucoes", "soluzioni"),
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
    "department": ("dept", "dpt", "department"),
    "society": ("ste", "soc", "societe", "society", "sociedad", "societa", "sociedade"),
    "company": ("cie", "cia", "compagnie", "compania", "companhia", "compagnia", "company"),
    "general": ("gen", "genl", "gral", "general", "generale"),
    "financial": ("fin", "finl", "financial", "financiera", "finanziaria"),
    "chemicals": ("chem", "chemical", "chemicals"),
    "insurance": ("ins", "insur", "insurance"),
    "enterprises": ("ent", "entps", "enterprise", "enterprises"),
}  # fmt: skip
CANONICAL = {variant: word for word, variants in _CANONICAL.items() for variant in variants}
# The longer spellings behind each canonical word, so a typo in one still counts ("technoolgies");
# short ones ("pharma") are too close to other words ("sharma").
SPELLINGS = {word: tuple(v for v in variants if len(v) >= 8) for word, variants in _CANONICAL.items()}
# The short spellings ("labs", "intl", "mfg"): a typo in one ("lbas") is a typo in a short word.
ABBREVIATIONS = {word: tuple(v for v in variants if 3 <= len(v) < 8) for word, variants in _CANONICAL.items()}
_CANONICAL_GET = CANONICAL.get

# Legal forms, as token sequences after folding ("S.A. de C.V." -> "sa de cv"), stripped from the end.
_LEGAL_FORMS = """
inc|incorporated|corp|corporation|co|cos|company|companies|llc|llp|lllp|lp|ltd|limited|plc|pty|pty ltd|pty limited|pte|pte ltd
pvt|pvt ltd|private limited|pvt limited|ltd co|co ltd|co limited|and co|and company|y company|et company|ltd sti|sti|as
gmbh|mbh|ag|kg|kgaa|gmbh and co kg|gmbh and co|ag and co kg|se and co kg|ohg|gbr|ug|ek|ev|se
sa|sas|sasu|sarl|sa rl|s ar l|sca|scs|snc|eurl|sci|scop|spa|srl|srls|sapa|sl|slu|sll|sau|sab|sab de cv|sa de cv
s de rl de cv|s de rl|de cv|sapi de cv|cv|sc|ltda|limitada|eireli|epp|me|lda|sgps
bv|nv|vof|bvba|cvba|sprl|scrl|ab|ab publ|publ|as|asa|aps|ks|oy|oyj|ky|hf|ehf|oü|ou|uab|sia|aat|ab oy
kk|kabushiki kaisha|kabushikikaisha|gk|godo kaisha|yk|yugen kaisha|jsc|pjsc|ojsc|cjsc|oao|ooo|zao|pao|ao|tov
sp z oo|spzoo|sp j|sp k|sro|spol s ro|as|doo|dd|ad|ood|eood|kft|zrt|nyrt|bt|bhd|sdn bhd|berhad|sendirian berhad
tbk|fz llc|fzllc|fze|fzco|fz co|dmcc|wll|spc|saog|psc|saoc|nl|pllc|pc|pa|dba|dac|uc|clg|ulc|lc|ооо|оао|зао|пао|ао
"""
LEGAL_FORMS = frozenset(tuple(form.split()) for line in _LEGAL_FORMS.split() for form in line.split("|"))
LEGAL_FORM_WORDS = frozenset(word for form in LEGAL_FORMS for word in form)
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


# Qualifiers: a region, country, site or department written after the company's name ("Acme – EMEA",
# "Acme (UK)", "Acme North America", "Acme Finance Dept"). They say which part of the company, not
# which company, so they are set aside from the end of a name (see _strip_qualifiers).
_REGIONS = """
emea|apac|apj|latam|amer|americas|nordics|nordic|dach|benelux|anz|mena|cee|cis|nam|emear|asean|gcc|scandinavia|iberia|oceania
north america|south america|latin america|central america|asia pacific|middle east|middle east and africa|africa|asia|europe
western europe|eastern europe|central europe|northern europe|southern europe|uk and ireland|uki|ww|worldwide|global
"""
_COUNTRIES = """
uk|gb|usa|us|united states|united states of america|united kingdom|great britain|britain|england|scotland|wales|ireland|eire
germany|deutschland|france|italia|italy|spain|espana|portugal|netherlands|nederland|holland|belgium|belgie|belgique|luxembourg
switzerland|schweiz|suisse|svizzera|austria|osterreich|sweden|sverige|norway|norge|denmark|danmark|finland|suomi|iceland
poland|polska|czech republic|czechia|slovakia|hungary|romania|bulgaria|greece|turkey|turkiye|russia|ukraine|israel|uae
saudi arabia|qatar|egypt|south africa|nigeria|kenya|morocco|india|china|prc|japan|nippon|korea|south korea|singapore
malaysia|indonesia|thailand|vietnam|philippines|australia|new zealand|canada|mexico|brazil|brasil|argentina|chile|colombia
peru|hong kong|taiwan|sg|hk
"""
_SITES = """
hq|headquarters|corporate|corporate office|head office|main office|registered office|global hq|group hq|procurement|purchasing
"""
# Department words only count as a qualifier before a site word or after a dash: "Acme Finance" is a name.
_DEPARTMENT_WORDS = frozenset(
    [
        "finance",
        "accounting",
        "accounts",
        "hr",
        "it",
        "legal",
        "procurement",
        "purchasing",
        "sales",
        "marketing",
        "operations",
        "research",
        "engineering",
        "facilities",
        "treasury",
        "payroll",
        "admin",
        "administration",
        "support",
        "it",
        "helpdesk",
        "tax",
        "audit",
        "compliance",
        "security",
        "logistics",
        "supply",
        "chain",
        "human",
        "resources",
        "regional",
        "local",
        "branch",
        "head",
        "sales",
        "main",
    ]
)
_SITE_SUFFIXES = frozenset(["department", "division", "office", "team", "unit", "branch", "site", "plant", "campus", "subsidiary"])
_CITIES = frozenset(
    [
        "london",
        "paris",
        "berlin",
        "munich",
        "frankfurt",
        "hamburg",
        "madrid",
        "barcelona",
        "milan",
        "rome",
        "amsterdam",
        "rotterdam",
        "brussels",
        "zurich",
        "geneva",
        "vienna",
        "stockholm",
        "oslo",
        "copenhagen",
        "helsinki",
        "warsaw",
        "prague",
        "dublin",
        "lisbon",
        "istanbul",
        "dubai",
        "mumbai",
        "bangalore",
        "delhi",
        "chennai",
        "tokyo",
        "osaka",
        "seoul",
        "beijing",
        "shanghai",
        "shenzhen",
        "singapore",
        "sydney",
        "melbourne",
        "toronto",
        "montreal",
        "vancouver",
        "chicago",
        "boston",
        "houston",
        "dallas",
        "atlanta",
        "seattle",
        "denver",
        "austin",
        "miami",
        "york",
        "ny",
        "nyc",
        "sf",
        "la",
    ]
)
QUALIFIERS = frozenset(tuple(q.split()) for block in (_REGIONS, _COUNTRIES, _SITES) for line in block.strip().splitlines() for q in line.split("|"))
QUALIFIER_WORDS = frozenset(word for q in QUALIFIERS for word in q) - {"and", "of"}
_QUALIFIERS_BY_LAST: dict[str, list[tuple[str, ...]]] = {}
for _q in sorted(QUALIFIERS, key=len, reverse=True):
    _QUALIFIERS_BY_LAST.setdefault(_q[-1], []).append(_q)
_TAIL_WORDS = QUALIFIER_WORDS | _DEPARTMENT_WORDS | _SITE_SUFFIXES | _CITIES
_BRACKETED = re.compile(r"\s*[(\[][^)\]]*[)\]]?")
_DASH_TAIL = re.compile(r"\s+[-\u2010-\u2015|/]\s+(?P<tail>[^-\u2010-\u2015|/]+)$")
_FRATELLI = re.compile(r"\bf\.\s*lli\b", re.IGNORECASE)
# A name must keep this much to have a qualifier set aside: "Air India" stays, "Acme Analytics UK" loses "UK".
_MIN_KEPT_LETTERS = 5


_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def capitalised(name: str) -> frozenset[str]:
    """The short words (2-4 letters) a name writes in capitals, folded ("ZNP Analytics" -> {"znp"}):
    acronyms. Nothing when the whole name is in capitals (then case says nothing)."""
    if not any(c.islower() for c in name):
        return frozenset()
    return frozenset(fold(w) for w in _LETTERS.findall(name) if 2 <= len(w) <= 4 and w.isupper())


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
    tokens = [_CANONICAL_GET(t, t) for t in _split_generic_endings(tokenize(_without_bracketed_or_dashed_qualifiers(name)))]
    if len(tokens) > 1:
        if tokens[0] == "the":
            del tokens[0]
        if len(tokens) > 1 and tokens[-1] == "the":  # "Acme Company, The" (CRM sort order)
            del tokens[-1]
        if len(tokens) > 1:
            _strip_legal_forms(tokens)
            if _strip_qualifiers(tokens):
                _strip_legal_forms(tokens)  # "Acme Ltd (UK)", "Acme UK Ltd"
    return NormalizedName.of(tuple(tokens))


_GENERIC_ENDINGS = ("worldwide", "international", "global", "group", "holdings", "services", "solutions", "partners")
_MIN_STEM = 4


def _split_generic_endings(tokens: list[str]) -> list[str]:
    """'propertyworldwide' -> 'property worldwide', 'acmegroup' -> 'acme group': a generic word
    written onto the name (not 'newgroup': too little before it)."""
    if not any(len(t) >= _MIN_STEM + 5 for t in tokens):
        return tokens
    out: list[str] = []
    for token in tokens:
        for ending in _GENERIC_ENDINGS:
            if token.endswith(ending) and len(token) - len(ending) >= _MIN_STEM:
                out += [token[: -len(ending)], ending]
                break
        else:
            out.append(token)
    return out


def _without_bracketed_or_dashed_qualifiers(name: str) -> str:
    """'Acme (UK) Ltd' -> 'Acme Ltd'; 'Acme - Finance Dept' -> 'Acme': a bracket is always an aside,
    a dash's tail only when every word of it is a place, region, department or site word."""
    if "." in name and "lli" in name.lower():
        name = _FRATELLI.sub("Fratelli", name)
    if "(" in name or "[" in name:
        kept = _BRACKETED.sub(" ", name)
        if _WORD.search(kept):
            name = kept
    if " " in name:
        tail = _DASH_TAIL.search(name)
        if tail and _WORD.search(name[: tail.start()]):
            words = [_CANONICAL_GET(t, t) for t in tokenize(tail.group("tail"))]
            if words and all(w in _TAIL_WORDS or w in STOPWORDS or w in LEGAL_FORM_WORDS for w in words):
                name = name[: tail.start()]
    return name


def _strip_qualifiers(tokens: list[str]) -> bool:
    """Drop trailing qualifiers in place ('north america', 'finance department', 'london office',
    'hq'), while what is left keeps at least _MIN_KEPT_LETTERS letters of other words and the word
    before is not a joining word ('Bank of America' stays). True when something was dropped."""
    dropped = False
    while len(tokens) > 1:
        size = _trailing_qualifier(tokens)
        if not size or size >= len(tokens):
            break
        rest = tokens[:-size]
        if rest[-1] in STOPWORDS or sum(len(t) for t in rest if t not in STOPWORDS) < _MIN_KEPT_LETTERS:
            break
        del tokens[-size:]
        dropped = True
    return dropped


def _trailing_qualifier(tokens: list[str]) -> int:
    last = tokens[-1]
    for phrase in _QUALIFIERS_BY_LAST.get(last, ()):
        if len(phrase) <= len(tokens) and tuple(tokens[-len(phrase) :]) == phrase:
            return len(phrase)
    if last in _SITE_SUFFIXES:
        before = tokens[-2] if len(tokens) > 1 else ""
        return 2 if before in _DEPARTMENT_WORDS or before in _CITIES or before in QUALIFIER_WORDS else 1
    return 0


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
