"""QBR figures for the whole portfolio at the issue's scale on PostgreSQL, set-based, against a
per-partner loop; one QBR page in-process; PDF pages per second.

    .venv/bin/python bench/qbr_figures.py        # 5,000 partners, 1,000,000 registrations, 400,000 certifications
    .venv/bin/python bench/qbr_figures.py --partners 200 --registrations 20000 --certifications 8000 --sample 20 --pdfs 4   # small

Partners and people come from `alliance seed` (child process); the certification catalog from
bench/tiers_evaluate.py. Then, set-based in PostgreSQL (INSERT ... SELECT over generate_series,
so a million rows take seconds): `--certifications` certifications spread over the people (some
expired, some in a recertification window, created on their issue date so the as-of reads have
history); `--registrations` registrations of every kind and stage over the last 18 months, each
with its status history (submitted, then approved, then won or lost); and the attribution ledger
for the won ones (influence on each, direct on half).

It times `figures_service.compute` for every partner (a fixed number of grouped queries) and, in
the same run, `compute` for a sample of partners one at a time, extrapolated to the portfolio (the
loop is not run in full: at ~5,000 partners it would take many minutes, so the ratio is the
sample's mean × partners ÷ set-based). Then one partner's QBR page (GET /console/qbrs/{id}, the
whole request through a signed-in TestClient) and that partner's regeneration (POST
.../regenerate: its figures at full scale, its charts, stored), p50/p99; then PDFs of a sample of
packages in `--workers` processes (as `alliance qbr generate --out` does), pages per second.

The machine may be shared: the load average is printed with each measurement.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, kept_or_fresh_database, percentile, run_cli, write_json
from rich.console import Console
from rich.table import Table
from sqlalchemy import select, text
from starlette.testclient import TestClient
from tiers_evaluate import catalog

from alliance.app import create_app
from alliance.config import Settings
from alliance.db import Database
from alliance.identity import passwords
from alliance.identity import service as identity_service
from alliance.identity.schemas import UserCreate
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock, fiscal
from alliance.partners.models import Partner
from alliance.qbr import figures_service
from alliance.qbr.charts import svgs
from alliance.qbr.vocabulary import QbrStatus

console = Console(width=170)
SYSTEM = Actor.system(label="bench")
PASSWORD = "bench-password-1"


def seed_certifications(session: Any, *, count: int, tracks: list[int], release_id: int) -> None:
    """`count` certifications round-robin over the people: expiry spread from 200 days ago to 700
    days ahead; every seventh live one in a recertification window; created on its issue date."""
    session.execute(
        text(
            """
            INSERT INTO certifications (partner_id, person_id, track_id, status, issued_on, expires_on, recert_due_on,
                                        recert_release_id, source, created_at, updated_at)
            SELECT p.partner_id, p.id, (CAST(:tracks AS int[]))[CAST(1 + (g * 7) % cardinality(CAST(:tracks AS int[])) AS int)],
                   CASE WHEN x.expires_on < CAST(:today AS date) THEN 'expired'
                        WHEN g % 7 = 0 THEN 'recert_required' ELSE 'active' END,
                   x.expires_on - 730, x.expires_on,
                   CASE WHEN x.expires_on >= CAST(:today AS date) AND g % 7 = 0 THEN CAST(:today AS date) + CAST(g % 200 AS int) - 20 END,
                   CASE WHEN x.expires_on >= CAST(:today AS date) AND g % 7 = 0 THEN :release END,
                   'import', CAST(x.expires_on - 730 AS timestamp) AT TIME ZONE 'UTC', now()
            FROM generate_series(0, CAST(:n AS bigint) - 1) AS g
            CROSS JOIN LATERAL (SELECT CAST(:today AS date) + CAST((g * 7919) % 900 - 200 AS int) AS expires_on) AS x
            JOIN (SELECT id, partner_id, row_number() OVER (ORDER BY id) - 1 AS n FROM people) AS p
              ON p.n = g % (SELECT count(*) FROM people)
            """
        ),
        {"n": count, "tracks": tracks, "today": clock.today(), "release": release_id},
    )


def seed_registrations(session: Any, *, count: int) -> None:
    """`count` registrations round-robin over the partners, submitted over the last 540 days: a
    third deals, projects, influence; 40% won, 10% lost, 20% approved (protected 90-270 days),
    the rest submitted. Then each one's history, and the ledger of the won ones."""
    session.execute(
        text(
            """
            INSERT INTO registrations (partner_id, kind, status, title, customer_name, currency, details, extensions_granted,
                                       is_sandbox, submitted_at, last_submitted_at, status_changed_at, protected_until,
                                       closed_at, closed_on, booked_amount, created_at, updated_at)
            SELECT p.id, (ARRAY['deal', 'project', 'influence'])[CAST(1 + g % 3 AS int)], s.status, 'Bench registration ' || g,
                   'Bench customer ' || (g % 50000), 'USD', '{}', 0, false, x.submitted, x.submitted,
                   x.submitted + interval '60 days',
                   CASE WHEN s.status = 'approved' THEN CAST(x.submitted AS date) + 90 + CAST(g % 180 AS int) END,
                   CASE WHEN s.status IN ('won', 'lost') THEN x.submitted + interval '60 days' END,
                   CASE WHEN s.status IN ('won', 'lost') THEN CAST(x.submitted + interval '60 days' AS date) END,
                   CASE WHEN s.status = 'won' THEN 20000 + (g * 7 % 3000) * 1000 END,
                   x.submitted, x.submitted
            FROM generate_series(0, CAST(:n AS bigint) - 1) AS g
            CROSS JOIN LATERAL (SELECT now() - interval '1 day' * ((g * 37) % 540) - interval '60 days' AS submitted) AS x
            CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 < 4 THEN 'won' WHEN g % 10 = 4 THEN 'lost'
                                            WHEN g % 10 < 7 THEN 'approved' ELSE 'submitted' END AS status) AS s
            JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM partners) AS p
              ON p.n = g % (SELECT count(*) FROM partners)
            """
        ),
        {"n": count},
    )
    events = """
        INSERT INTO registration_events (partner_id, registration_id, at, action, from_status, to_status, actor_label, actor_side)
        SELECT partner_id, id, {at}, '{action}', '{before}', '{after}', 'bench', '{side}' FROM registrations WHERE {where}
    """
    for at, action, before, after, side, where in (
        ("submitted_at", "submit", "draft", "submitted", "partner", "true"),
        ("submitted_at + interval '10 days'", "approve", "submitted", "approved", "vendor", "status IN ('approved', 'won', 'lost')"),
        ("closed_at", "mark_won", "approved", "won", "partner", "status = 'won'"),
        ("closed_at", "mark_lost", "approved", "lost", "partner", "status = 'lost'"),
    ):
        session.execute(text(events.format(at=at, action=action, before=before, after=after, side=side, where=where)))
    session.execute(
        text(
            """
            INSERT INTO attribution_entries (partner_id, registration_id, closing_registration_id, credit_type, amount, currency,
                                             share_percent, effective_on, recorded_at, recorded_by, rule)
            SELECT partner_id, id, id, c.credit_type, booked_amount, 'USD', 100, closed_on, closed_at, 'bench', 'bench'
            FROM registrations
            CROSS JOIN LATERAL (SELECT 'influence' AS credit_type UNION ALL SELECT 'direct' WHERE registrations.id % 2 = 0) AS c
            WHERE status = 'won'
            """
        )
    )


