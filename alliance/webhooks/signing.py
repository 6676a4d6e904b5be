"""Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 of
`{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's secret, sent as `v1,<base64>` in
`webhook-signature` (space-separated when two secrets sign during a rotation). Pure."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import uuid

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32  # the spec asks for 24 to 64


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def message_id_for(key: str) -> str:
    """The webhook-id of an event whose key is stable (a time-based event's occurrence)."""
    return "msg_" + hashlib.sha256(key.encode()).hexdigest()[:32]


def secret_key(secret: str) -> bytes:
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def sign(secret: str, *, message_id: str, timestamp: int, body: str) -> str:
    """The `v1,<base64>` signature of one message with one secret."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets_in_use: list[str], *, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """The three Standard Webhooks headers; every secret in use signs (the newest first)."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(sign(secret, message_id=message_id, timestamp=timestamp, body=body) for secret in secrets_in_use),
    }
