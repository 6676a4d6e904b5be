"""Logging, configured once per process (by `create_app` and the `alliance` command): one
key=value line per record on stderr, at `Settings.log_level`, with the id of the request being
served on every line logged while serving it. uvicorn's error and access logs go through the same
handler, so a request's access line carries its id too."""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

# Set by the request-id middleware for the duration of one request (contextvars are per task).
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

UVICORN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")
# A client-supplied id is echoed into logs and a response header: short, printable, no spaces.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:/+=-]{1,128}")
# Attributes every LogRecord has (and uvicorn's ANSI copy of its message); anything else came in
# through `extra=` and is logged as a field.
_STANDARD = frozenset(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "request_id", "taskName", "color_message"}
_BARE = re.compile(r"[^\s=\"]+")
_HANDLER_NAME = "alliance"


def request_id_from(header: str | None) -> str:
    """The caller's X-Request-ID when it is sane, else a new one."""
    if header is not None and SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class StderrHandler(logging.StreamHandler[TextIO]):
    def emit(self, record: logging.LogRecord) -> None:
        # Whatever sys.stderr is now: test runners (and the CLI's CliRunner) swap it per run.
        self.stream = sys.stderr
        super().emit(record)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class KeyValueFormatter(logging.Formatter):
    """`time=… level=info logger=alliance.api request_id=… message="…"` (logfmt), one line per record."""

    def format(self, record: logging.LogRecord) -> str:
        fields: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        current = getattr(record, "request_id", None)
        if current:
            fields["request_id"] = current
        fields["message"] = record.getMessage()
        fields.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD and not key.startswith("_"))
        if record.exc_info:
            fields["exc_info"] = self.formatException(record.exc_info)
        return " ".join(f"{key}={_value(value)}" for key, value in fields.items())


def _value(value: object) -> str:
    text = str(value)
    return text if _BARE.fullmatch(text) else json.dumps(text, ensure_ascii=False)


def configure_logging(level: str) -> None:
    """Send every record to stderr in key=value lines at `level`. Idempotent: calling it again
    (a second app in the same process, as the tests do) only changes the level."""
    root = logging.getLogger()
    root.setLevel(level.upper())
    if not any(handler.get_name() == _HANDLER_NAME for handler in root.handlers):
        handler = StderrHandler(sys.stderr)
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(KeyValueFormatter())
        handler.addFilter(RequestIdFilter())
        root.addHandler(handler)
    for name in UVICORN_LOGGERS:
        # uvicorn installs handlers of its own unless told not to; ours replace them.
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
