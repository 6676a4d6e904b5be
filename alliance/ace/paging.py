"""ListOpportunities' NextToken: the next offset, bound to the query it continues and signed with
the deployment's secret, so a token that was not issued (or is reused with other filters) is refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from alliance.ace import errors
from alliance.ace.errors import FieldError


def _query_digest(request: dict[str, Any]) -> str:
    query = {k: v for k, v in request.items() if k not in ("NextToken", "MaxResults")}
    return hashlib.sha256(json.dumps(query, sort_keys=True).encode()).hexdigest()[:32]


def _sign(secret: str, text: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def next_token(secret: str, request: dict[str, Any], offset: int) -> str:
    text = json.dumps({"o": offset, "q": _query_digest(request)}, separators=(",", ":"))
    return base64.urlsafe_b64encode(f"{text}|{_sign(secret, text)}".encode()).decode()


def offset_of(secret: str, request: dict[str, Any]) -> int:
    """Where the page starts: 0 without a token, the token's offset if it is ours and for this query."""
    token = request.get("NextToken")
    if token is None:
        return 0
    refused = errors.validation("NextToken is not a token this query issued.", [FieldError("NextToken", "invalid or expired token", "INVALID_VALUE")])
    try:
        text, _, signature = base64.urlsafe_b64decode(token.encode()).decode().rpartition("|")
        state = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise refused from None
    if not hmac.compare_digest(_sign(secret, text), signature) or state.get("q") != _query_digest(request):
        raise refused
    offset = state.get("o")
    if not isinstance(offset, int) or offset < 0:
        raise refused
    return offset