def load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} cores"


def seed(database: Database, args: argparse.Namespace) -> dict[str, int]:
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench QBR data")) as session:
        tracks, release_id = catalog(session)
        seed_certifications(session, count=args.certifications, tracks=sorted(t for ids in tracks.values() for t in ids), release_id=release_id)
        seed_registrations(session, count=args.registrations)
        admin = identity_service.create_user(session, SYSTEM, data=UserCreate(email="admin@bench.example", name="Bench Admin", role=Role.PROGRAM_ADMIN))
        admin.password_hash = passwords.hash_password(PASSWORD)
    with database.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    counted = counts(database)
    console.print(f"  seeded in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{n:,} {t}" for t, n in counted.items()))
    return counted


def compute(database: Database, partner_ids: list[int] | None) -> tuple[float, dict[int, dict[str, Any]]]:
    quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, clock.today())
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench QBR figures"), write=False) as session:
        found = figures_service.compute(session, partner_ids=partner_ids, quarter=quarter, as_of=clock.today())
    return time.perf_counter() - started, found


def render_pdf(html: str) -> int:
    from alliance.web.qbr_document import load_pdf_engine

    document = load_pdf_engine().HTML(string=html).render()
    document.write_pdf()
    return len(document.pages)


def pdf_pages_per_second(figures: list[dict[str, Any]], workers: int) -> tuple[int, float]:
    from alliance.qbr.service import QbrContent
    from alliance.web import qbr_document

    documents = [qbr_document.document_html(QbrContent(f, svgs(f)), status=QbrStatus.DRAFT, sha256=None) for f in figures]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(render_pdf, documents[:workers]))  # warm-up: each worker imports WeasyPrint once
        started = time.perf_counter()
        pages = sum(pool.map(render_pdf, documents))
    return pages, time.perf_counter() - started


