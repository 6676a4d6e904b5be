"""Benchmark `alliance seed` against a fresh database, and compare it with row-at-a-time ORM inserts.

    .venv/bin/python bench/seed_bench.py                 # SQLite
    .venv/bin/python bench/seed_bench.py --postgres      # SQLite, then PostgreSQL

The seed runs as a child process (`alliance seed ...`) so its wall time and peak RSS are its own
(os.wait4 returns the child's rusage). The baselines run in this process on the same generated
rows: "naive ORM" adds one ORM object per row (flush per partner to learn its id); "services" goes
through partner_service.create_partner/add_person with an audit event per row, as the demo does.
Baselines insert a small sample and are extrapolated as rows/s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import psycopg
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from alliance import migrate
from alliance.db import Database
from alliance.demo import seed as seed_service
from alliance.demo.synthetic import SyntheticVendor, attribute_rows
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock
from alliance.partners import service as partner_service
from alliance.partners.models import Partner, PartnerAttribute, Person
from alliance.partners.schemas import PartnerCreate, PersonCreate

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PG_ADMIN = os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
console = Console(width=max(Console().width, 120))


@dataclass
class Measurement:
    backend: str
    method: str
    partners: int
    rows: int
    seconds: float
    peak_rss_mb: float | None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


# --- databases -------------------------------------------------------------------------------


@contextmanager
def sqlite_database(workdir: Path, name: str) -> Iterator[str]:
    url = f"sqlite:///{workdir / f'{name}.db'}"
    migrate.upgrade(url)
    yield url


@contextmanager
def postgres_database(admin_url: str, name: str) -> Iterator[str]:
    db_name = f"alliance_bench_{name}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{db_name}"')
    base = admin_url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    url = f"{base}/{db_name}"
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


def count_rows(url: str) -> tuple[int, int]:
    database = Database(url)
    try:
        with database.session_scope(PartnerScope.system(reason="bench count"), write=False) as session:
            partners = session.scalar(select(func.count()).select_from(Partner)) or 0
            rows = partners + (session.scalar(select(func.count()).select_from(Person)) or 0)
            rows += session.scalar(select(func.count()).select_from(PartnerAttribute)) or 0
    finally:
        database.dispose()
    return partners, rows


# --- the measured runs -----------------------------------------------------------------------


def run_seed_cli(backend: str, url: str, args: argparse.Namespace) -> tuple[Measurement, str]:
    """`alliance seed` in a child process: wall time, the child's own peak RSS, rows from the database."""
    command = [
        sys.executable,
        "-c",
        "from alliance.cli import main; main()",
        "seed",
        "--partners",
        str(args.partners),
        "--people-per-partner",
        str(args.people_per_partner),
        "--seed",
        str(args.seed),
        "--batch-size",
        str(args.batch_size),
    ]
    env = {**os.environ, "ALLIANCE_DATABASE_URL": url, "COLUMNS": "200"}
    started = time.perf_counter()
    child = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"alliance seed failed ({child.returncode}):\n{output}")
    partners, rows = count_rows(url)
    # ru_maxrss is in kilobytes on Linux.
    return Measurement(backend, "seed: whole process", partners, rows, seconds, usage.ru_maxrss / 1024), output.strip()


def insert_phase(seeded: Measurement, output: str) -> Measurement:
    """The seed's own timer (generation + inserts + commit), without interpreter start-up and imports."""
    found = re.search(r"in ([0-9.]+) s:", " ".join(output.split()))
    if found is None:
        raise SystemExit(f"could not find the timing in the seed output:\n{output}")
    return Measurement(seeded.backend, "seed: insert phase", seeded.partners, seeded.rows, float(found.group(1)), seeded.peak_rss_mb)


def run_naive_orm(backend: str, url: str, args: argparse.Namespace) -> Measurement:
    """The same generated rows, one ORM object per row; a flush per partner to get its id."""
    database = Database(url)
    rows = 0
    try:
        with database.session_scope(PartnerScope.system(reason="bench naive")) as session:
            vendor = _vendor(session)
            started = time.perf_counter()
            for index in range(args.sample_partners):
                generated = vendor.partner(index)
                partner = Partner(**generated.row)
                session.add(partner)
                session.flush()
                for row in attribute_rows(generated, partner.id):
                    session.add(PartnerAttribute(**row))
                    rows += 1
                for row in vendor.people(generated, partner.id, args.people_per_partner):
                    session.add(Person(**row))
                    rows += 1
                rows += 1
            session.flush()
        seconds = time.perf_counter() - started
    finally:
        database.dispose()
    return Measurement(backend, "naive ORM: add per row", args.sample_partners, rows, seconds, None)


