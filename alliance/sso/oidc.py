"""OpenID Connect, the relying party's side: discovery from the issuer URL, the authorization
request (code flow with PKCE S256, `state` and `nonce`), the code exchange, and the ID token checked
against the provider's published keys (JWKS). Authlib makes the PKCE values; its JOSE library
(joserfc) checks the signature and the claims. An unknown key id refetches the JWKS once, so a
provider rotating its signing key is followed without a restart."""

from __future__ import annotations

import base64
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import ExpiredTokenError, JoseError
from joserfc.jwk import KeySet

SCOPES = "openid email profile groups"
ALGORITHMS = ("RS256", "PS256", "ES256")
CLOCK_SKEW_SECONDS = 60
METADATA_TTL_SECONDS = 3600
HTTP_TIMEOUT_SECONDS = 10
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
USERINFO_CLAIMS = ("email", "name", "groups")
ID_TOKEN_HINT_MAX = 2000


class OidcError(Exception):
    """The provider's answer cannot be trusted or used; `message` is safe to show."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str | None = None
    end_session_endpoint: str | None = None  # RP-initiated logout, when the provider offers it


@dataclass(frozen=True)
class Tokens:
    """The token endpoint's answer: the ID token, and the access token for the userinfo endpoint."""

    id_token: str
    access_token: str | None


@dataclass(frozen=True)
class AuthorizationRequest:
    """Where to send the browser, and what the callback must be checked against (kept in the
    signed session cookie until then)."""

    url: str
    state: str
    nonce: str
    code_verifier: str


_lock = threading.Lock()
_metadata: dict[str, tuple[float, ProviderMetadata]] = {}
_key_sets: dict[str, KeySet] = {}


def require_safe_url(url: str) -> str:
    """https, or http to this machine only (a provider run locally, as the tests do)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS):
        return url
    raise OidcError(f"{url} is not an https address.")


def _fetch_json(url: str, *, form: dict[str, str] | None = None, basic: tuple[str, str] | None = None, bearer: str | None = None) -> dict[str, Any]:
    request = urllib.request.Request(require_safe_url(url), headers={"Accept": "application/json"})
    if bearer is not None:
        request.add_header("Authorization", "Bearer " + bearer)
    if form is not None:
        request.data = urllib.parse.urlencode(form).encode()
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if basic is not None:
        pair = f"{urllib.parse.quote(basic[0], safe='')}:{urllib.parse.quote(basic[1], safe='')}"
        request.add_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # the scheme is checked above
            body = json.loads(response.read(1_000_000))
    except urllib.error.HTTPError as exc:
        detail = exc.read(2000).decode(errors="replace")
        raise OidcError(f"The identity provider refused the request ({exc.code}): {detail[:300]}") from exc
    except (urllib.error.URLError, TimeoutError, ValueError) as exc:
        raise OidcError(f"The identity provider could not be reached at {url}.") from exc
    if not isinstance(body, dict):
        raise OidcError("The identity provider answered something other than a JSON object.")
    return body


def discover(issuer: str) -> ProviderMetadata:
    """The provider's endpoints from {issuer}/.well-known/openid-configuration (kept an hour)."""
    issuer = issuer.rstrip("/")
    with _lock:
        cached = _metadata.get(issuer)
    if cached is not None and time.monotonic() - cached[0] < METADATA_TTL_SECONDS:
        return cached[1]
    document = _fetch_json(issuer + "/.well-known/openid-configuration")
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise OidcError("The provider's discovery document names another issuer.")
    try:
        found = ProviderMetadata(
            issuer=str(document["issuer"]),
            authorization_endpoint=require_safe_url(str(document["authorization_endpoint"])),
            token_endpoint=require_safe_url(str(document["token_endpoint"])),
            jwks_uri=require_safe_url(str(document["jwks_uri"])),
            userinfo_endpoint=_optional_url(document, "userinfo_endpoint"),
            end_session_endpoint=_optional_url(document, "end_session_endpoint"),
        )
    except KeyError as exc:
        raise OidcError(f"The provider's discovery document has no {exc.args[0]}.") from exc
    with _lock:
        _metadata[issuer] = (time.monotonic(), found)
    return found


def _optional_url(document: dict[str, Any], name: str) -> str | None:
    value = document.get(name)
    return require_safe_url(value) if isinstance(value, str) and value else None


