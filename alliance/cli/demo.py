from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from alliance import migrate
from alliance.cli.context import console, current_database, err_console, fail, unit_of_work
from alliance.cli.db import _ensure_sqlite_dir
from alliance.cli.serve import run_server
from alliance.config import get_settings
from alliance.demo import assets as demo_assets
from alliance.demo import briefs as demo_briefs
from alliance.demo import build
from alliance.demo import cosell as demo_cosell
from alliance.demo import customers as customer_seed
from alliance.demo import enablement as demo_enablement
from alliance.demo import funds as demo_funds
from alliance.demo import practice as demo_practice
from alliance.demo import qbr as demo_governance
from alliance.demo import registrations as demo_pipeline
from alliance.demo import seed as seed_service
from alliance.demo.plan import plan_demo
from alliance.demo.programs import load_default_programs
from alliance.demo.staff import DEMO_PASSWORD
from alliance.identity import passwords
from alliance.identity.scope import Actor
from alliance.kit import clock


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
    app.command("seed")(seed)


def demo(
    host: Annotated[str, typer.Option(help="Interface to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed builds the same vendor")] = 42,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Build the demo data, print the logins and exit")] = False,
    reset: Annotated[bool, typer.Option("--reset", help="Delete the SQLite database file first and build from scratch")] = False,
) -> None:
    """Create (or reuse) a database with a believable demo vendor, print the logins and serve it."""
    url = get_settings().database_url
    if reset:
        _delete_sqlite_database(url)
    _ensure_sqlite_dir(url)
    migrate.upgrade(url)
    actor = Actor.system(label="demo")
    plan = plan_demo(seed, today=clock.today())
    # One transaction: a build that fails half-way leaves the database as it was. An existing demo
    # keeps its programs too, so tier changes made while demoing survive a restart.
    with unit_of_work("demo data") as session:
        existing = build.count_partners(session, actor)
        if existing:
            console.print(f"The database already has {existing} partners; leaving it as it is (--reset rebuilds a SQLite demo).")
        else:
            started = time.perf_counter()
            programs = load_default_programs(session, actor)
            summary = build.build_demo(session, actor, plan=plan, password_hash=passwords.hash_password(DEMO_PASSWORD))
            pipeline = demo_pipeline.build_pipeline(session, actor, seed=seed, today=clock.today())
            enablement = demo_enablement.build_enablement(session, actor, seed=seed, today=clock.today())
            cosell = demo_cosell.build_cosell(session, actor, seed=seed, today=clock.today())
            practice = demo_practice.build_practice(session, actor, seed=seed, today=clock.today())
            library = demo_assets.build_assets(session, actor, seed=seed, today=clock.today())
            briefs = demo_briefs.build_briefs_and_early_access(session, actor, today=clock.today())
            governance = demo_governance.build_governance(session, actor, today=clock.today())
            funds = demo_funds.build_funds(session, actor, today=clock.today())
            console.print(f"Programs: {len(programs.programs_created)} created, {len(programs.programs_updated)} updated from the defaults.")
            console.print(
                f"Demo vendor built from seed {seed}: {summary.partners} partners, {summary.people} people, "
                f"{summary.sponsors} executive sponsors, {summary.users} users, {pipeline.customers} customers, "
                f"{pipeline.registrations} registrations, {enablement.consultants} consultants with {enablement.certifications} certifications, "
                f"{enablement.recommendations} tier recommendations, {cosell.requests} co-sell requests, {practice.plans} joint business plans, "
                f"{library.assets} library assets with {library.usage_events} usage events, {briefs.templates} co-branded briefs, "
                f"{briefs.programs} early-access program with {briefs.applications} applications, {governance.meetings} executive meetings, "
                f"{governance.published} published QBRs and {governance.drafts} drafts, "
                f"{funds.requests} MDF requests with {funds.claims} claims ({time.perf_counter() - started:.1f} s)."
            )
        logins = build.existing_logins(session, actor, build.demo_logins(plan))
    _print_logins(logins, host, port)
    if not no_serve:
        run_server(host, port)


