"""A real SMTP server in-process (aiosmtpd) that keeps what it receives, and refuses on demand."""

from __future__ import annotations

import logging
import socket
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any

from aiosmtpd.controller import Controller

# aiosmtpd logs every connection at INFO.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])

    def part(self, subtype: str) -> str:
        """The text of the text/<subtype> part."""
        body = self.message.get_body(preferencelist=(subtype,))
        assert body is not None and body.get_content_type() == f"text/{subtype}", self.message.get_content_type()
        return str(body.get_content()).replace("\r\n", "\n")


class Receiver:
    """aiosmtpd handler: replies from `replies` first (e.g. "451 4.3.0 Try later"), then accepts."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.replies: list[str] = []
        self.always: str | None = None  # refuse every message with this reply
        self.lock = threading.Lock()
        self._parser = BytesParser(policy=policy.default)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            if self.always:
                return self.always
            if self.replies:
                return self.replies.pop(0)
            message = self._parser.parsebytes(envelope.content)
            assert isinstance(message, EmailMessage)
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 2.0.0 OK"

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def message_ids(self) -> Counter[str]:
        with self.lock:
            return Counter(r.message_id for r in self.received)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[Receiver, int]]:
    receiver = Receiver()
    port = free_port()
    controller = Controller(receiver, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield receiver, port
    finally:
        controller.stop()
