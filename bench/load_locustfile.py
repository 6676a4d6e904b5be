"""The mixed workload of bench/deployment_load.py (Locust, headless; see that file).

Partner users browse the portal, match customers and file registrations (submit: matching, the
advisory locks and the conflict check); CAMs list the co-sell request queue. The plan (tokens,
logins, customer names) is read from $LOAD_PLAN. The run stops after $LOAD_MAX_REQUESTS requests
or at --run-time, whichever comes first; every 201 a submit got is appended to $LOAD_ACKED so the
driver can prove afterwards that none was lost or duplicated.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import threading
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from locust import HttpUser, between, events, task
from locust.env import Environment

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if "LOAD_PLAN" in os.environ else {}
MAX_REQUESTS = int(os.environ.get("LOAD_MAX_REQUESTS", "0"))
RUN = os.environ.get("LOAD_RUN", "run")
_acked_lock = threading.Lock()
_seen = itertools.count(1)
_titles = itertools.count(1)


@events.request.add_listener
def _bound(**_: Any) -> None:
    if MAX_REQUESTS and next(_seen) == MAX_REQUESTS and _environment is not None and _environment.runner is not None:
        _environment.runner.quit()


_environment: Environment | None = None


@events.init.add_listener
def _keep(environment: Environment, **_: Any) -> None:
    global _environment
    _environment = environment


def variant(name: str, rng: random.Random) -> str:
    """How people type a known company: as is, without its suffix, or with one letter dropped."""
    roll = rng.random()
    if roll < 0.4:
        return name
    words = name.split()
    if roll < 0.7 and len(words) > 1:
        return " ".join(words[:-1])
    position = rng.randrange(1, max(2, len(name) - 1))
    return name[:position] + name[position + 1 :]


class PartnerUser(HttpUser):
    weight = 4
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.rng = random.Random()
        self.me = self.rng.choice(PLAN["partners"])
        self.headers = {"Authorization": f"Bearer {self.me['token']}"}
        page = self.client.get("/login", name="GET /login")
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        form = {"email": self.me["email"], "password": PLAN["password"], "next": "/portal", "csrf_token": csrf.group(1) if csrf else ""}
        with self.client.post("/login", data=form, name="POST /login", allow_redirects=False, catch_response=True) as response:
            if response.status_code == 303:
                response.success()
            else:
                response.failure(f"login: {response.status_code}")

    @task(4)
    def portal_page(self) -> None:
        with self.client.get("/portal", name="page /portal", catch_response=True) as response:
            if response.status_code != 200 or "/login" in response.url:
                response.failure(f"portal: {response.status_code} at {response.url}")

    @task(3)
    def match(self) -> None:
        known = self.rng.choice(PLAN["customers"])
        self.client.post(
            "/api/v1/customers/match", json={"name": variant(known["name"], self.rng), "country": known["country"]}, headers=self.headers, name="POST match"
        )

    @task(2)
    def submit(self) -> None:
        known = self.rng.choice(PLAN["customers"])
        title = f"{RUN}-{os.getpid()}-{next(_titles)}"
        body = {
            "kind": "deal",
            "title": title,
            "customer": {"name": variant(known["name"], self.rng), "country": known["country"]},
            "product_lines": [self.rng.choice(PLAN["products"])],
            "amount": "50000.00",
            "expected_close_on": (date.today() + timedelta(days=90)).isoformat(),
            "submit": True,
        }
        with self.client.post("/api/v1/registrations", json=body, headers=self.headers, name="POST registration (submit)", catch_response=True) as response:
            if response.status_code == 201:
                with _acked_lock, open(os.environ["LOAD_ACKED"], "a") as acked:
                    acked.write(title + "\n")
                response.success()
            else:
                response.failure(f"{response.status_code}: {response.text[:200]}")


class CamUser(HttpUser):
    weight = 1
    wait_time = between(0.05, 0.2)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {PLAN['cam_token']}"}

    @task
    def queue(self) -> None:
        self.client.get("/api/v1/resource-requests?page_size=50", headers=self.headers, name="GET co-sell requests")


class BareUser(HttpUser):
    """The baseline: one INSERT per request on the same database (bench/bare_insert_app.py)."""

    wait_time = between(0.05, 0.2)

    @task
    def insert(self) -> None:
        self.client.post("/insert", json={"title": f"{RUN}-{next(_titles)}"}, name="POST bare insert")
