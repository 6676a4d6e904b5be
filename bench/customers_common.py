"""Shared by the customer benchmarks: temporary databases, child processes, and labelled queries.

A labelled query is what someone might type for a company: a variant of a known customer's name
(and maybe website and country) labelled with that customer, or a hard negative labelled None.
"""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from alliance import migrate
from alliance.customers.names import GENERIC, STOPWORDS, normalize_name
from alliance.demo.customers import DESCRIPTORS, SyntheticCustomers
from alliance.demo.geography import COUNTRIES

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_ADMIN = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
CSV_HEADER = ["external_id", "name", "website", "country", "industry", "employee_band"]


# --- databases and processes -----------------------------------------------------------------


@contextmanager
def fresh_database(backend: str, workdir: Path, name: str, pg_admin: str = DEFAULT_PG_ADMIN) -> Iterator[str]:
    """A migrated, empty database: a SQLite file in `workdir`, or a PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        url = f"sqlite:///{workdir / f'{name}.db'}"
        migrate.upgrade(url)
        yield url
        return
    db_name = f"alliance_bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    url = f"{pg_admin.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{db_name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(pg_admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


@contextmanager
def kept_or_fresh_database(backend: str, workdir: Path, name: str, pg_admin: str = DEFAULT_PG_ADMIN, keep: str | None = None) -> Iterator[tuple[str, bool]]:
    """(url, whether it still needs seeding): a fresh database dropped afterwards, or with `keep`
    one kept between runs under that name (a PostgreSQL database, or a SQLite file in the system's
    temporary folder), migrated to head — seeding at an issue's scale takes minutes."""
    if keep is None:
        with fresh_database(backend, workdir, name, pg_admin) as url:
            yield url, True
        return
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / f"{keep}.db"
        exists = path.exists()
        url = f"sqlite:///{path}"
    else:
        with psycopg.connect(pg_admin, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (keep,)).fetchone() is not None
            if not exists:
                admin.execute(f'CREATE DATABASE "{keep}"')
        url = f"{pg_admin.rsplit('/', 1)[0].replace('postgresql://', 'postgresql+psycopg://', 1)}/{keep}"
    migrate.upgrade(url)
    yield url, not exists


@dataclass
class ChildRun:
    seconds: float
    peak_rss_mb: float
    output: str


def chosen_backends(args: Any) -> list[str]:
    """The databases a bench runs on: SQLite; with --postgres SQLite then PostgreSQL; with --postgres-only PostgreSQL."""
    return ["postgresql"] if args.postgres_only else ["sqlite", "postgresql"] if args.postgres else ["sqlite"]


def run_on_each_backend(args: Any, run: Callable[[str, Path], dict[str, Any]]) -> list[dict[str, Any]]:
    """`run(backend, workdir)` for each chosen backend, in one temporary folder."""
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        return [run(backend, Path(tmp)) for backend in chosen_backends(args)]


def write_json(path: Path | None, results: list[dict[str, Any]]) -> None:
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(results, indent=2, default=str))


def run_cli(url: str, *args: str) -> ChildRun:
    """`alliance ARGS` in a child process: its wall time and its own peak RSS (os.wait4)."""
    command = [sys.executable, "-c", "from alliance.cli import main; main()", *args]
    env = {**os.environ, "ALLIANCE_DATABASE_URL": url, "COLUMNS": "200"}
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"alliance {' '.join(args)} failed:\n{output}")
    return ChildRun(seconds, usage.ru_maxrss / 1024, " ".join(output.split()))


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def write_csv(path: Path, count: int, *, seed: int, start: int = 0) -> int:
    """A CRM export of `count` synthetic customers; returns its size in bytes."""
    generator = SyntheticCustomers(seed)
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CSV_HEADER)
        for synthetic in generator.customers(count, start=start):
            r = synthetic.record
            writer.writerow([r.external_id, r.name, r.website or "", r.country or "", r.industry or "", r.employee_band or ""])
    return path.stat().st_size


# --- labelled queries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A customer in the database, as the query generator sees it."""

    external_id: str
    name: str
    website: str | None
    country: str | None


@dataclass(frozen=True)
class Query:
    family: str
    name: str
    website: str | None
    country: str | None
    expected: str | None  # the external id it should find, None for a company that is not there


ABBREVIATE = {
    "International": "Intl",
    "Services": "Svcs",
    "Technologies": "Tech",
    "Systems": "Sys",
    "Group": "Grp",
    "Holdings": "Hldgs",
    "Manufacturing": "Mfg",
    "Laboratories": "Labs",
    "Communications": "Comms",
    "Pharmaceuticals": "Pharma",
    "Engineering": "Eng",
    "Management": "Mgmt",
    "Industries": "Inds",
    "Distribution": "Distrib",
    "Solutions": "Solns",
}
ACCENTS = {"a": "á", "e": "é", "i": "í", "o": "ö", "u": "ü", "c": "ç", "n": "ñ"}
LEGAL_FORMS = sorted(
    {form for country in COUNTRIES.values() for form in country.legal_suffixes}
    | {"Inc", "Corp.", "Corporation", "Limited", "L.L.C.", "S.p.A.", "SpA", "B.V.", "K.K.", "Pty. Ltd.", "PLC"}
)
POSITIVE_FAMILIES = ("case", "punctuation", "accents", "legal_form", "and", "the", "abbreviation", "typo", "website", "combined")
# "The same name in another country" is no longer a negative: another country weakens an exact
# name without vetoing it (issue 15), so that query finds the customer.
NEGATIVE_FAMILIES = ("shares_brand", "shares_descriptor", "unknown_company")


