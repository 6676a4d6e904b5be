"""E-mail through the outbox: N queued messages delivered by the worker to a local SMTP server,
against raw smtplib sends of the same messages in the same run.

    .venv/bin/python bench/outbox_email.py                      # SQLite: 100,000 messages
    .venv/bin/python bench/outbox_email.py --postgres           # then PostgreSQL
    .venv/bin/python bench/outbox_email.py --count 10000 --batch-size 200

The SMTP server is aiosmtpd in a child process (this script with --sink PORT): it accepts every
message and counts them and their distinct Message-IDs. In this process: 200 vendor users are
inserted, then `notification_service.notify` queues `--count` messages (a registration waiting for
review), 1,000 per transaction, committed. The worker (`alliance.delivery.worker.Worker`, as
`alliance worker --once` runs it) then drains the outbox over one SMTP connection per batch:
claim (UPDATE … RETURNING), render both parts from the templates, send, record outcomes every
`--record-every` messages. The baseline, in the same process and to the same server, is plain
`smtplib.SMTP.sendmail` of the same messages, rendered beforehand (only the sends are timed):
what SMTP itself costs. `worker ÷ raw` is the worker's messages/s over the raw sends' messages/s.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

# The bench folder (customers_common) and the repository root (tests.smtp_receiver, as the README command runs it).
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from customers_common import DEFAULT_PG_ADMIN, fresh_database, run_on_each_backend, write_json
from rich.console import Console
from rich.table import Table
from sqlalchemy import func, insert, select

from alliance.db import Database
from alliance.delivery.mailer import SmtpSettings, SmtpTransport
from alliance.delivery.rendering import Renderer
from alliance.delivery.worker import Worker, WorkerOptions
from alliance.identity.models import User
from alliance.identity.scope import Actor, PartnerScope, Role
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.models import OutboxMessage
from alliance.notifications.repository import OutboxRepository
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import Channel, EventType, OutboxStatus

console = Console(width=170)
SYSTEM = Actor.system(label="bench")
SENDER = "Alliance <alliance@vendor.example>"
BASE_URL = "https://partners.vendor.example"
USERS = 200
ROOT = Path(__file__).resolve().parent.parent
QUEUE_BATCH = 1000


# --- the SMTP server (a child process) -------------------------------------------------------------


def sink(port: int) -> None:
    """Accept every message; on SIGUSR1 print how many arrived and how many distinct Message-IDs."""
    from aiosmtpd.controller import Controller

    counts = {"messages": 0}
    seen: set[bytes] = set()

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            counts["messages"] += 1
            head = envelope.content.split(b"\r\n\r\n", 1)[0]
            for line in head.split(b"\r\n"):
                if line[:11].lower() == b"message-id:":
                    seen.add(line[11:].strip())
                    break
            return "250 2.0.0 OK"

    def report(*_: object) -> None:
        print(json.dumps({"messages": counts["messages"], "message_ids": len(seen)}), flush=True)

    stopping: list[int] = []
    signal.signal(signal.SIGUSR1, report)
    signal.signal(signal.SIGTERM, lambda signum, _frame: stopping.append(signum))
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    while not stopping:
        time.sleep(0.2)  # signal handlers run between sleeps
    controller.stop()


class SinkProcess:
    def __init__(self) -> None:
        from tests.smtp_receiver import free_port

        self.port = free_port()
        self.child = subprocess.Popen(
            [sys.executable, __file__, "--sink", str(self.port)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}
        )
        assert self.child.stdout is not None
        if self.child.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP sink did not start")

    def counts(self) -> dict[str, int]:
        assert self.child.stdout is not None
        self.child.send_signal(signal.SIGUSR1)
        counts: dict[str, int] = json.loads(self.child.stdout.readline())
        return counts

    def stop(self) -> None:
        self.child.terminate()
        self.child.wait(30)


# --- the run -------------------------------------------------------------------------------------


def queue(database: Database, count: int) -> float:
    """`count` messages through notification_service.notify, QUEUE_BATCH per transaction."""
    now = clock.now()
    with database.session_scope(PartnerScope.system(reason="bench users")) as session:
        session.execute(
            insert(User),
            [
                {"email": f"reviewer{n}@vendor.example", "name": f"Reviewer {n}", "role": Role.CAM, "is_active": True, "created_at": now, "updated_at": now}
                for n in range(USERS)
            ],
        )
        user_ids = list(session.scalars(select(User.id).order_by(User.id)))
    started = time.perf_counter()
    for start in range(0, count, QUEUE_BATCH):
        with database.session_scope(PartnerScope.system(reason="bench queue")) as session:
            for n in range(start, min(start + QUEUE_BATCH, count)):
                notification_service.notify(
                    session,
                    SYSTEM,
                    event=EventType.REGISTRATION_SUBMITTED,
                    recipients=[Recipient(user_ids[n % USERS], f"you are the channel account manager of Partner {n % 997}")],
                    entity_type="registration",
                    entity_id=n + 1,
                    facts={
                        "title": f"Deal {n}",
                        "kind": "deal",
                        "customer": f"Customer {n % 5003}",
                        "partner": f"Partner {n % 997}",
                        "by": "seller@partner.example",
                    },
                )
    return time.perf_counter() - started


def raw_sends(database: Database, renderer: Renderer, port: int) -> tuple[float, int]:
    """The same messages, rendered first, sent with smtplib over one connection: only the sends are timed."""
    sending = 0.0
    sent = 0
    smtp = smtplib.SMTP("127.0.0.1", port)
    try:
        last_id = 0
        while True:
            with database.session_scope(PartnerScope.system(reason="bench raw"), write=False) as session:
                ids = list(session.scalars(select(OutboxMessage.id).where(OutboxMessage.id > last_id).order_by(OutboxMessage.id).limit(1000)))
                messages = OutboxRepository(session).claimed(ids) if ids else []
            if not messages:
                break
            last_id = ids[-1]
            for message in messages:
                rendered = renderer.render(message)
                wire = renderer.wire(rendered)
                started = time.perf_counter()
                smtp.sendmail(renderer.envelope_from, [rendered.to_address], wire)
                sending += time.perf_counter() - started
                sent += 1
    finally:
        smtp.quit()
    return sending, sent


def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    with fresh_database(backend, workdir, "outbox", args.postgres_url) as url:
        database = Database(url)
        server = SinkProcess()
        try:
            console.print(f"[bold]{backend}[/bold]: queueing {args.count:,} messages through notification_service.notify …")
            queue_seconds = queue(database, args.count)
            console.print(f"  queued in {queue_seconds:.1f} s ({args.count / queue_seconds:,.0f}/s)")
            renderer = Renderer(public_base_url=BASE_URL, sender=SENDER)
            transport = SmtpTransport(SmtpSettings(host="127.0.0.1", port=server.port, security="none"), renderer)
            worker = Worker(database, {Channel.EMAIL: transport}, WorkerOptions(batch_size=args.batch_size, record_every=args.record_every))
            started = time.perf_counter()
            tally = worker.drain()
            worker_seconds = time.perf_counter() - started
            after_worker = server.counts()
            console.print(f"  worker: {tally.summary()} in {worker_seconds:.1f} s ({tally.handled / worker_seconds:,.0f}/s)")
            with database.session_scope(PartnerScope.system(reason="bench check"), write=False) as session:
                statuses = {row[0]: row[1] for row in session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))}
            if statuses != {OutboxStatus.SENT: args.count} or after_worker != {"messages": args.count, "message_ids": args.count}:
                raise SystemExit(f"not every message was delivered exactly once: outbox {statuses}, server {after_worker}")
            raw_seconds, raw_sent = raw_sends(database, renderer, server.port)
            console.print(f"  raw smtplib: {raw_sent:,} sends in {raw_seconds:.1f} s ({raw_sent / raw_seconds:,.0f}/s)")
            after_raw = server.counts()
        finally:
            server.stop()
            database.dispose()
    worker_rate, raw_rate = args.count / worker_seconds, raw_sent / raw_seconds
    return {
        "backend": backend,
        "messages": args.count,
        "queue_s": queue_seconds,
        "queue_per_s": args.count / queue_seconds,
        "worker_s": worker_seconds,
        "worker_per_s": worker_rate,
        "batches": tally.batches,
        "raw_s": raw_seconds,
        "raw_per_s": raw_rate,
        "ratio": worker_rate / raw_rate,
        "server_messages": after_raw["messages"],
        "server_message_ids": after_raw["message_ids"],
    }


def report(results: list[dict[str, Any]]) -> None:
    table = Table(title="e-mail through the outbox worker, against raw smtplib sends of the same messages (local aiosmtpd)")
    for column in ("backend", "messages", "queue (notify) /s", "worker s", "worker /s", "raw smtplib s", "raw /s", "worker ÷ raw", "received (distinct ids)"):
        table.add_column(column, justify="right")
    for r in results:
        table.add_row(
            r["backend"],
            f"{r['messages']:,}",
            f"{r['queue_per_s']:,.0f}",
            f"{r['worker_s']:.1f}",
            f"{r['worker_per_s']:,.0f}",
            f"{r['raw_s']:.1f}",
            f"{r['raw_per_s']:,.0f}",
            f"{r['ratio']:.2f}",
            f"{r['server_messages']:,} ({r['server_message_ids']:,})",
        )
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=100_000, help="messages queued and delivered")
    parser.add_argument("--batch-size", type=int, default=100, help="messages a worker claims at once")
    parser.add_argument("--record-every", type=int, default=25, help="outcomes stored after this many messages")
    parser.add_argument("--postgres", action="store_true", help="SQLite, then PostgreSQL")
    parser.add_argument("--postgres-only", action="store_true")
    parser.add_argument("--postgres-url", default=DEFAULT_PG_ADMIN)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--sink", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.sink:
        sink(args.sink)
        return
    results = run_on_each_backend(args, lambda backend, workdir: run_backend(backend, args, workdir))
    report(results)
    write_json(args.json, results)


if __name__ == "__main__":
    main()
