"""AWS Signature Version 4 checked with botocore's own signer: the request is rebuilt from what
was received (the signed headers only, the raw body) and signed again with the caller's secret,
which for Alliance is the API token named as the access key id."""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from alliance.ace import errors
from alliance.ace.errors import AceError
from alliance.kit import clock

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
_CREDENTIAL = re.compile(r"(?P<key>[A-Za-z0-9_-]+)/(?P<date>\d{8})/(?P<region>[a-z0-9-]+)/(?P<service>[a-z0-9-]+)/aws4_request")


@dataclass(frozen=True)
class Authorization:
    """The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...` header."""

    access_key: str
    date: str
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str


def parse_authorization(header: str | None) -> Authorization:
    """The access key id and what was signed, or MissingAuthenticationToken/InvalidSignature."""
    if not header:
        raise errors.missing_token("Missing Authentication Token: sign the request with SigV4 (your API token as access key id and secret).")
    algorithm, _, rest = header.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise errors.missing_token(f"Missing Authentication Token: the Authorization header must use {ALGORITHM}.")
    parts = {}
    for item in rest.split(","):
        name, _, value = item.strip().partition("=")
        parts[name] = value
    credential = _CREDENTIAL.fullmatch(parts.get("Credential", ""))
    if credential is None:
        raise errors.missing_token("Missing Authentication Token: the Authorization header names no valid Credential.")
    signed = tuple(parts.get("SignedHeaders", "").split(";"))
    signature = parts.get("Signature", "")
    if not signature or not all(signed):
        raise errors.invalid_signature("The Authorization header has no SignedHeaders or Signature.")
    return Authorization(
        access_key=credential["key"],
        date=credential["date"],
        region=credential["region"],
        service=credential["service"],
        signed_headers=signed,
        signature=signature,
    )


def verify(
    authorization: Authorization, *, secret: str, method: str, host: str, path: str, query: str, headers: dict[str, str], body: bytes, service: str
) -> None:
    """Raise InvalidSignatureException unless `authorization` is `secret`'s signature of this
    request, made for `service` within 15 minutes of now."""
    amz_date = headers.get("x-amz-date", "")
    try:
        signed_at = datetime.strptime(amz_date, SIGV4_TIMESTAMP).replace(tzinfo=clock.UTC)
    except ValueError:
        raise errors.invalid_signature("The request has no valid X-Amz-Date header.") from None
    if abs(clock.now() - signed_at) > MAX_SKEW:
        raise errors.invalid_signature(f"Signature expired: {amz_date} is more than 15 minutes from the server's time.")
    if authorization.date != amz_date[:8]:
        raise errors.invalid_signature("The credential scope's date is not the date of X-Amz-Date.")
    if authorization.service != service:
        raise errors.invalid_signature(f"The credential scope names service '{authorization.service}', not '{service}'.")
    if "host" not in authorization.signed_headers or "x-amz-date" not in authorization.signed_headers:
        raise errors.invalid_signature("The signature must cover the host and x-amz-date headers.")
    missing = [name for name in authorization.signed_headers if name not in headers]
    if missing:
        raise errors.invalid_signature(f"Signed headers missing from the request: {', '.join(missing)}.")
    declared = headers.get("x-amz-content-sha256")
    if declared is not None and declared != hashlib.sha256(body).hexdigest():
        raise errors.invalid_signature("X-Amz-Content-SHA256 is not the hash of the body.")
    # http: botocore signs the payload's hash whatever the scheme it is given (its own client
    # always does for this service), so a changed body never passes.
    url = f"http://{host}{path}" + (f"?{query}" if query else "")
    rebuilt = AWSRequest(method=method, url=url, data=body, headers={name: headers[name] for name in authorization.signed_headers})
    rebuilt.context["timestamp"] = amz_date
    signer = SigV4Auth(Credentials(authorization.access_key, secret), authorization.service, authorization.region)
    expected = signer.signature(signer.string_to_sign(rebuilt, signer.canonical_request(rebuilt)), rebuilt)
    if not hmac.compare_digest(expected, authorization.signature):
        raise errors.invalid_signature(
            "The request signature we calculated does not match the signature you provided. Check your access key and signing method."
        )


__all__ = ["AceError", "Authorization", "parse_authorization", "verify"]
