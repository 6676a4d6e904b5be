"""Races against a live server: each act of a lifecycle, pairwise, sent at the same moment from
two threads, must end exactly as one of the two serial orders would (linearizability): the same
answers and the same final state. On PostgreSQL this is what row locks buy. SQLite serialises
writers, so there it holds by construction: the suite runs this folder on PostgreSQL only
(tests/conftest.py deselects it on SQLite).

A lifecycle names how to build a fresh aggregate in its starting state, the acts to race, and
how to observe the aggregate (its state and history through the API, without timestamps)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx2 as httpx

Ids = dict[str, int]


@dataclass(frozen=True)
class Act:
    """One request: `path` and `body` are formatted with the aggregate's ids."""

    name: str
    who: str
    path: str
    body: dict[str, Any] | None = None
    method: str = "POST"

    def request(self, ids: Ids) -> tuple[str, dict[str, Any] | None]:
        body = None if self.body is None else {key: _fill(value, ids) for key, value in self.body.items()}
        return self.path.format(**ids), body


def _fill(value: Any, ids: Ids) -> Any:
    """ "{plan_id}" is the id itself (a number); other strings have theirs formatted in, in
    nested lists and objects too."""
    if isinstance(value, list):
        return [_fill(item, ids) for item in value]
    if isinstance(value, dict):
        return {key: _fill(item, ids) for key, item in value.items()}
    if not isinstance(value, str):
        return value
    if value.startswith("{") and value.endswith("}") and value[1:-1] in ids:
        return ids[value[1:-1]]
    return value.format(**ids)


@dataclass
class Lifecycle:
    name: str
    arrange: Callable[[], Ids]
    observe: Callable[[Ids], Any]
    acts: Sequence[Act]
    # Pairs that race; by default every pair of acts, each act with itself too.
    pairs: Sequence[tuple[Act, Act]] = field(default_factory=tuple)

    def all_pairs(self) -> list[tuple[Act, Act]]:
        return list(self.pairs) or list(itertools.combinations_with_replacement(self.acts, 2))


@dataclass(frozen=True)
class Outcome:
    codes: tuple[int, ...]  # in the order the acts were given, whatever order they ran in
    state: Any


class Runner:
    def __init__(self, base_url: str, headers: Callable[[str], dict[str, str]]) -> None:
        self.base_url = base_url
        self.headers = headers

    def send(self, client: httpx.Client, act: Act, ids: Ids) -> int:
        path, body = act.request(ids)
        response = client.request(act.method, path, headers=self.headers(act.who), json=body)
        assert response.status_code < 500, f"{act.name}: {response.status_code} {response.text}"
        return response.status_code

    def serial(self, lifecycle: Lifecycle, acts: Sequence[Act]) -> Outcome:
        ids = lifecycle.arrange()
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            codes = tuple(self.send(client, act, ids) for act in acts)
        return Outcome(codes, lifecycle.observe(ids))

    def race(self, lifecycle: Lifecycle, acts: Sequence[Act]) -> Outcome:
        """All `acts` on one fresh aggregate at once: each thread has its own connection, opened
        before the barrier, so the requests leave together."""
        ids = lifecycle.arrange()
        barrier = threading.Barrier(len(acts))
        codes: list[int | BaseException] = [0] * len(acts)

        def run(index: int, act: Act) -> None:
            with httpx.Client(base_url=self.base_url, timeout=60) as client:
                client.get("/healthz")  # connect before the start line
                barrier.wait()
                try:
                    codes[index] = self.send(client, act, ids)
                except BaseException as exc:  # reported below, in the test's thread
                    codes[index] = exc

        threads = [threading.Thread(target=run, args=(i, act)) for i, act in enumerate(acts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        failures = [c for c in codes if isinstance(c, BaseException)]
        if failures:
            raise failures[0]
        return Outcome(tuple(int(c) for c in codes), lifecycle.observe(ids))  # type: ignore[arg-type]

    def check_pair(self, lifecycle: Lifecycle, first: Act, second: Act) -> Outcome:
        """The race ends as `first` then `second`, or as `second` then `first`."""
        raced = self.race(lifecycle, [first, second])
        forward = self.serial(lifecycle, [first, second])
        backward = self.serial(lifecycle, [second, first])
        serial_orders = [forward, Outcome((backward.codes[1], backward.codes[0]), backward.state)]
        assert any(200 <= code < 300 for outcome in serial_orders for code in outcome.codes), (
            f"{lifecycle.name}: {first.name} and {second.name} are refused in either order {serial_orders[0].codes}: the pair tests nothing"
        )
        assert raced in serial_orders, (
            f"{lifecycle.name}: {first.name} ∥ {second.name} answered {raced.codes} and ended {raced.state}; "
            f"one after the other: {serial_orders[0].codes} → {serial_orders[0].state} or {serial_orders[1].codes} → {serial_orders[1].state}"
        )
        return raced