def timed(call: Callable[[], Any], runs: int) -> dict[str, float]:
    call()
    latencies = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        latencies.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(latencies, 0.5), "p99_ms": percentile(latencies, 0.99), "runs": runs}


def page_timings(url: str, partner_id: int, runs: int) -> tuple[dict[str, float], dict[str, float]]:
    """GET of one partner's QBR page, and its regeneration (POST), signed in as a program admin."""
    app = create_app(Settings(database_url=url, secret_key="bench-" * 8))
    with TestClient(app) as client:
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)  # type: ignore[union-attr]
        client.post("/login", data={"email": "admin@bench.example", "password": PASSWORD, "csrf_token": token}, follow_redirects=False)
        form = client.get("/console/qbrs").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        quarter = fiscal.current().period(fiscal.PeriodKind.QUARTER, clock.today()).key
        created = client.post("/console/qbrs", data={"partner_id": partner_id, "quarter": quarter, "csrf_token": token}, follow_redirects=False)
        assert created.status_code == 303, created.text[:500]
        page = created.headers["location"]

        def get() -> None:
            assert client.get(page).status_code == 200

        def regenerate() -> None:
            response = client.post(f"{page}/regenerate", data={"csrf_token": token}, follow_redirects=False)
            assert response.status_code == 303, response.text[:500]

        return timed(get, runs), timed(regenerate, max(5, runs // 3))


@contextmanager
def bench_database(args: argparse.Namespace, workdir: Path) -> Iterator[tuple[str, bool]]:
    with kept_or_fresh_database("postgresql", workdir, "qbr", args.postgres_url, args.keep) as kept:
        yield kept


def counts(database: Database) -> dict[str, int]:
    with database.engine.connect() as connection:
        return {
            table: int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
            for table in ("partners", "people", "certifications", "registrations", "registration_events", "attribution_entries")
        }


def run(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with bench_database(args, workdir) as (url, empty):
        if empty:
            console.print(f"[bold]PostgreSQL[/bold]: seeding {args.partners:,} partners (alliance seed) …  {load_average()}")
            seeded = run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", str(args.people_per_partner), "--seed", str(args.seed))
            console.print(f"  {seeded.output}  ({seeded.seconds:.1f} s)")
        database = Database(url)
        try:
            counted = seed(database, args) if empty else counts(database)
            if not empty:
                console.print("  reusing database " + str(args.keep) + ": " + ", ".join(f"{n:,} {t}" for t, n in counted.items()))
            if args.seed_only:
                return {}
            with database.session_scope(PartnerScope.system(reason="bench ids"), write=False) as session:
                ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
            sample = random.Random(args.seed).sample(ids, min(args.sample, len(ids)))
            compute(database, sample[:3])  # warm-up
            load_set = load_average()
            set_seconds, found = compute(database, None)
            console.print(f"  figures for {len(found):,} partners, set-based: {set_seconds:.2f} s  ({load_set})")
            load_loop = load_average()
            started = time.perf_counter()
            for partner_id in sample:
                compute(database, [partner_id])
            per_partner = (time.perf_counter() - started) / len(sample)
            extrapolated = per_partner * len(found)
            console.print(
                f"  one partner at a time (sample of {len(sample)}): {per_partner * 1000:.0f} ms each → {extrapolated:.0f} s extrapolated to "
                f"{len(found):,} partners ({extrapolated / set_seconds:.1f}× the set-based run)  ({load_loop})"
            )
        finally:
            database.dispose()
        load_page = load_average()
        page, regenerate = page_timings(url, sample[0], args.page_runs)
        console.print(
            f"  QBR page GET: p50 {page['p50_ms']:.0f} ms, p99 {page['p99_ms']:.0f} ms; regenerate (POST): p50 {regenerate['p50_ms']:.0f} ms, "
            f"p99 {regenerate['p99_ms']:.0f} ms  ({load_page})"
        )
    load_pdf = load_average()
    pages, pdf_seconds = pdf_pages_per_second([found[pid] for pid in sample[: args.pdfs]], args.workers)
    console.print(f"  PDFs: {pages} pages in {pdf_seconds:.1f} s on {args.workers} workers = {pages / pdf_seconds:.2f} pages/s  ({load_pdf})")
    return {
        "backend": "postgresql",
        **counted,
        "set_based_s": set_seconds,
        "load_set_based": load_set,
        "sample": len(sample),
        "per_partner_ms": per_partner * 1000,
        "loop_extrapolated_s": extrapolated,
        "ratio": extrapolated / set_seconds,
        "load_loop": load_loop,
        "page_get": page,
        "page_regenerate": regenerate,
        "load_page": load_page,
        "pdf_pages": pages,
        "pdf_pages_per_s": pages / pdf_seconds,
        "workers": args.workers,
        "load_pdf": load_pdf,
    }


def report(r: dict[str, Any]) -> None:
    table = Table(title="QBR figures (sections 1-8; five quarters) for every partner, one QBR page, PDFs — PostgreSQL")
    for column in (
        "partners",
        "registrations",
        "certifications",
        "ledger",
        "set-based s",
        "per-partner ms",
        "loop (extrap.) s",
        "ratio",
        "page p50/p99 ms",
        "PDF pages/s",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{r['partners']:,}",
        f"{r['registrations']:,}",
        f"{r['certifications']:,}",
        f"{r['attribution_entries']:,}",
        f"{r['set_based_s']:.2f}",
        f"{r['per_partner_ms']:.0f}",
        f"{r['loop_extrapolated_s']:.0f}",
        f"{r['ratio']:.1f}×",
        f"{r['page_get']['p50_ms']:.0f} / {r['page_get']['p99_ms']:.0f}",
        f"{r['pdf_pages_per_s']:.2f} ({r['workers']} workers)",
    )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=5_000)
    parser.add_argument("--people-per-partner", type=int, default=20)
    parser.add_argument("--registrations", type=int, default=1_000_000)
    parser.add_argument("--certifications", type=int, default=400_000)
    parser.add_argument("--sample", type=int, default=30, help="partners computed one at a time for the baseline")
    parser.add_argument("--page-runs", type=int, default=30, help="timed requests of the QBR page")
    parser.add_argument("--pdfs", type=int, default=8, help="packages rendered as PDFs")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--keep", metavar="NAME", help="keep the seeded PostgreSQL database under this name and reuse it on the next run")
    parser.add_argument("--seed-only", action="store_true", help="with --keep: seed the database and stop")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    import tempfile

    with tempfile.TemporaryDirectory(prefix="alliance-bench-") as tmp:
        result = run(args, Path(tmp))
    if not result:
        return
    report(result)
    write_json(args.json, [result])


if __name__ == "__main__":
    main()