def _strip_form(name: str) -> str:
    """The name without a trailing legal form, as the generator appended it."""
    for form in sorted(LEGAL_FORMS, key=len, reverse=True):
        if name.endswith(" " + form):
            return name[: -len(form) - 1]
    return name


def _typo(rng: random.Random, name: str) -> str | None:
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return None
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)  # people rarely get the first letter wrong
    kind = rng.choice(("insert", "delete", "substitute", "swap"))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    if kind == "insert":
        word = word[:at] + letter + word[at:]
    elif kind == "delete":
        word = word[:at] + word[at + 1 :]
    elif kind == "substitute":
        word = word[:at] + (letter if letter != word[at] else "q") + word[at + 1 :]
    else:
        word = word[:at] + word[at + 1] + word[at] + word[at + 2 :] if at + 1 < len(word) else word[:-2] + word[-1] + word[-2]
    words[i] = word
    return " ".join(words)


def _website_variant(rng: random.Random, website: str) -> str:
    domain = website.split("://")[-1].removeprefix("www.").split("/")[0]
    return rng.choice((f"HTTPS://WWW.{domain.upper()}/", f"http://{domain}/about-us?ref=partner", f"www.{domain}", domain, f"https://shop.{domain}:443/en"))


def positive(rng: random.Random, known: Known, family: str) -> Query | None:
    base = _strip_form(known.name)
    name: str | None = known.name
    website = None
    if family == "case":
        name = rng.choice((known.name.upper(), known.name.lower(), known.name.title()))
    elif family == "punctuation":
        name = rng.choice((base.replace(" ", "-"), base.replace(" ", ", ") + ".", base.replace(" ", " . "), f"{base}, {known.name[len(base) :].strip()}"))
    elif family == "accents":
        name = "".join(ACCENTS[c] if c in ACCENTS and rng.random() < 0.5 else c for c in known.name)
    elif family == "legal_form":
        name = rng.choice((base, f"{base} {rng.choice(LEGAL_FORMS)}", f"{base}, {rng.choice(LEGAL_FORMS)}"))
    elif family == "and":
        name = known.name.replace(" & ", " and ") if " & " in known.name else (known.name.replace(" and ", " & ") if " and " in known.name else None)
    elif family == "the":
        name = f"The {known.name}"
    elif family == "abbreviation":
        present = [w for w in ABBREVIATE if w in known.name.split()]
        word = rng.choice(present) if present else None
        name = known.name.replace(word, ABBREVIATE[word]) if word else None
    elif family == "typo":
        name = _typo(rng, known.name)
    elif family == "website":
        if not known.website:
            return None
        name, website = rng.choice((known.name, base.upper(), base)), _website_variant(rng, known.website)
    elif family == "combined":
        typo = _typo(rng, base)
        if typo is None:
            return None
        name = f"The {typo.upper()} {rng.choice(LEGAL_FORMS)}"
        website = _website_variant(rng, known.website) if known.website and rng.random() < 0.5 else None
    if name is None:
        return None
    country = known.country if rng.random() < 0.7 else None
    return Query(family, name, website, country, known.external_id)


def identity_words(name: str) -> tuple[str, ...]:
    """A name's distinctive words in any order: two customers that share them are the same
    company as far as a name can tell ("Smith & Brown" / "Brown & Smith Ltd", "Red Vision Global")."""
    tokens = normalize_name(name).tokens
    return tuple(sorted({t for t in tokens if t not in GENERIC and t not in STOPWORDS})) or tokens


def negative(rng: random.Random, known: Known, family: str, taken: set[tuple[object, ...]], fresh: SyntheticCustomers, index: int) -> Query | None:
    """A company that is not in the database but looks like one that is."""
    base = _strip_form(known.name)
    words = base.split()
    name: str | None = None
    country = known.country
    if family == "shares_brand" and len(words) >= 2 and words[-1] in DESCRIPTORS:
        name = " ".join([*words[:-1], rng.choice([d for d in DESCRIPTORS if d != words[-1]])])
    elif family == "shares_descriptor" and len(words) >= 2 and words[-1] in DESCRIPTORS:
        name = f"{fresh.brand_word(rng)} {words[-1]}"
    elif family == "other_country":
        name = known.name
        country = rng.choice([c for c in COUNTRIES if c != known.country])
    elif family == "unknown_company":
        name = fresh.customer(index).record.name
    if name is None:
        return None
    words = identity_words(name)
    if (words, country) in taken or (family != "other_country" and (words,) in taken):
        return None  # happens to exist after all
    return Query(family, name, None, country, None)


def labelled_queries(known: Sequence[Known], count: int, *, seed: int, negative_share: float = 0.3) -> list[Query]:
    """`count` queries, families in turn: variants of known customers and hard negatives."""
    rng = random.Random(seed)
    taken: set[tuple[object, ...]] = {(identity_words(k.name), k.country) for k in known} | {(identity_words(k.name),) for k in known}
    fresh = SyntheticCustomers(seed + 10_000)
    negatives = round(count * negative_share)
    plan = [(False, POSITIVE_FAMILIES[i % len(POSITIVE_FAMILIES)]) for i in range(count - negatives)]
    plan += [(True, NEGATIVE_FAMILIES[i % len(NEGATIVE_FAMILIES)]) for i in range(negatives)]
    queries: list[Query] = []
    for attempt, (is_negative, family) in enumerate(plan):
        for _ in range(500):  # some families need a name of a certain shape ("&", an abbreviable word)
            target = rng.choice(known)
            query = negative(rng, target, family, taken, fresh, attempt) if is_negative else positive(rng, target, family)
            if query is not None:
                queries.append(query)
                break
    return queries