def authorization_request(metadata: ProviderMetadata, *, client_id: str, redirect_uri: str, login_hint: str | None) -> AuthorizationRequest:
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": SCOPES,
        "state": state,
        "nonce": nonce,
        "code_challenge": create_s256_code_challenge(verifier),
        "code_challenge_method": "S256",
    }
    if login_hint:
        params["login_hint"] = login_hint
    separator = "&" if "?" in metadata.authorization_endpoint else "?"
    return AuthorizationRequest(
        url=metadata.authorization_endpoint + separator + urllib.parse.urlencode(params), state=state, nonce=nonce, code_verifier=verifier
    )


def exchange_code(metadata: ProviderMetadata, *, client_id: str, client_secret: str, code: str, redirect_uri: str, code_verifier: str) -> Tokens:
    """The tokens the token endpoint gives for the authorization code (client_secret_basic)."""
    answer = _fetch_json(
        metadata.token_endpoint,
        form={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri, "code_verifier": code_verifier},
        basic=(client_id, client_secret),
    )
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise OidcError("The identity provider's token answer has no ID token.")
    access_token = answer.get("access_token")
    return Tokens(id_token=id_token, access_token=access_token if isinstance(access_token, str) else None)


def _key_set(metadata: ProviderMetadata, *, refresh: bool) -> KeySet:
    with _lock:
        cached = _key_sets.get(metadata.jwks_uri)
    if cached is not None and not refresh:
        return cached
    found = KeySet.import_key_set(_fetch_json(metadata.jwks_uri))  # type: ignore[arg-type]
    with _lock:
        _key_sets[metadata.jwks_uri] = found
    return found


def _key_id(id_token: str) -> str | None:
    try:
        header = json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))
    except (ValueError, IndexError) as exc:
        raise OidcError("The ID token is not a JWT.") from exc
    kid = header.get("kid") if isinstance(header, dict) else None
    return str(kid) if kid is not None else None


def validate_id_token(id_token: str, *, metadata: ProviderMetadata, client_id: str, nonce: str, now: datetime) -> dict[str, Any]:
    """The ID token's claims once its signature (a key of the provider's JWKS), issuer, audience,
    nonce, expiry and issue time are right; OidcError naming what is wrong otherwise."""
    keys = _key_set(metadata, refresh=False)
    kid = _key_id(id_token)
    if kid is not None and not any(key.kid == kid for key in keys.keys):
        keys = _key_set(metadata, refresh=True)  # the provider rotated its signing key
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except JoseError as exc:
        raise OidcError("The ID token's signature is not right: it was not signed by the identity provider's keys.") from exc
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(
        now=int(now.timestamp()),
        leeway=CLOCK_SKEW_SECONDS,
        iss={"essential": True, "value": metadata.issuer},
        sub={"essential": True},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError as exc:
        raise OidcError("The identity provider's answer has expired (its ID token is too old). Start again from the login page.") from exc
    except JoseError as exc:
        raise OidcError(f"The identity provider's ID token cannot be accepted: {getattr(exc, 'description', exc)}.") from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise OidcError("The ID token was issued to another client.")
    return claims


def with_userinfo(claims: dict[str, Any], *, metadata: ProviderMetadata, access_token: str | None) -> dict[str, Any]:
    """The ID token's claims, completed from the userinfo endpoint when the token lacks the address,
    the name or the groups (providers that keep the ID token small, e.g. Okta's org server). The
    userinfo answer must be about the same subject (OpenID Connect Core 5.3.2); the ID token's own
    claims win over it."""
    if all(claims.get(name) is not None for name in USERINFO_CLAIMS) or metadata.userinfo_endpoint is None or access_token is None:
        return claims
    info = _fetch_json(metadata.userinfo_endpoint, bearer=access_token)
    if str(info.get("sub", "")) != str(claims["sub"]):
        raise OidcError("The identity provider's userinfo answer is about someone else than its ID token.")
    return {**info, **{name: value for name, value in claims.items() if value is not None}}


def end_session_url(metadata: ProviderMetadata, *, client_id: str, id_token: str, post_logout_redirect_uri: str) -> str | None:
    """Where to send the browser to sign out at the provider too (RP-initiated logout), if it offers it."""
    if metadata.end_session_endpoint is None:
        return None
    params = {"client_id": client_id, "post_logout_redirect_uri": post_logout_redirect_uri}
    # The hint travels in the session cookie until then: left out when it would not fit in one.
    if len(id_token) <= ID_TOKEN_HINT_MAX:
        params["id_token_hint"] = id_token
    separator = "&" if "?" in metadata.end_session_endpoint else "?"
    return metadata.end_session_endpoint + separator + urllib.parse.urlencode(params)