def seed(
    partners: Annotated[int, typer.Option("--partners", min=0, help="How many partners to add")] = 0,
    customers: Annotated[int, typer.Option("--customers", min=0, help="How many end customers to add (after the partners)")] = 0,
    people_per_partner: Annotated[int, typer.Option("--people-per-partner", min=0, help="People listed per partner")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Random seed: the same seed generates the same rows")] = 1,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1, help="Rows per INSERT batch")] = seed_service.DEFAULT_BATCH_SIZE,
) -> None:
    """Add synthetic partners (with regions, verticals, specialties), people and end customers for benchmarks.

    Seeding appends to whatever the database holds: running it twice adds twice the partners.
    Loads the default programs first when there are none. Run `alliance db upgrade` first."""
    db = current_database()
    progress = Progress(
        TextColumn("seeding"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("partners · {task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
        console=err_console,
        disable=not err_console.is_terminal,
    )
    task = progress.add_task("seed", total=partners, rows=0, visible=partners > 0)
    customer_task = progress.add_task("customers", total=customers, rows=0, visible=customers > 0)
    rows_so_far = 0

    def advance(partners_done: int, rows: int) -> None:
        nonlocal rows_so_far
        rows_so_far += rows
        progress.update(task, advance=partners_done, rows=rows_so_far)

    started = time.perf_counter()
    with progress, unit_of_work("cli seed", db) as session:
        summary = seed_service.SeedSummary(0, 0, 0, None, None)
        if partners or not customers:
            summary = seed_service.seed_partners(
                session,
                Actor.system(label="cli seed"),
                partners=partners,
                people_per_partner=people_per_partner,
                seed=seed,
                batch_size=batch_size,
                on_progress=advance,
            )
        customer_summary = customer_seed.CustomerSeedSummary(0, 0, 0, 0)
        if customers:
            customer_summary = customer_seed.seed_customers(
                session,
                Actor.system(label="cli seed"),
                customers=customers,
                seed=seed,
                batch_size=batch_size,
                on_progress=lambda done: progress.update(customer_task, advance=done),
            )
    elapsed = time.perf_counter() - started
    rows = summary.rows + customer_summary.customers + customer_summary.name_keys
    console.print(
        f"Inserted {rows:,} rows ({summary.partners:,} partners, {summary.people:,} people, "
        f"{summary.attributes:,} partner attributes, {customer_summary.customers:,} customers, "
        f"{customer_summary.name_keys:,} customer name keys) in {elapsed:.2f} s: {rows / max(elapsed, 1e-9):,.0f} rows/s."
    )


def _delete_sqlite_database(url: str) -> None:
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        fail("--reset only deletes a SQLite database file; drop and recreate other databases yourself.")
    path = Path(url.removeprefix("sqlite:///"))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        file.unlink(missing_ok=True)
    console.print(f"Deleted {path}.")


def _print_logins(logins: list[build.DemoLogin], host: str, port: int) -> None:
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    table = Table(title="Demo logins", title_justify="left")
    table.add_column("login", no_wrap=True, min_width=max((len(login.email) for login in logins), default=5))
    table.add_column("who")
    table.add_column("organisation")
    for login in logins:
        table.add_row(login.email, login.who, login.organisation)
    console.print(table)
    if logins:
        console.print(f"Password for every demo login: [bold]{DEMO_PASSWORD}[/bold] (every other partner's first person is its partner admin, same password)")
    else:
        console.print("[yellow]None of the demo logins exist in this database[/yellow] (it holds other data).")
    console.print(f"Open [bold]http://{shown_host}:{port}/login[/bold]")
    if logins:
        console.print(
            "Things to try: as the CAM, Co-sell shows team queues with SLA timers (some overdue) and Registrations the review queue "
            "with a flagged conflict; as the program admin, Co-sell → PS engagements → staff implementation at Northwind Regional Health "
            "and the rules of engagement block it (Harbor Bridge leads it in the agreed plan); as Harbor Bridge's admin, Co-sell → the "
            "Northwind plan has a vendor change waiting for your signature, and Disputes one escalated to the channel director; "
            "Plans → Partner ramp shows the cohort curves, a regional SI that won its first deal 9 months after enrolling and one stalled at 20 months."
        )
