"""E-mail transports for the worker: SMTP (smtplib; STARTTLS or TLS, and auth, by configuration),
or, when no SMTP server is configured, the log: messages are rendered and marked "logged" so the
mail log shows what would have been sent.

A connection is opened at the first message of a batch and reused for the rest; a failed
connection is dropped and the next message opens a new one. SMTP replies in the 5xx range are
refusals another attempt will not change (the message goes dead at once); everything else
(4xx, timeouts, a server that is down) is retried with backoff.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Literal, Protocol

from alliance.delivery.rendering import RenderedEmail, Renderer
from alliance.notifications.attempts import Delivered, Failed, Outcome
from alliance.notifications.schemas import ClaimedMessage

logger = logging.getLogger("alliance.delivery")
Security = Literal["none", "starttls", "tls"]


class Connection(Protocol):
    def send(self, message: ClaimedMessage) -> Outcome: ...


class Transport(Protocol):
    """Delivers messages of one channel; a connection lasts one batch."""

    def connection(self) -> AbstractContextManager[Connection]: ...


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    security: Security = "starttls"
    username: str = ""
    password: str = ""
    timeout_seconds: float = 30.0


class LogTransport:
    """No SMTP server: render each message (a template error shows here too) and log it."""

    def __init__(self, renderer: Renderer) -> None:
        self.renderer = renderer

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        yield self

    def send(self, message: ClaimedMessage) -> Outcome:
        rendered = _prepare(self.renderer, message)
        if isinstance(rendered, Failed):
            return rendered
        logger.debug("mail logged (no SMTP server configured)", extra={"to": rendered.to_address, "subject": rendered.subject})
        return Delivered(message.id, rendered.to_address, rendered.subject, logged=True)


class SmtpTransport:
    def __init__(self, settings: SmtpSettings, renderer: Renderer) -> None:
        self.settings = settings
        self.renderer = renderer

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        connection = _SmtpConnection(self.settings, self.renderer)
        try:
            yield connection
        finally:
            connection.close()


class _SmtpConnection:
    def __init__(self, settings: SmtpSettings, renderer: Renderer) -> None:
        self.settings = settings
        self.renderer = renderer
        self.smtp: smtplib.SMTP | None = None

    def send(self, message: ClaimedMessage) -> Outcome:
        rendered = _prepare(self.renderer, message)
        if isinstance(rendered, Failed):
            return rendered
        try:
            wire = self.renderer.wire(rendered)
        except Exception as exc:  # an address smtplib cannot write
            return Failed(message.id, f"writing the message failed: {exc!r}", permanent=True)
        try:
            smtp = self.smtp or self._open()
            smtp.sendmail(self.renderer.envelope_from, [rendered.to_address], wire)
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return self._refused(message, code, reply)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            return self._refused(message, exc.smtp_code, exc.smtp_error)
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            return Failed(message.id, f"SMTP {self.settings.host}:{self.settings.port}: {exc!r}")
        return Delivered(message.id, rendered.to_address, rendered.subject)

    def _refused(self, message: ClaimedMessage, code: int, reply: bytes | str) -> Failed:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
        if code == 421:  # the server closes the connection: open a new one for the next message
            self.close()
        return Failed(message.id, f"SMTP {code} {text}", permanent=code >= 500)

    def _open(self) -> smtplib.SMTP:
        settings = self.settings
        smtp: smtplib.SMTP
        if settings.security == "tls":
            smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)
        try:
            if settings.security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if settings.username:
                smtp.login(settings.username, settings.password)
        except BaseException:
            smtp.close()
            raise
        self.smtp = smtp
        return smtp

    def close(self) -> None:
        if self.smtp is None:
            return
        smtp, self.smtp = self.smtp, None
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


def _prepare(renderer: Renderer, message: ClaimedMessage) -> RenderedEmail | Failed:
    """The message rendered, or why it never will be: a deactivated recipient or a template bug."""
    if not message.recipient.is_active:
        return Failed(message.id, f"{message.recipient.name} is deactivated", permanent=True)
    try:
        return renderer.render(message)
    except Exception as exc:  # a template bug: no later attempt renders it better
        return Failed(message.id, f"rendering failed: {exc!r}", permanent=True)
