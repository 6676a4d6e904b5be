"""Scale-out, measured: the reference deployment (deploy/run.sh: nginx in front of N app
processes, the outbox worker, the scheduler) on PostgreSQL under a mixed Locust workload, at 1, 2
and 4 app processes, against a bare FastAPI endpoint doing one INSERT on the same database.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/deployment_load.py --customers 200000 --seconds 40 --users 16

Loopback only; each run is bounded in time (--seconds) and in requests (--max-requests). The
workload (bench/load_locustfile.py): partner users view a portal page, match customers and
submit deal registrations naming known customers the way people type them (matching, the
customer locks and the conflict check on every submit); CAMs list the co-sell request queue.
Afterwards the submits the clients got a 201 for are counted in the database: every acknowledged
title exactly once, and no row the clients were not told about.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ALLIANCE_PASSWORD_HASH_PROFILE", "fast")

from alliance.cli.programs import DEFAULT_PROGRAMS  # noqa: E402
from alliance.db import Database  # noqa: E402
from alliance.identity import passwords  # noqa: E402
from alliance.identity import service as identity_service  # noqa: E402
from alliance.identity.schemas import UserCreate  # noqa: E402
from alliance.identity.scope import Actor, PartnerScope, Role  # noqa: E402
from alliance.partners import product_line_service, program_service  # noqa: E402
from alliance.partners.models import Partner  # noqa: E402
from alliance.partners.program_file import parse_programs  # noqa: E402

PASSWORD = "load-test-password-1"
SYSTEM = Actor.system(label="bench load")


def alliance(url: str, *args: str) -> str:
    env = {**os.environ, "ALLIANCE_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "alliance.cli", *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise SystemExit(f"alliance {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def prepare(url: str, customers: int, partners: int, workdir: Path) -> Path:
    started = time.perf_counter()
    alliance(url, "db", "upgrade")
    alliance(url, "seed", "--partners", str(partners), "--people-per-partner", "2", "--customers", str(customers))
    seeded = time.perf_counter() - started
    database = Database(url)
    plan: dict[str, Any] = {"password": PASSWORD, "partners": []}
    with database.session_scope(PartnerScope.system(reason="bench load plan")) as session:
        program_service.load_programs(session, SYSTEM, document=parse_programs(DEFAULT_PROGRAMS.read_text()))
        product_line_service.ensure_default_catalog(session, SYSTEM)
        plan["products"] = sorted(r[0] for r in session.execute(text("SELECT key FROM product_lines")))
        hashed = passwords.hash_password(PASSWORD)
        partner_ids = list(session.scalars(select(Partner.id).order_by(Partner.id).limit(partners)))
        for pid in partner_ids:
            email = f"load-{pid}@partner{pid}.example"
            user = identity_service.create_user(session, SYSTEM, data=UserCreate(email=email, name=f"Load {pid}", role=Role.PARTNER_ADMIN, partner_id=pid))
            user.password_hash = hashed
            session.flush()
            plan["partners"].append({"email": email, "token": identity_service.create_token(session, SYSTEM, email=email, name="load")[1]})
        identity_service.create_user(session, SYSTEM, data=UserCreate(email="load-cam@vendor.example", name="Load CAM", role=Role.CAM))
        session.flush()
        plan["cam_token"] = identity_service.create_token(session, SYSTEM, email="load-cam@vendor.example", name="load")[1]
        rows = session.execute(text("SELECT name, country FROM customers ORDER BY random() LIMIT 2000")).all()
        plan["customers"] = [{"name": r.name, "country": r.country or "US"} for r in rows]
    database.dispose()
    path = workdir / "plan.json"
    path.write_text(json.dumps(plan))
    print(f"seeded {partners} partners and {customers:,} customers in {seeded:.0f} s; plan in {path}", flush=True)
    return path


def locust(
    host: str, user_class: str, *, users: int, seconds: int, max_requests: int, plan: Path, prefix: Path, run: str, acked: Path
) -> dict[str, dict[str, float]]:
    env = {**os.environ, "LOAD_PLAN": str(plan), "LOAD_MAX_REQUESTS": str(max_requests), "LOAD_RUN": run, "LOAD_ACKED": str(acked)}
    command = [
        str(Path(sys.executable).with_name("locust")), "-f", str(ROOT / "bench" / "load_locustfile.py"), "--headless", "--host", host,
        "-u", str(users), "-r", str(users), "--run-time", f"{seconds}s", "--stop-timeout", "10", "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        *user_class.split(),
    ]  # fmt: skip
    with open(f"{prefix}.locust.log", "w") as log:
        subprocess.run(command, env=env, check=False, stdout=log, stderr=subprocess.STDOUT)
    stats: dict[str, dict[str, float]] = {}
    with open(f"{prefix}_stats.csv") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = {
                "count": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p99": float(row["99%"] or 0),
            }
    return stats


def counts(url: str, run: str) -> tuple[int, int]:
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as connection:
        total, distinct = connection.execute("SELECT count(*), count(DISTINCT title) FROM registrations WHERE title LIKE %s", (run + "-%",)).fetchone()  # type: ignore[misc]
    return int(total), int(distinct)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--partners", type=int, default=40)
    parser.add_argument("--apps", default="1,2,4")
    parser.add_argument("--users", type=int, default=16, help="concurrent Locust users")
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--port", type=int, default=18400)
    parser.add_argument("--postgres-admin", default=os.environ.get("ALLIANCE_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"))
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/alliance-load"))
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    name = f"alliance_load_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.postgres_admin, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = args.postgres_admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1) + f"/{name}"
    results: list[dict[str, Any]] = []
    try:
        plan = prepare(url, args.customers, args.partners, args.workdir)
        env = {**os.environ, "ALLIANCE_DATABASE_URL": url, "ALLIANCE_SECRET_KEY": "load-" + "k" * 40, "PYTHON": sys.executable, "PYTHONPATH": str(ROOT),
               "DEPLOY_PORT": str(args.port), "DEPLOY_MIGRATE": "0", "DEPLOY_START_TIMEOUT": "120", "ALLIANCE_LOG_LEVEL": "WARNING"}  # fmt: skip
        for apps in [int(a) for a in args.apps.split(",")]:
            run_dir = args.workdir / f"apps-{apps}"
            subprocess.run(["bash", str(ROOT / "deploy" / "run.sh"), "stop", str(run_dir)], env=env, check=False)
            with open(args.workdir / f"run-{apps}.log", "w") as sink:
                subprocess.run(
                    ["bash", str(ROOT / "deploy" / "run.sh"), "start", str(run_dir)],
                    env={**env, "DEPLOY_APPS": str(apps)},
                    stdout=sink,
                    stderr=subprocess.STDOUT,
                    check=True,
                )
            run = f"load{apps}x{uuid.uuid4().hex[:6]}"
            acked = args.workdir / f"{run}.acked"
            acked.touch()
            load_before = os.getloadavg()
            try:
                stats = locust(f"http://127.0.0.1:{args.port}", "PartnerUser CamUser", users=args.users, seconds=args.seconds, max_requests=args.max_requests,
                               plan=plan, prefix=args.workdir / run, run=run, acked=acked)  # fmt: skip
            finally:
                subprocess.run(["bash", str(ROOT / "deploy" / "run.sh"), "stop", str(run_dir)], env=env, check=True)
            titles = acked.read_text().split()
            total, distinct = counts(url, run)
            results.append(
                {
                    "apps": apps,
                    "stats": stats,
                    "acked": len(titles),
                    "acked_distinct": len(set(titles)),
                    "rows": total,
                    "rows_distinct": distinct,
                    "load": [load_before, os.getloadavg()],
                }
            )
            print(json.dumps(results[-1]), flush=True)
        # The baseline, same database, same run: one INSERT per request, one uvicorn process, direct.
        bare_port = args.port + 50
        bare = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "bench.bare_insert_app:app", "--port", str(bare_port), "--log-level", "warning"],
            env={**os.environ, "BARE_DATABASE_URL": url, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
        )  # fmt: skip
        try:
            for _ in range(300):
                try:
                    with psycopg.connect(args.postgres_admin) as _probe:
                        pass
                    import urllib.request

                    urllib.request.urlopen(f"http://127.0.0.1:{bare_port}/docs", timeout=1)
                    break
                except Exception:
                    time.sleep(0.3)
            run = f"bare{uuid.uuid4().hex[:6]}"
            stats = locust(f"http://127.0.0.1:{bare_port}", "BareUser", users=args.users, seconds=args.seconds, max_requests=args.max_requests,
                           plan=plan, prefix=args.workdir / run, run=run, acked=args.workdir / f"{run}.acked")  # fmt: skip
        finally:
            bare.terminate()
            bare.wait(timeout=30)
        results.append({"apps": "bare", "stats": stats, "load": [os.getloadavg()]})
        print(json.dumps(results[-1]), flush=True)
    finally:
        (args.workdir / "results.json").write_text(json.dumps(results, indent=1))
        with psycopg.connect(args.postgres_admin, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    report(results, args)


def report(results: list[dict[str, Any]], args: argparse.Namespace) -> None:
    print(f"\n{args.customers:,} customers, {args.partners} partners, {args.users} users, {args.seconds} s per run (at most {args.max_requests:,} requests)")
    bare = next((r for r in results if r["apps"] == "bare"), None)
    bare_rps = bare["stats"]["POST bare insert"]["rps"] if bare else 0.0
    for result in results:
        print(f"\n== apps: {result['apps']}  load average {' -> '.join(f'{la[0]:.1f}' for la in result['load'])}")
        for request, s in result["stats"].items():
            print(f"  {request:32} {s['count']:7.0f} req {s['rps']:7.1f}/s  p50 {s['p50']:6.0f} ms  p99 {s['p99']:6.0f} ms  errors {s['failures']:.0f}")
        if "acked" in result:
            print(f"  submits acknowledged {result['acked']} (distinct {result['acked_distinct']}), rows {result['rows']} (distinct {result['rows_distinct']})")
            submit = result["stats"].get("POST registration (submit)")
            if submit and bare_rps:
                print(f"  all requests / bare inserts: {result['stats']['Aggregated']['rps'] / bare_rps:.2f}; submits alone: {submit['rps'] / bare_rps:.3f}")


if __name__ == "__main__":
    main()