def run_services(backend: str, url: str, args: argparse.Namespace) -> Measurement:
    """Through the services with an audit event per partner and per person, as `alliance demo` builds."""
    database = Database(url)
    actor = Actor.system(label="bench")
    rows = 0
    try:
        with database.session_scope(PartnerScope.system(reason="bench services")) as session:
            vendor = _vendor(session)
            started = time.perf_counter()
            for index in range(args.service_sample):
                generated = vendor.partner(index)
                row = generated.row
                attributes: dict[str, list[str]] = {"region": [], "territory": [], "vertical": [], "specialty": []}
                for kind, value in generated.attributes:
                    attributes[kind.value].append(value)
                data = PartnerCreate(
                    legal_name=row["legal_name"],
                    display_name=row["display_name"],
                    website=row["website"],
                    partner_type=row["partner_type"],
                    si_subtype=row["si_subtype"],
                    hq_country=row["hq_country"],
                    regions=attributes["region"],
                    territories=attributes["territory"],
                    verticals=attributes["vertical"],
                    specialties=attributes["specialty"],
                    consultant_headcount=row["consultant_headcount"],
                    enrolled_on=row["enrolled_on"],
                    status=row["status"],
                    program_id=row["program_id"],
                    tier_id=row["tier_id"],
                )
                partner = partner_service.create_partner(session, actor, data=data)
                rows += 1 + len(generated.attributes)
                for person in vendor.people(generated, partner.id, args.people_per_partner):
                    fields = {k: person[k] for k in ("name", "email", "title", "delivery_role", "country")}
                    partner_service.add_person(session, actor, partner_id=partner.id, data=PersonCreate(**fields))
                    rows += 1
        seconds = time.perf_counter() - started
    finally:
        database.dispose()
    return Measurement(backend, "services: audited per row", args.service_sample, rows, seconds, None)


def _vendor(session) -> SyntheticVendor:  # type: ignore[no-untyped-def]
    """The seed's own generator, with its program lookup (which loads the default programs)."""
    programs = seed_service.program_choices(session, Actor.system(label="bench"))
    session.flush()
    return SyntheticVendor(1, programs=programs, cam_user_ids=[], now=clock.now())


# --- driver ----------------------------------------------------------------------------------


def bench_backend(backend: str, args: argparse.Namespace, workdir: Path) -> list[Measurement]:
    def fresh(name: str):  # type: ignore[no-untyped-def]
        return sqlite_database(workdir, f"{backend}_{name}") if backend == "sqlite" else postgres_database(args.postgres_url, name)

    console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners × {args.people_per_partner} people …")
    with fresh("seed") as url:
        seeded, output = run_seed_cli(backend, url, args)
    console.print(f"  {' '.join(output.split())}")
    console.print(f"  naive baseline: {args.sample_partners} partners; services baseline: {args.service_sample} partners …")
    with fresh("naive") as url:
        naive = run_naive_orm(backend, url, args)
    with fresh("services") as url:
        services = run_services(backend, url, args)
    return [seeded, insert_phase(seeded, output), naive, services]


def print_results(results: list[Measurement]) -> None:
    table = Table(title="Seed benchmark", title_justify="left")
    for column in ("backend", "method", "partners", "rows", "wall s", "peak RSS MB", "rows/s", "seed ÷ this"):
        table.add_column(column, justify="left" if column in ("backend", "method") else "right")
    for backend in dict.fromkeys(r.backend for r in results):
        group = [r for r in results if r.backend == backend]
        # Baselines run in-process, so compare them with the seed's insert phase, not its start-up.
        seed_rate = next(r for r in group if r.method == "seed: insert phase").rows_per_second
        for r in group:
            ratio = "—" if r.method.startswith("seed") else f"{seed_rate / r.rows_per_second:,.1f}×"
            rss = f"{r.peak_rss_mb:,.0f}" if r.peak_rss_mb is not None else "—"
            table.add_row(r.backend, r.method, f"{r.partners:,}", f"{r.rows:,}", f"{r.seconds:,.2f}", rss, f"{r.rows_per_second:,.0f}", ratio)
    console.print(table)
    console.print(
        "Peak RSS is the seed child process's own (os.wait4). Baselines run in this process on a sample of the same\n"
        "generated rows and are extrapolated as rows/s; 'seed ÷ this' = seed insert-phase rows/s ÷ baseline rows/s."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=10_000)
    parser.add_argument("--people-per-partner", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=seed_service.DEFAULT_BATCH_SIZE)
    parser.add_argument("--sample-partners", type=int, default=200, help="partners in the naive ORM baseline")
    parser.add_argument("--service-sample", type=int, default=20, help="partners in the services baseline")
    parser.add_argument("--postgres", action="store_true", help="also run against a temporary PostgreSQL database")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN, help="admin URL used to create and drop the temp database")
    parser.add_argument("--json", type=Path, help="also write the results to this JSON file")
    args = parser.parse_args()

    results: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        results += bench_backend("sqlite", args, Path(tmp))
        if args.postgres:
            results += bench_backend("postgresql", args, Path(tmp))
    print_results(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps([{**asdict(r), "rows_per_second": r.rows_per_second} for r in results], indent=2))


if __name__ == "__main__":
    main()
