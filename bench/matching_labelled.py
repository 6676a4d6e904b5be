"""A hard, deterministic labelled set for customer matching, written from how people actually mistype
companies rather than from the matcher's own rules.

`Corpus(seed).companies(n)` gives n distinct companies in fourteen countries' naming styles (family
names, places, invented brands, local descriptor words, local legal forms, ccTLD websites), many of
them in sibling groups that share a brand, a family name or a place and differ by one word
("Orbeline Analytics" / "Orbeline Logistics", "Rossi & Bianchi" / "Rossi & Ferrari"). Siblings are
what makes precision hard: a variant of one must not find the other.

`queries(corpus, companies, count, seed)` gives labelled queries: variants of a known company (one
family, or a combination of two or three) labelled with its id, and hard negatives (a sibling that
is not in the corpus, a near acronym, an unknown company) labelled None. Pure Python, no database.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

# --- naming styles ------------------------------------------------------------------------------

STYLES: dict[str, dict[str, tuple[str, ...]]] = {
    "US": {
        "surnames": (
            "Johnson",
            "Whitaker",
            "Caldwell",
            "Hendricks",
            "Brennan",
            "Lowell",
            "Prescott",
            "Harrington",
            "Delgado",
            "Kowalczyk",
            "Nakamura",
            "Fitzgerald",
        ),
        "places": ("Cascade", "Redwood", "Chesapeake", "Harborview", "Ironwood", "Great Lakes", "Blue Ridge", "Sonoran", "Tidewater", "Winnipeg"),
        "descriptors": ("Analytics", "Logistics", "Health", "Capital", "Robotics", "Foods", "Insurance", "Data Works", "Builders", "Outfitters"),
        "legal": ("Inc.", "LLC", "Corp.", "Corporation", "Co.", "L.L.C."),
        "tld": ("com",),
    },
    "GB": {
        "surnames": ("Ashworth", "Pemberton", "Blackwood", "Thornton", "Winterbottom", "Haverford", "Coulthard", "McAllister", "Fairbairn", "Greenhalgh"),
        "places": ("Pennine", "Thames Valley", "Cotswold", "Mersey", "Solent", "Cheviot", "Severn", "Fenland"),
        "descriptors": ("Engineering", "Brewing", "Estates", "Insurance", "Media", "Partnership", "Surveyors", "Textiles", "Haulage"),
        "legal": ("Ltd", "Limited", "PLC", "LLP"),
        "tld": ("co.uk", "uk", "com"),
    },
    "DE": {
        "surnames": ("Müller", "Schröder", "Weiß", "Krüger", "Hoffmann", "Schäfer", "Bäcker", "Strauß", "Jäger", "Köhler", "Große", "Fuchs"),
        "places": ("Rheinland", "Schwarzwald", "Bodensee", "Münsterland", "Allgäu", "Spreewald", "Oberpfalz"),
        "descriptors": ("Maschinenbau", "Logistik", "Elektrotechnik", "Bau", "Software", "Versicherungen", "Metallwerke", "Druckerei", "Brauerei"),
        "legal": ("GmbH", "AG", "GmbH & Co. KG", "KG", "e.K."),
        "tld": ("de", "com"),
    },
    "FR": {
        "surnames": ("Lefèvre", "Dubois", "Moreau", "Girard", "Rousseau", "Chevalier", "Fontaine", "Mercier", "Bérenger", "Lacroix"),
        "places": ("Provence", "Bretagne", "Côte d'Azur", "Loire", "Normandie", "Vosges", "Aquitaine"),
        "descriptors": ("Transports", "Électricité", "Conseil", "Bâtiment", "Informatique", "Assurances", "Distribution", "Vins"),
        "legal": ("SA", "SAS", "SARL", "S.A.", "SASU"),
        "tld": ("fr", "com"),
    },
    "IT": {
        "surnames": ("Rossi", "Bianchi", "Ferrari", "Esposito", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca"),
        "places": ("Lombarda", "Adriatica", "Toscana", "Dolomiti", "Ligure", "Vesuvio", "Padana"),
        "descriptors": ("Costruzioni", "Trasporti", "Meccanica", "Alimentari", "Impianti", "Tessile", "Ceramiche", "Farmaceutici"),
        "legal": ("S.p.A.", "S.r.l.", "SRL", "S.n.c."),
        "tld": ("it", "com"),
    },
    "ES": {
        "surnames": ("García", "Fernández", "González", "Rodríguez", "Martínez", "Sánchez", "Pérez", "Gómez", "Núñez", "Jiménez"),
        "places": ("Cantábrica", "Andaluza", "Levante", "Ibérica", "Galaica", "Castellana", "Balear"),
        "descriptors": ("Construcciones", "Transportes", "Alimentación", "Seguros", "Ingeniería", "Energía", "Telecomunicaciones"),
        "legal": ("S.A.", "S.L.", "SL", "S.L.U."),
        "tld": ("es", "com"),
    },
    "NL": {
        "surnames": ("de Vries", "van Dijk", "Bakker", "Janssen", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "van den Berg"),
        "places": ("Zeeland", "Veluwe", "Brabant", "Twente", "Drenthe", "Waddenzee"),
        "descriptors": ("Bouw", "Installatietechniek", "Transport", "Groenten", "Techniek", "Verzekeringen", "Havendiensten"),
        "legal": ("B.V.", "BV", "N.V."),
        "tld": ("nl", "com"),
    },
    "SE": {
        "surnames": ("Johansson", "Lindqvist", "Åberg", "Sjöberg", "Håkansson", "Nyström", "Björk", "Ødegaard", "Sørensen", "Løvstad"),
        "places": ("Norrland", "Gotland", "Skåne", "Fjäll", "Vänern", "Øresund", "Trøndelag", "Jylland"),
        "descriptors": ("Bygg", "Skog", "Energi", "Fastigheter", "Maskin", "Elektronik", "Transport", "Rådgivning"),
        "legal": ("AB", "A/S", "AS", "ApS", "Oy"),
        "tld": ("se", "no", "dk", "com"),
    },
    "PL": {
        "surnames": ("Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński", "Szymański", "Woźniak", "Dąbrowski"),
        "places": ("Mazowsze", "Pomorze", "Śląsk", "Podhale", "Warmia", "Kujawy"),
        "descriptors": ("Budownictwo", "Transport", "Systemy", "Logistyka", "Handel", "Drukarnia", "Energetyka"),
        "legal": ("Sp. z o.o.", "S.A.", "sp. j."),
        "tld": ("pl", "com"),
    },
    "BR": {
        "surnames": ("Silva", "Santos", "Oliveira", "Souza", "Pereira", "Carvalho", "Araújo", "Ribeiro", "Gonçalves", "Conceição"),
        "places": ("Paulista", "Guanabara", "Cerrado", "Serra Azul", "Atlântica", "Amazônia", "Pampa"),
        "descriptors": ("Comércio", "Transportes", "Engenharia", "Alimentos", "Serviços", "Construtora", "Tecnologia", "Distribuidora"),
        "legal": ("Ltda.", "S.A.", "LTDA", "EIRELI"),
        "tld": ("com.br", "com"),
    },
    "JP": {
        "surnames": ("Tanaka", "Suzuki", "Takahashi", "Watanabe", "Yamamoto", "Kobayashi", "Yoshida", "Yamaguchi", "Matsumoto", "Inoue"),
        "places": ("Kansai", "Hokuriku", "Tohoku", "Setouchi", "Kyushu", "Shinano", "Chubu"),
        "descriptors": ("Shoji", "Kogyo", "Seiki", "Denki", "Kensetsu", "Unyu", "Seiyaku", "Tsusho"),
        "legal": ("K.K.", "Co., Ltd.", "Kabushiki Kaisha", "Corporation"),
        "tld": ("co.jp", "jp", "com"),
    },
    "IN": {
        "surnames": ("Sharma", "Agarwal", "Reddy", "Iyer", "Menon", "Chatterjee", "Deshpande", "Kulkarni", "Bhattacharya", "Malhotra"),
        "places": ("Deccan", "Konkan", "Malabar", "Coromandel", "Himalaya", "Narmada", "Godavari"),
        "descriptors": ("Infotech", "Textiles", "Pharma", "Steels", "Exports", "Agro", "Finserv", "Infra", "Motors"),
        "legal": ("Pvt Ltd", "Private Limited", "Ltd", "LLP"),
        "tld": ("in", "co.in", "com"),
    },
    "TR": {
        "surnames": ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Özdemir", "Arslan"),
        "places": ("Anadolu", "Ege", "Marmara", "Karadeniz", "Toros", "Kapadokya"),
        "descriptors": ("İnşaat", "Tekstil", "Gıda", "Lojistik", "Enerji", "Otomotiv", "Makina"),
        "legal": ("A.Ş.", "Ltd. Şti.", "AŞ"),
        "tld": ("com.tr", "com"),
    },
    "KR": {
        "surnames": ("Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim"),
        "places": ("Hanbit", "Daehan", "Seorak", "Hallasan", "Gyeongbuk", "Jeonnam"),
        "descriptors": ("Heavy Industries", "Electronics", "Chemical", "Shipbuilding", "Pharm", "Steel", "Telecom"),
        "legal": ("Co., Ltd.", "Corporation", "Inc."),
        "tld": ("co.kr", "com"),
    },
    "AU": {
        "surnames": ("O'Brien", "McKenzie", "Fraser", "Hollingsworth", "Kingsford", "Baxter", "Monaghan", "Dunstan"),
        "places": ("Murray", "Kimberley", "Gippsland", "Riverina", "Barossa", "Daintree"),
        "descriptors": ("Mining", "Pastoral", "Freight", "Water", "Logistics", "Solar", "Property"),
        "legal": ("Pty Ltd", "Pty. Limited", "Limited"),
        "tld": ("com.au", "au", "com"),
    },
}
COUNTRIES = tuple(STYLES)
ENGLISH_DESCRIPTORS = (
    "Analytics", "Logistics", "Dynamics", "Robotics", "Networks", "Payments", "Biotech", "Diagnostics", "Materials", "Packaging",
    "Software", "Security", "Energy", "Vision", "Capital", "Mobility", "Interactive", "Labs", "Imaging", "Aerospace", "Semiconductors",
    "Ventures", "Studios", "Marine", "Controls", "Sensors", "Foods", "Farms", "Media", "Learning", "Therapeutics", "Genomics",
)  # fmt: skip
BRAND_PARTS = (
    (
        "or",
        "zen",
        "vel",
        "kal",
        "tor",
        "mir",
        "bra",
        "qu",
        "lum",
        "syn",
        "vo",
        "nex",
        "ar",
        "cel",
        "dra",
        "pel",
        "ix",
        "hal",
        "sol",
        "ver",
        "tam",
        "ru",
        "fen",
        "gal",
    ),
    ("be", "tri", "a", "o", "i", "va", "ne", "lo", "ri", "sta", "ma", "de", "te", "ko", "pha", "xa", "ly", "ni"),
    ("line", "x", "rex", "nt", "vis", "ra", "lon", "tis", "dor", "gen", "ton", "mont", "ver", "ris", "ka", "bis", "lia", "dyne", "cor", "nova"),
)
GENERIC_WORDS = ("Group", "Global", "Holdings", "International", "Worldwide", "Solutions", "Services", "Enterprises", "Partners", "Industries")
# Words that have a common abbreviation, in several languages: (full, abbreviations).
ABBREVIATIONS = (
    ("International", ("Intl", "Int'l", "Intl.")),
    ("National", ("Natl", "Nat'l")),
    ("Services", ("Svcs", "Svc", "Servs")),
    ("Manufacturing", ("Mfg", "Mfg.")),
    ("Holdings", ("Hldgs", "Hldg")),
    ("Associates", ("Assoc", "Assocs")),
    ("Department", ("Dept", "Dept.")),
    ("University", ("Univ", "Univ.")),
    ("Laboratories", ("Labs", "Lab")),
    ("Brothers", ("Bros", "Bros.")),
    ("Société", ("Ste", "Sté")),
    ("Compagnie", ("Cie",)),
    ("Fratelli", ("F.lli", "Flli")),
    ("Technologies", ("Tech", "Techs")),
    ("Engineering", ("Eng", "Engg")),
    ("Communications", ("Comms", "Comm")),
    ("Management", ("Mgmt", "Mgt")),
    ("Industries", ("Inds", "Ind")),
    ("Corporation", ("Corp", "Corp.")),
    ("Company", ("Co", "Co.")),
    ("Distribution", ("Distr", "Distrib")),
    ("Gebrüder", ("Gebr.", "Gebr")),
    ("Hermanos", ("Hnos", "Hnos.")),
    ("Compañía", ("Cía", "Cia")),
)
ABBREVIABLE = tuple(full for full, _ in ABBREVIATIONS)
WORDS_WITH_ABBREVIATIONS = (
    "International",
    "National",
    "Services",
    "Manufacturing",
    "Holdings",
    "Associates",
    "Laboratories",
    "Engineering",
    "Technologies",
    "Management",
)
QUALIFIERS = (
    "EMEA", "APAC", "LATAM", "North America", "Nordics", "DACH", "Benelux", "UK", "(UK)", "(US)", "USA", "Europe", "Asia Pacific",
    "HQ", "Headquarters", "Corporate", "Finance Dept", "IT Department", "Procurement", "Head Office", "Germany", "France", "India",
    "Middle East", "(Deutschland)", "(Schweiz)", "Sales Office", "(Pty)", "Americas", "Japan", "Singapore Branch", "London Office",
)  # fmt: skip
QUALIFIER_SHAPES = ("{name} {q}", "{name} - {q}", "{name} – {q}", "{name} ({q})", "{name}, {q}")
FREEMAIL = (
    "gmail.com",
    "yahoo.com",
    "hotmail.com",
    "outlook.com",
    "gmx.de",
    "yahoo.co.uk",
    "web.de",
    "libero.it",
    "orange.fr",
    "mail.ru",
    "qq.com",
    "icloud.com",
)
DOMAIN_AFFIXES = ("get{l}", "{l}hq", "{l}online", "the{l}", "{l}group", "{l}global", "{l}-group", "try{l}", "{l}app", "my{l}", "{l}inc")
OTHER_TLDS = ("com", "net", "io", "co", "de", "co.uk", "fr", "eu", "org", "biz", "us", "com.au", "ch", "at", "es", "it", "nl")


def ascii_fold(text: str) -> str:
    text = text.translate(str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "ı": "i", "ł": "l", "Ł": "L"}))
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def slug(text: str) -> str:
    return "".join(c for c in ascii_fold(text).lower() if c.isalnum())


@dataclass(frozen=True)
class Company:
    id: str
    name: str  # as the CRM holds it
    core: tuple[str, ...]  # the identifying words, without legal form
    legal: str
    website: str | None
    country: str
    group: str  # sibling group: companies sharing a brand, family name or place


@dataclass(frozen=True)
class Query:
    family: str
    name: str
    website: str | None
    country: str | None
    expected: str | None  # the company id it should find, None for a company not in the corpus


_NOT_IDENTITY = {slug(w) for w in (*GENERIC_WORDS, "and", "Brothers")}


def _identity(core: Sequence[str]) -> tuple[str, ...]:
    """The words that tell companies apart: generic words added or dropped do not make another company."""
    words = tuple(sorted(slug(w) for w in " ".join(core).split() if slug(w) and slug(w) not in _NOT_IDENTITY))
    return words or tuple(sorted(slug(w) for w in " ".join(core).split() if slug(w)))


def _ordered(core: Sequence[str]) -> str:
    return "".join(slug(w) for w in " ".join(core).split() if slug(w) and slug(w) not in _NOT_IDENTITY)


class Taken:
    """The corpus's identities, to keep negatives unambiguous: a 'company that is not there' within
    two edits of one that is would be a typo of it as far as anyone can tell."""

    def __init__(self, companies: Sequence[Company]) -> None:
        self.exact = {_identity(c.core) for c in companies}
        self.by_length: dict[int, list[str]] = {}
        for c in companies:
            for compact in {"".join(_identity(c.core)), _ordered(c.core)}:
                self.by_length.setdefault(len(compact), []).append(compact)

    def near(self, core: Sequence[str]) -> bool:
        if _identity(core) in self.exact:
            return True
        for compact in {"".join(_identity(core)), _ordered(core)}:
            for length in range(len(compact) - 2, len(compact) + 3):
                pool = self.by_length.get(length)
                if pool and process.extractOne(compact, pool, scorer=Levenshtein.distance, score_cutoff=2) is not None:
                    return True
        return False


class Corpus:
    """Companies by position: company(i) depends only on (seed, i); `companies(n)` skips clashes."""

    def __init__(self, seed: int) -> None:
        self.seed = seed

    def brand(self, rng: random.Random) -> str:
        parts = [rng.choice(BRAND_PARTS[0]), rng.choice(BRAND_PARTS[1]) if rng.random() < 0.7 else "", rng.choice(BRAND_PARTS[2])]
        word = "".join(parts)
        if rng.random() < 0.25:
            word += rng.choice(BRAND_PARTS[2])
        return word.capitalize()

    def core(self, rng: random.Random, country: str) -> tuple[tuple[str, ...], str]:
        """(identifying words, sibling group key)."""
        style = STYLES[country]
        shape = rng.random()
        descriptor = rng.choice(style["descriptors"]) if rng.random() < 0.6 else rng.choice(ENGLISH_DESCRIPTORS)
        if shape < 0.30:
            brand = self.brand(rng)
            words: tuple[str, ...] = (brand, descriptor)
            if rng.random() < 0.2:
                words = (brand, rng.choice(ENGLISH_DESCRIPTORS), descriptor)
            return words, brand
        if shape < 0.45:
            a, b = rng.sample(style["surnames"], 2)
            return ((a, "&", b) if rng.random() < 0.6 else (a, "and", b, descriptor)), a
        if shape < 0.60:
            surname = rng.choice(style["surnames"])
            second = self.brand(rng) if rng.random() < 0.5 else rng.choice(ENGLISH_DESCRIPTORS)
            return (surname, second, descriptor), surname
        if shape < 0.75:
            place = rng.choice(style["places"])
            return (place, self.brand(rng), descriptor), place
        if shape < 0.85:
            brand = self.brand(rng)
            return (brand,), brand  # one word
        if shape < 0.92:
            lead = {"IT": "Fratelli", "ES": "Hermanos", "DE": "Gebrüder", "FR": "Société", "BR": "Companhia"}.get(country, "Brothers")
            surname = rng.choice(style["surnames"])
            words = (lead, surname, descriptor) if lead != "Brothers" else (surname, "Brothers", descriptor)
            return words, surname
        if shape < 0.96:
            acronym = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVWZ") for _ in range(rng.choice((3, 3, 4))))
            return ((acronym, descriptor) if rng.random() < 0.5 else (acronym,)), acronym
        brand = self.brand(rng)
        return (brand, rng.choice(WORDS_WITH_ABBREVIATIONS), descriptor), brand

    def company(self, index: int) -> Company:
        rng = random.Random(self.seed * 1_000_003 + index)
        country = rng.choice(COUNTRIES)
        core, group = self.core(rng, country)
        return self._finish(rng, index, country, core, group)

    def _finish(self, rng: random.Random, index: int, country: str, core: tuple[str, ...], group: str) -> Company:
        style = STYLES[country]
        legal = rng.choice(style["legal"])
        if rng.random() < 0.15:
            core = (*core, rng.choice(GENERIC_WORDS))
        name = f"{' '.join(core)} {legal}"
        website = None
        if rng.random() < 0.75:
            label = slug(" ".join(w for w in core if w not in ("&", "and")))[:40]
            if rng.random() < 0.3:
                label = "-".join(slug(w) for w in core if slug(w) and w not in ("&", "and"))[:40]
            website = rng.choice((f"https://www.{label}.{style['tld'][0]}", f"www.{label}.{rng.choice(style['tld'])}", f"http://{label}.{style['tld'][0]}/"))
        return Company(f"H-{self.seed}-{index}", name, core, legal, website, country, group)

    def sibling(self, rng: random.Random, base: Company, index: int) -> Company | None:
        """Another company one token away from `base`: another descriptor, family name or place."""
        words = list(base.core)
        style = STYLES[base.country]
        swappable = [i for i, w in enumerate(words) if w not in ("&", "and") and w not in GENERIC_WORDS]
        if len(swappable) < 2:
            return None
        i = rng.choice(swappable[1:]) if rng.random() < 0.7 else swappable[0]
        word = words[i]
        for pool in (style["surnames"], style["places"], style["descriptors"], ENGLISH_DESCRIPTORS):
            if word in pool:
                choices = [w for w in pool if w != word]
                break
        else:
            choices = [self.brand(rng)]
        words[i] = rng.choice(choices)
        return self._finish(rng, index, base.country, tuple(words), base.group)

    def companies(self, count: int) -> list[Company]:
        """`count` companies, no two with the same identifying words or domain; about a third in
        sibling groups (a company, then one or two siblings right after it)."""
        seen: set[tuple[str, ...]] = set()
        domains: set[str] = set()
        out: list[Company] = []
        index = 0
        while len(out) < count:
            company = self.company(index)
            index += 1
            batch = [company]
            rng = random.Random(self.seed * 7_919 + index)
            if rng.random() < 0.35:
                for _ in range(rng.choice((1, 1, 2))):
                    sibling = self.sibling(rng, company, 10_000_000 + index * 3 + len(batch))
                    if sibling is not None:
                        batch.append(sibling)
            for c in batch:
                key, domain = _identity(c.core), _domain(c.website)
                if key in seen or (domain and domain in domains) or len(out) >= count:
                    continue
                seen.add(key)
                if domain:
                    domains.add(domain)
                out.append(Company(f"H-{self.seed}-{len(out)}", c.name, c.core, c.legal, c.website, c.country, c.group))
        return out


def _domain(website: str | None) -> str | None:
    if not website:
        return None
    host = website.split("://")[-1].split("/")[0].removeprefix("www.")
    return host


# --- variants -------------------------------------------------------------------------------------

LETTERS = "abcdefghijklmnopqrstuvwxyz"
KEYBOARD = {c: n for row in ("qwertyuiop", "asdfghjkl", "zxcvbnm") for i, c in enumerate(row) for n in [row[max(0, i - 1) : i] + row[i + 1 : i + 2]]}


def edit(rng: random.Random, word: str, *, first: bool = False) -> str:
    """One typo: a neighbouring key, a dropped, doubled or inserted letter, or two letters swapped."""
    if len(word) < 2:
        return word + rng.choice(LETTERS)
    at = rng.randrange(0 if first else 1, len(word))
    kind = rng.choice(("neighbour", "drop", "double", "insert", "swap"))
    c = word[at]
    if kind == "neighbour" and c.lower() in KEYBOARD and KEYBOARD[c.lower()]:
        return word[:at] + rng.choice(KEYBOARD[c.lower()]) + word[at + 1 :]
    if kind == "drop" and len(word) > 3:
        return word[:at] + word[at + 1 :]
    if kind == "double":
        return word[:at] + c + word[at:]
    if kind == "swap" and at + 1 < len(word) and word[at] != word[at + 1]:
        return word[:at] + word[at + 1] + word[at] + word[at + 2 :]
    return word[:at] + rng.choice(LETTERS) + word[at:]


def _words(name: str) -> list[str]:
    return name.split(" ")


def _typo_words(rng: random.Random, words: list[str], count: int, *, min_length: int) -> list[str] | None:
    candidates = [i for i, w in enumerate(words) if len(w) >= min_length and w.isalpha()]
    if not candidates:
        return None
    words = list(words)
    if count == 2 and len(candidates) >= 2 and rng.random() < 0.5:
        for i in rng.sample(candidates, 2):
            words[i] = edit(rng, words[i])
        return words
    i = rng.choice(candidates)
    for _ in range(count):
        words[i] = edit(rng, words[i])
    return words


def _abbreviate(rng: random.Random, core: list[str]) -> list[str] | None:
    table = dict(ABBREVIATIONS)
    present = [i for i, w in enumerate(core) if w in table]
    if not present:
        return None
    core = list(core)
    for i in present:
        core[i] = rng.choice(table[core[i]])
    return core


def _transliterate(rng: random.Random, text: str) -> str | None:
    german = {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "æ": "ae"}
    if not any(c in german or ord(c) > 127 for c in text):
        return None
    mode = rng.random()
    if mode < 0.5:
        return "".join(german.get(c, c) for c in text)  # Müller -> Mueller
    return ascii_fold(text)  # Müller -> Muller


def _join_or_split(rng: random.Random, core: list[str]) -> list[str] | None:
    words = [w for w in core if w not in ("&",)]
    if len(words) >= 2 and rng.random() < 0.6:
        i = rng.randrange(len(words) - 1)
        joined = words[i] + (words[i + 1] if rng.random() < 0.5 else words[i + 1].lower())
        return [*words[:i], joined, *words[i + 2 :]]
    long = [i for i, w in enumerate(words) if len(w) >= 7 and w.isalpha()]
    if not long:
        return None
    i = rng.choice(long)
    cut = rng.randrange(3, len(words[i]) - 2)
    return [*words[:i], words[i][:cut], words[i][cut:].capitalize(), *words[i + 1 :]]


def _generic(rng: random.Random, core: list[str]) -> list[str]:
    present = [i for i, w in enumerate(core) if w in GENERIC_WORDS]
    if present and rng.random() < 0.6:
        return [w for i, w in enumerate(core) if i not in present]
    return [*core, *rng.sample(GENERIC_WORDS, rng.choice((1, 1, 2)))]


def _label(company: Company) -> str:
    domain = _domain(company.website)
    if domain:
        return domain.split(".")[0]
    return slug(" ".join(w for w in company.core if w not in ("&", "and")))[:30]


NAME_FAMILIES = ("qualifier", "typo_1", "typo_2", "typo_short", "abbreviation", "generic", "joined_split", "transliteration", "legal_case_punct")
SITE_FAMILIES = ("domain_typo", "domain_affix", "domain_other_tld", "freemail", "no_website", "country_differs")
POSITIVE_FAMILIES = (*NAME_FAMILIES, *SITE_FAMILIES, "combo_2", "combo_3")
NEGATIVE_FAMILIES = ("neg_sibling", "neg_sibling_typo", "neg_near_acronym", "neg_no_match")


class Variants:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def name_family(self, family: str, company: Company, core: list[str]) -> list[str] | None:
        rng = self.rng
        if family == "qualifier":
            return [*core, "\x00" + rng.choice(QUALIFIERS)]
        if family == "typo_1":
            return _typo_words(rng, core, 1, min_length=5)
        if family == "typo_2":
            return _typo_words(rng, core, 2, min_length=5)
        if family == "typo_short":
            short = [i for i, w in enumerate(core) if 3 <= len(w) <= 4 and w.isalpha() and not w.isupper()]
            if not short:
                return None
            i = rng.choice(short)
            return [*core[:i], edit(rng, core[i]), *core[i + 1 :]]
        if family == "abbreviation":
            return _abbreviate(rng, core)
        if family == "generic":
            return _generic(rng, core)
        if family == "joined_split":
            return _join_or_split(rng, core)
        if family == "transliteration":
            changed = [_transliterate(rng, w) or w for w in core]
            return changed if changed != core else None
        if family == "legal_case_punct":
            return core  # the finishing touches below do it
        raise ValueError(family)

    def render(self, company: Company, core: list[str], *, legal: bool = True) -> str:
        rng = self.rng
        qualifier = next((w[1:] for w in core if w.startswith("\x00")), None)
        words = [w for w in core if not w.startswith("\x00")]
        name = " ".join(words)
        form = company.legal if rng.random() < 0.5 else rng.choice(STYLES[company.country]["legal"])
        if legal and rng.random() < 0.6:
            name = f"{name}{',' if rng.random() < 0.3 else ''} {form}"
        if qualifier:
            name = rng.choice(QUALIFIER_SHAPES).format(name=name, q=qualifier.strip("()") if "(" in qualifier else qualifier)
        r = rng.random()
        if r < 0.15:
            name = name.upper()
        elif r < 0.25:
            name = name.lower()
        if "&" in name and rng.random() < 0.5:
            name = name.replace("&", rng.choice(("and", "+", "&amp;" if False else "And")))
        return name

    def site(self, family: str, company: Company) -> tuple[str | None, str | None, bool]:
        """(website, country, usable) for a site family."""
        rng = self.rng
        label = _label(company)
        domain = _domain(company.website)
        tld = domain.split(".", 1)[1] if domain else STYLES[company.country]["tld"][0]
        if family == "domain_typo":
            if not domain or len(label) < 4:
                return None, None, False
            return f"www.{edit(rng, label)}.{tld}", company.country, True
        if family == "domain_affix":
            affix = rng.choice(DOMAIN_AFFIXES).format(l=label)
            return f"https://{affix}.{rng.choice((tld, 'com'))}", company.country, True
        if family == "domain_other_tld":
            return f"{label}.{rng.choice([t for t in OTHER_TLDS if t != tld])}", company.country, True
        if family == "freemail":
            return rng.choice(FREEMAIL), company.country, True
        if family == "no_website":
            return None, company.country if rng.random() < 0.7 else None, True
        if family == "country_differs":
            return None, rng.choice([c for c in COUNTRIES if c != company.country]), True
        raise ValueError(family)


def positive(rng: random.Random, company: Company, family: str) -> Query | None:
    variants = Variants(rng)
    core = list(company.core)
    if family in ("combo_2", "combo_3"):
        size = 2 if family == "combo_2" else 3
        chosen = rng.sample([*NAME_FAMILIES[:-1], "site"], size)
        website, country = company.website, company.country
        for f in chosen:
            if f == "site":
                website, country, ok = variants.site(rng.choice(SITE_FAMILIES), company)
                if not ok:
                    return None
                continue
            changed = variants.name_family(f, company, core)
            if changed is None:
                return None
            core = changed
        if "typo_2" in chosen and ("typo_1" in chosen or "typo_short" in chosen):
            return None  # three typos: not the same name any more
        return Query(family, variants.render(company, core), website, country, company.id)
    if family in NAME_FAMILIES:
        changed = variants.name_family(family, company, core)
        if changed is None:
            return None
        website = company.website if rng.random() < 0.3 else None
        country = company.country if rng.random() < 0.8 else None
        return Query(family, variants.render(company, changed), website, country, company.id)
    website, country, ok = variants.site(family, company)
    if not ok:
        return None
    name = variants.render(company, core)
    return Query(family, name, website, country, company.id)


def negative(rng: random.Random, corpus: Corpus, company: Company, family: str, index: int, taken: Taken) -> Query | None:
    variants = Variants(rng)
    if family in ("neg_sibling", "neg_sibling_typo"):
        sibling = corpus.sibling(rng, company, 50_000_000 + index)
        if sibling is None or taken.near(sibling.core):
            return None
        core = list(sibling.core)
        if family == "neg_sibling_typo":
            changed = _typo_words(rng, core, 1, min_length=6)
            if changed is None:
                return None
            core = changed
        website = sibling.website if rng.random() < 0.3 else None
        return Query(family, variants.render(sibling, core), website, sibling.country, None)
    if family == "neg_near_acronym":
        words = [w for w in company.core if w not in ("&", "and")]
        if words[0].isupper() and len(words[0]) <= 4:
            acronym = words[0]  # "ZNP Analytics" -> "ZNR Analytics"
            at = rng.randrange(len(acronym))
            near = acronym[:at] + rng.choice([c for c in "ABCDEFGHIJKLMNOPRSTUVWZ" if c != acronym[at]]) + acronym[at + 1 :]
            rest = words[1:]
            if _identity([near, *rest]) in taken.exact:
                return None
            return Query(family, " ".join([near, *rest, rng.choice(STYLES[company.country]["legal"])]), None, company.country, None)
        if len(words) < 2 or rng.random() < 0.6:
            return None  # mostly near acronyms of acronym companies
        acronym = "".join(slug(w)[0] for w in words).upper()
        letter = rng.choice([c for c in LETTERS.upper() if c != acronym[-1]])
        near = acronym[:-1] + letter
        if (slug(near),) in taken.exact or (slug(acronym),) in taken.exact:
            return None
        return Query(family, f"{near} {rng.choice(STYLES[company.country]['legal'])}", None, company.country, None)
    if family == "neg_no_match":
        fresh = Corpus(corpus.seed + 99_991).company(index)
        if taken.near(fresh.core):
            return None
        return Query(family, fresh.name, fresh.website if rng.random() < 0.5 else None, fresh.country, None)
    raise ValueError(family)


def queries(corpus: Corpus, companies: Sequence[Company], count: int, *, seed: int, negative_share: float = 0.3) -> list[Query]:
    """`count` labelled queries, families in turn; each family draws until its shape fits."""
    rng = random.Random(seed)
    taken = Taken(companies)
    negatives = round(count * negative_share)
    plan: list[tuple[str, Callable[[Company, int], Query | None]]] = []
    for i in range(count - negatives):
        family = POSITIVE_FAMILIES[i % len(POSITIVE_FAMILIES)]
        plan.append((family, lambda c, _i, f=family: positive(rng, c, f)))
    for i in range(negatives):
        family = NEGATIVE_FAMILIES[i % len(NEGATIVE_FAMILIES)]
        plan.append((family, lambda c, i, f=family: negative(rng, corpus, c, f, i, taken)))
    out: list[Query] = []
    for index, (_family, make) in enumerate(plan):
        for attempt in range(300):
            query = make(rng.choice(companies), index * 1000 + attempt)
            if query is not None and query.name.strip():
                out.append(query)
                break
    return out
