"""A real HTTP server on loopback that receives webhooks the way a careful receiver does: it checks
each Standard Webhooks signature with its own code (written from the specification, not from
alliance.webhooks.signing), drops a repeated webhook-id, answers failures on demand and keeps
what arrived in order."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """True when one of the `v1,` signatures is HMAC-SHA256 of "id.timestamp.body" under the secret."""
    key = base64.b64decode(secret.split("_", 1)[1])
    signed = headers["webhook-id"].encode() + b"." + headers["webhook-timestamp"].encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    offered = [part.split(",", 1)[1] for part in headers["webhook-signature"].split(" ") if part.startswith("v1,")]
    return any(hmac.compare_digest(expected, signature) for signature in offered)


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)  # type: ignore[no-any-return]


class Receiver:
    """What arrived (every request, and the accepted ones once per endpoint path and webhook-id);
    `fail` answers the next N requests with `fail_status`; `secrets` holds each path's secret."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.requests: list[Received] = []
        self.accepted: list[Received] = []  # first receipt of each webhook-id, in arrival order
        self.seen: Counter[tuple[str, str]] = Counter()
        self.secrets: dict[str, str] = {}
        self.fail = 0
        self.fail_status = 503
        self.port = 0
        # Hold the answer to the `hold_at`-th accepted post until `release` is set (`reached` says
        # it arrived): a test kills the worker while it waits for that answer.
        self.hold_at: int | None = None
        self.reached = threading.Event()
        self.release = threading.Event()

    def url(self, name: str = "a") -> str:
        return f"http://127.0.0.1:{self.port}/hooks/{name}"

    def expect(self, name: str, secret: str) -> None:
        """Check signatures of what arrives for `name` with `secret`."""
        with self.lock:
            self.secrets[f"/hooks/{name}"] = secret

    def arrived(self, name: str = "a") -> list[Received]:
        """What the endpoint `name` accepted, first receipts only, in order."""
        with self.lock:
            return [r for r in self.accepted if r.path == f"/hooks/{name}"]

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        answer = self._answer(path, headers, body)
        if self.hold_at is not None and not self.reached.is_set() and self.count() >= self.hold_at:
            self.reached.set()
            self.release.wait(60)
        return answer

    def _answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        with self.lock:
            secret = self.secrets.get(path)
            verified = secret is not None and "webhook-signature" in headers and verify(secret, headers, body)
            received = Received(path, headers, body, verified)
            self.requests.append(received)
            if not verified:
                return 401, b'{"error": "bad signature"}'
            if self.fail > 0:
                self.fail -= 1
                return self.fail_status, b'{"error": "failing on purpose"}'
            self.seen[path, received.webhook_id] += 1
            if self.seen[path, received.webhook_id] == 1:
                self.accepted.append(received)
                return 200, b'{"ok": true}'
            return 200, b'{"ok": true, "duplicate": true}'

    def count(self) -> int:
        with self.lock:
            return len(self.accepted)


@contextmanager
def webhook_server(receiver: Receiver | None = None) -> Iterator[Receiver]:
    receiver = receiver or Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            status, answer = receiver.handle(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = server.server_address[1]
    # shutdown() waits for serve_forever's next poll: the default half second was most of the
    # teardown of every test with a receiver.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
