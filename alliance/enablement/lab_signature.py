"""Signed results from lab environments (pure): HMAC-SHA256 with the lab's secret over
`{timestamp}.{nonce}.{body}`, hex encoded.

The timestamp bounds how long a captured post stays usable; within that window the nonce, stored
unique with the submission, makes a replay fail (checked by the service, which has the database).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

from alliance.errors import NotAuthenticated

TIMESTAMP_HEADER = "X-Alliance-Lab-Timestamp"
NONCE_HEADER = "X-Alliance-Lab-Nonce"
SIGNATURE_HEADER = "X-Alliance-Lab-Signature"
MAX_SKEW = timedelta(seconds=300)
NONCE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{8,100}$")


class InvalidLabSignature(NotAuthenticated):
    """The post is not provably from the lab environment (answered 401)."""

    code = "invalid_lab_signature"


def sign(*, secret: str, timestamp: int, nonce: str, body: bytes) -> str:
    message = f"{timestamp}.{nonce}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, body: bytes, now: datetime, nonce: str | None = None) -> dict[str, str]:
    """The headers a lab environment sends (what a lab integration, and the tests, compute)."""
    timestamp = int(now.timestamp())
    nonce = nonce or secrets.token_hex(16)
    return {
        TIMESTAMP_HEADER: str(timestamp),
        NONCE_HEADER: nonce,
        SIGNATURE_HEADER: sign(secret=secret, timestamp=timestamp, nonce=nonce, body=body),
    }


def bad_signature() -> InvalidLabSignature:
    return InvalidLabSignature("The lab result's signature does not match.", details=[{"field": SIGNATURE_HEADER, "message": "bad signature"}])


def verify(headers: Mapping[str, str], body: bytes, secret: str, *, now: datetime, max_skew: timedelta = MAX_SKEW) -> str:
    """The nonce of a correctly signed, current post; InvalidLabSignature otherwise."""
    lowered = {name.lower(): value for name, value in headers.items()}
    values = {name: lowered.get(name.lower(), "").strip() for name in (TIMESTAMP_HEADER, NONCE_HEADER, SIGNATURE_HEADER)}
    absent = [name for name, value in values.items() if not value]
    if absent:
        raise InvalidLabSignature(f"Unsigned lab result: missing {', '.join(absent)}.", details=[{"field": name, "message": "missing"} for name in absent])
    raw_timestamp, nonce, signature = values[TIMESTAMP_HEADER], values[NONCE_HEADER], values[SIGNATURE_HEADER]
    if not raw_timestamp.isdigit() or len(raw_timestamp) > 12:
        raise InvalidLabSignature("The lab timestamp must be unix seconds.", details=[{"field": TIMESTAMP_HEADER, "message": "not unix seconds"}])
    if not NONCE_PATTERN.match(nonce):
        raise InvalidLabSignature(
            "The lab nonce must be 8-100 letters, digits, - or _.", details=[{"field": NONCE_HEADER, "message": "8-100 letters, digits, - or _"}]
        )
    timestamp = int(raw_timestamp)
    expected = sign(secret=secret, timestamp=timestamp, nonce=nonce, body=body)
    if not hmac.compare_digest(expected, signature.lower()):
        raise bad_signature()
    skew = timestamp - now.timestamp()
    if abs(skew) > max_skew.total_seconds():
        which = "in the future" if skew > 0 else "stale"
        raise InvalidLabSignature(
            f"The lab result's timestamp is {which} (more than {int(max_skew.total_seconds())} seconds from the server's clock).",
            details=[{"field": TIMESTAMP_HEADER, "message": which}],
        )
    return nonce
