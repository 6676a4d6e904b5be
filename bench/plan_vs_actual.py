"""Plan vs actual for 10,000 partners' joint business plans, set-based, against a per-plan loop.

    .venv/bin/python bench/plan_vs_actual.py                  # SQLite: 10,000 plans
    .venv/bin/python bench/plan_vs_actual.py --postgres       # then PostgreSQL
    .venv/bin/python bench/plan_vs_actual.py --partners 2000 --loop-sample 200

`alliance seed --partners N --people-per-partner 1` loads the partners (a child process); this
process inserts, per partner, an agreed plan for the current fiscal year (a services revenue target,
a certification target and a solution milestone, half of them completed), a won project and
`--entries` services credits in the attribution ledger across the year. Timed, in one read-only
session each:

- set-based: `actuals_service.measure` over every plan, `--batch` plans at a time (the plans read
  as plain rows — plan, version in force, its items, progress — then one grouped query per item
  kind per batch: what the CSV export and the list pages do);
- set-based from ORM plans, the baseline: `actuals_service.compute` over the same batches of
  plans loaded as ORM objects with their versions, items and progress (how the portfolio path
  read them before); `rows ÷ ORM` is the speed-up, measured in the same process;
- per-plan loop: one plan at a time (loaded, then measured), over `--loop-sample` plans,
  extrapolated to every plan (per-plan time × plans).

`loop ÷ set-based` is how many times longer the loop takes; every plan's figures are checked to be
equal from rows and from ORM plans, and the sampled plans' figures equal to the loop's.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_cli, run_on_each_backend, write_json
from rich.console import Console
from rich.table import Table
from sqlalchemy import select, text

from alliance.agreements.signoff import VersionStatus
from alliance.db import Database
from alliance.demo.bulk import insert_returning_ids, insert_rows
from alliance.identity.scope import Actor, PartnerScope
from alliance.kit import clock, fiscal
from alliance.partners.models import Partner
from alliance.partners.vocabulary import RegistrationKind
from alliance.planning import actuals_service
from alliance.planning.models import BusinessPlan, BusinessPlanVersion, ItemProgress, PlanItem
from alliance.planning.repository import BusinessPlanRepository
from alliance.planning.vocabulary import ItemKind, ItemStatus, PlanStatus
from alliance.registrations.lifecycle import Status
from alliance.registrations.models import AttributionEntry, Registration
from alliance.registrations.vocabulary import CreditType

console = Console(width=170)
BATCH = 5_000
# executemany wants the same keys in every row
BLANK_ITEM = dict.fromkeys(("territory", "revenue_kind", "amount", "currency", "delivery_role", "level", "target_count", "owner_user_id"))


def load(database: Database, *, entries: int) -> int:
    now, today = clock.now(), clock.today()
    year = fiscal.current().period(fiscal.PeriodKind.YEAR, today)
    elapsed = max((today - year.start).days, 1)
    with database.session_scope(PartnerScope.system(reason="bench load")) as session:
        partner_ids = list(session.scalars(select(Partner.id).order_by(Partner.id)))
        for start in range(0, len(partner_ids), BATCH):
            ids = partner_ids[start : start + BATCH]
            plans = insert_returning_ids(
                session,
                BusinessPlan.__table__,  # type: ignore[arg-type]
                [
                    {
                        "partner_id": p,
                        "title": f"Plan {p}",
                        "period_key": year.key,
                        "starts_on": year.start,
                        "ends_on": year.end,
                        "currency": "USD",
                        "status": PlanStatus.AGREED,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for p in ids
                ],
            )
            versions = insert_returning_ids(
                session,
                BusinessPlanVersion.__table__,  # type: ignore[arg-type]
                [{"partner_id": p, "plan_id": plan, "number": 1, "status": VersionStatus.AGREED} for p, plan in zip(ids, plans, strict=True)],
            )
            items: list[dict[str, Any]] = []
            progress: list[dict[str, Any]] = []
            for n, (p, plan, version) in enumerate(zip(ids, plans, versions, strict=True)):
                common = BLANK_ITEM | {"partner_id": p, "plan_id": plan, "version_id": version, "due_on": year.end}
                items += [
                    {**common, "ref": 1, "position": 1, "kind": ItemKind.REVENUE_TARGET, "title": "Services revenue", "territory": "West"}
                    | {"revenue_kind": "services", "amount": Decimal(100_000 + n % 7 * 50_000), "currency": "USD"},
                    {**common, "ref": 2, "position": 2, "kind": ItemKind.CERTIFICATION_TARGET, "title": "Engineers"}
                    | {"delivery_role": "implementation_engineer", "level": "professional", "target_count": 5},
                    {**common, "ref": 3, "position": 3, "kind": ItemKind.SOLUTION_MILESTONE, "title": "Accelerator"},
                ]
                if n % 2:
                    progress.append({"partner_id": p, "plan_id": plan, "ref": 3, "status": ItemStatus.COMPLETED, "evidence_note": "Published"})
            insert_rows(session, PlanItem.__table__, items)  # type: ignore[arg-type]
            insert_rows(session, ItemProgress.__table__, progress)  # type: ignore[arg-type]
            session.execute(
                text("UPDATE business_plans SET agreed_version_id = (SELECT v.id FROM business_plan_versions v WHERE v.plan_id = business_plans.id)")
            )
            registrations = insert_returning_ids(
                session,
                Registration.__table__,  # type: ignore[arg-type]
                [
                    {
                        "partner_id": p,
                        "kind": RegistrationKind.PROJECT,
                        "status": Status.WON,
                        "title": f"Project {p}",
                        "customer_name": f"Customer {p}",
                        "currency": "USD",
                        "details": {},
                        "extensions_granted": 0,
                        "closed_on": year.start,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for p in ids
                ],
            )
            ledger = [
                {
                    "partner_id": p,
                    "registration_id": r,
                    "closing_registration_id": r,
                    "credit_type": CreditType.SERVICES,
                    "amount": Decimal(10_000 + (p * 31 + e * 17) % 40_000),
                    "currency": "USD",
                    "share_percent": Decimal(100),
                    "effective_on": year.start + timedelta(days=(e * elapsed) // max(entries, 1)),
                    "recorded_at": now,
                    "recorded_by": "bench",
                    "rule": "bench",
                }
                for p, r in zip(ids, registrations, strict=True)
                for e in range(entries)
            ]
            insert_rows(session, AttributionEntry.__table__, ledger)  # type: ignore[arg-type]
    return len(partner_ids)


def set_based(database: Database, *, batch: int, orm: bool = False) -> tuple[float, dict[int, list[Any]]]:
    """Every plan measured `batch` at a time: read as rows (`measure`), or loaded as ORM objects (`orm`)."""
    today = clock.today()
    actor = Actor.system("bench")
    found: dict[int, list[Any]] = {}
    started = time.perf_counter()
    with database.session_scope(PartnerScope.system(reason="bench set-based"), write=False) as session:
        plan_ids = list(session.scalars(select(BusinessPlan.id).order_by(BusinessPlan.id)))
        for start in range(0, len(plan_ids), batch):
            chosen = plan_ids[start : start + batch]
            if orm:
                measured = actuals_service.compute(session, BusinessPlanRepository(session).loaded(chosen), as_of=today)
            else:
                measured = actuals_service.measure(session, actor, plan_ids=chosen, as_of=today)
            for plan_id, actuals in measured.items():
                found[plan_id] = _figures(actuals)
            session.expunge_all()
    return time.perf_counter() - started, found


def per_plan(database: Database, *, sample: int) -> tuple[float, int, dict[int, list[Any]]]:
    today = clock.today()
    found: dict[int, list[Any]] = {}
    with database.session_scope(PartnerScope.system(reason="bench loop"), write=False) as session:
        plan_ids = list(session.scalars(select(BusinessPlan.id).order_by(BusinessPlan.id)))
        step = max(len(plan_ids) // sample, 1)
        chosen = plan_ids[::step][:sample]
        started = time.perf_counter()
        for plan_id in chosen:
            plans = BusinessPlanRepository(session).loaded([plan_id])
            found[plan_id] = _figures(actuals_service.compute(session, plans, as_of=today)[plan_id])
            session.expunge_all()
        seconds = time.perf_counter() - started
    return seconds, len(chosen), found


def _figures(measured: actuals_service.PlanActuals) -> list[Any]:
    return [(i.item.ref, i.status, i.progress, i.finding, i.territory) for i in measured.items]


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "plan_vs_actual", args.postgres_url) as url:
        console.print(f"[bold]{backend}[/bold]: seeding {args.partners:,} partners (alliance seed) …")
        run_cli(url, "seed", "--partners", str(args.partners), "--people-per-partner", "1", "--seed", "11")
        database = Database(url)
        try:
            plans = load(database, entries=args.entries)
            console.print(f"  {plans:,} agreed plans, 3 items each; {plans * args.entries:,} services credits in the ledger")
            # Alternated, best of --repeat each, so that both paths meet the same load on a shared machine.
            set_runs: list[float] = []
            orm_runs: list[float] = []
            for _ in range(args.repeat):
                orm_s, orm_found = set_based(database, batch=args.batch, orm=True)
                set_s, set_found = set_based(database, batch=args.batch)
                orm_runs.append(orm_s)
                set_runs.append(set_s)
            set_s, orm_s = min(set_runs), min(orm_runs)
            console.print(f"  set-based from ORM plans (baseline): {len(orm_found):,} plans in {orm_s:.2f} s ({len(orm_found) / orm_s:,.0f} plans/s)")
            console.print(
                f"  set-based from rows: {len(set_found):,} plans in {set_s:.2f} s ({len(set_found) / set_s:,.0f} plans/s), {orm_s / set_s:.2f}× the baseline"
            )
            if orm_found != set_found:
                raise SystemExit(f"rows and ORM plans disagree on plans {[p for p in set_found if orm_found.get(p) != set_found[p]][:10]}")
            loop_s, looped, loop_found = per_plan(database, sample=args.loop_sample)
            console.print(f"  per-plan loop: {looped:,} plans in {loop_s:.2f} s ({looped / loop_s:,.0f} plans/s)")
        finally:
            database.dispose()
    mismatched = [plan_id for plan_id, figures in loop_found.items() if set_found.get(plan_id) != figures]
    if mismatched:
        raise SystemExit(f"the loop and the set-based run disagree on plans {mismatched[:10]}")
    loop_all = loop_s / looped * len(set_found)
    return {
        "backend": backend,
        "plans": len(set_found),
        "ledger_entries": plans * args.entries,
        "set_based_s": set_s,
        "set_based_per_s": len(set_found) / set_s,
        "orm_baseline_s": orm_s,
        "orm_baseline_per_s": len(orm_found) / orm_s,
        "rows_vs_orm": orm_s / set_s,
        "loop_sample": looped,
        "loop_sample_s": loop_s,
        "loop_per_s": looped / loop_s,
        "loop_extrapolated_s": loop_all,
        "ratio": loop_all / set_s,
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="plan vs actual: every plan measured set-based, against one plan at a time")
    for column in (
        "backend",
        "plans",
        "ledger entries",
        "ORM baseline s",
        "ORM plans/s",
        "set-based s",
        "plans/s",
        "rows ÷ ORM",
        "loop sample",
        "loop s",
        "loop plans/s",
        "loop, all plans s",
        "loop ÷ set-based",
    ):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            r["backend"],
            f"{r['plans']:,}",
            f"{r['ledger_entries']:,}",
            f"{r['orm_baseline_s']:.2f}",
            f"{r['orm_baseline_per_s']:,.0f}",
            f"{r['set_based_s']:.2f}",
            f"{r['set_based_per_s']:,.0f}",
            f"{r['rows_vs_orm']:.2f}",
            f"{r['loop_sample']:,}",
            f"{r['loop_sample_s']:.2f}",
            f"{r['loop_per_s']:,.0f}",
            f"{r['loop_extrapolated_s']:.1f}",
            f"{r['ratio']:.1f}",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partners", type=int, default=10_000, help="partners, hence plans")
    parser.add_argument("--entries", type=int, default=12, help="services credits per partner in the ledger")
    parser.add_argument("--batch", type=int, default=1_000, help="plans measured together")
    parser.add_argument("--repeat", type=int, default=3, help="set-based runs of each path (the best counts)")
    parser.add_argument("--loop-sample", type=int, default=1_000, help="plans measured one at a time (extrapolated)")
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = run_on_each_backend(args, lambda backend, workdir: run_backend(backend, args, workdir))
    report(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
