"""A real, tiny DNS server for domain verification tests: UDP on a free port of 127.0.0.1,
answering TXT questions from a dict (NXDOMAIN for names it does not know), built on dnspython's
wire format. `serving()` points Alliance's resolver at it (ALLIANCE_SSO_DNS_* settings)."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import dns.message
import dns.rcode
import dns.rdatatype
import dns.rrset
import pytest

from alliance.config import get_settings


class TxtServer:
    def __init__(self) -> None:
        self.records: dict[str, list[str]] = {}
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port: int = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                data, peer = self.sock.recvfrom(4096)
            except OSError:
                return  # closed
            query = dns.message.from_wire(data)
            response = dns.message.make_response(query)
            for question in query.question:
                name = question.name.to_text().rstrip(".").lower()
                if name not in self.records:
                    response.set_rcode(dns.rcode.NXDOMAIN)
                elif question.rdtype == dns.rdatatype.TXT:
                    response.answer.append(dns.rrset.from_text_list(question.name, 60, "IN", "TXT", [f'"{value}"' for value in self.records[name]]))
            self.sock.sendto(response.to_wire(), peer)

    def close(self) -> None:
        self.sock.close()


@contextlib.contextmanager
def serving(monkeypatch: pytest.MonkeyPatch) -> Iterator[TxtServer]:
    server = TxtServer()
    settings = get_settings()
    monkeypatch.setattr(settings, "sso_dns_nameserver", "127.0.0.1")
    monkeypatch.setattr(settings, "sso_dns_port", server.port)
    monkeypatch.setattr(settings, "sso_dns_timeout_seconds", 2.0)
    try:
        yield server
    finally:
        server.close()
