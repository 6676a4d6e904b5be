"""Single sign-on in the browser: off to the identity provider and back. Public routes (the person
is not signed in yet); what comes back is trusted only once oidc.py has checked it against the
state, nonce and PKCE verifier this browser's signed cookie kept."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT

from alliance.db import Database
from alliance.errors import NotFound
from alliance.http.params import IdPath
from alliance.http.session import AppDatabase
from alliance.identity.scope import PartnerScope
from alliance.kit import clock
from alliance.sso import logout_service, oidc, saml
from alliance.sso import service as sso_service
from alliance.sso.vocabulary import SsoProtocol
from alliance.web.auth import PROVIDER_LOGOUT_KEY, PROVIDER_LOGOUT_PATH, safe_next
from alliance.web.deps import SESSION_TOKEN_KEY, session_request
from alliance.web.templating import render

router = APIRouter()

CALLBACK_PATH = "/sso/oidc/callback"
FLOW_KEY = "sso_flow"
FLOW_SECONDS = 600  # a sign-in at the provider must come back within ten minutes
Param = Annotated[str, Query(max_length=4000)]


def callback_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def _refused(request: Request, message: str, status_code: int = 403) -> Response:
    return render(request, "auth/sso_error.html", {"message": message}, status_code=status_code)


def _refused_and_audited(request: Request, database: Database, connection_id: int, message: str) -> Response:
    with database.session_scope(PartnerScope.system(reason="single sign-on refused")) as session:
        sso_service.record_refusal(session, connection_id=connection_id, reason=message)
    return _refused(request, message)


@router.get("/sso/{connection_id}/start")
def start(
    request: Request,
    connection_id: IdPath,
    database: AppDatabase,
    login_hint: Annotated[str, Query(max_length=320)] = "",
    next: Annotated[str, Query(max_length=500)] = "/",
) -> Response:
    with database.session_scope(PartnerScope.system(reason="single sign-on start"), write=False) as session:
        if sso_service.protocol_of(session, connection_id=connection_id) == SsoProtocol.SAML:
            return _start_saml(request, sso_service.saml_settings(session, connection_id=connection_id), safe_next(next))
        client = sso_service.oidc_client(session, connection_id=connection_id)
    try:
        metadata = oidc.discover(client.issuer)
    except oidc.OidcError as exc:
        return _refused(request, f"Single sign-on is unavailable: {exc.message}", 502)
    auth = oidc.authorization_request(metadata, client_id=client.client_id, redirect_uri=callback_url(request), login_hint=login_hint or None)
    request.session[FLOW_KEY] = {
        "connection_id": client.connection_id,
        "state": auth.state,
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "next": safe_next(next),
        "at": clock.now().timestamp(),
    }
    return RedirectResponse(auth.url, status_code=303)


@router.get(CALLBACK_PATH)
def callback(
    request: Request,
    database: AppDatabase,
    code: Param = "",
    state: Param = "",
    error: Param = "",
    error_description: Param = "",
) -> Response:
    flow = request.session.pop(FLOW_KEY, None)
    if not isinstance(flow, dict) or not state or not secrets.compare_digest(str(flow.get("state", "")), state):
        return _refused(request, "This sign-in did not start here, or was already used. Start again from the login page.", 400)
    if clock.now().timestamp() - float(flow.get("at", 0)) > FLOW_SECONDS:
        return _refused(request, "The sign-in took too long. Start again from the login page.", 400)
    if error:
        return _refused(request, f"Your identity provider did not sign you in: {error_description or error}.")
    try:
        with database.session_scope(PartnerScope.system(reason="single sign-on callback"), write=False) as session:
            client = sso_service.oidc_client(session, connection_id=int(flow["connection_id"]))
        metadata = oidc.discover(client.issuer)
        tokens = oidc.exchange_code(
            metadata,
            client_id=client.client_id,
            client_secret=client.client_secret,
            code=code,
            redirect_uri=callback_url(request),
            code_verifier=flow["verifier"],
        )
        claims = oidc.validate_id_token(tokens.id_token, metadata=metadata, client_id=client.client_id, nonce=str(flow["nonce"]), now=clock.now())
        claims = oidc.with_userinfo(claims, metadata=metadata, access_token=tokens.access_token)
    except oidc.OidcError as exc:
        return _refused_and_audited(request, database, int(flow["connection_id"]), exc.message)
    except NotFound:
        return _refused(request, "This single sign-on connection is switched off.", 404)
    signed_out_at = str(request.base_url).rstrip("/") + "/login"
    end_session = oidc.end_session_url(metadata, client_id=client.client_id, id_token=tokens.id_token, post_logout_redirect_uri=signed_out_at)
    return _sign_in(request, database, connection_id=client.connection_id, claims=claims, next_url=str(flow.get("next") or "/"), provider_logout=end_session)


def _sign_in(
    request: Request,
    database: Database,
    *,
    connection_id: int,
    claims: dict[str, Any],
    next_url: str,
    provider_logout: str | dict[str, Any] | None,
    assertion: saml.Accepted | None = None,
) -> Response:
    """The end of either protocol's answer: sign the person in (or show why not), and remember where
    /logout sends the browser next (the provider's sign-out: a URL, or a SAML LogoutRequest's fields)."""
    with database.session_scope(PartnerScope.system(reason="single sign-on")) as session:
        outcome = sso_service.sign_in(session, connection_id=connection_id, claims=claims, request=session_request(request), assertion=assertion)
    if outcome.login is None:
        return _refused(request, outcome.refusal or "You cannot be signed in.")
    request.session.clear()  # a fresh cookie (and CSRF token) on login: no fixation
    request.session[SESSION_TOKEN_KEY] = outcome.login.token
    if provider_logout is not None:
        request.session[PROVIDER_LOGOUT_KEY] = provider_logout
    return RedirectResponse(next_url, status_code=303)


@router.get(PROVIDER_LOGOUT_PATH)
def provider_logout(request: Request, database: AppDatabase) -> Response:
    """After /logout ended the session here: on to the identity provider's sign-out, which comes
    back to /login (OpenID Connect RP-initiated logout; a SAML LogoutRequest)."""
    pending = request.session.pop(PROVIDER_LOGOUT_KEY, None)
    if isinstance(pending, str):
        return RedirectResponse(pending, status_code=303)
    if isinstance(pending, dict):
        return _saml_logout(request, database, pending)
    return RedirectResponse("/login", status_code=303)


# --- SAML 2.0 ---------------------------------------------------------------------------------------
# The identity provider POSTs its answer from its own site: the SameSite=Lax session cookie does not
# come with it, so the RelayState carries the flow instead, signed with the secret key. These routes
# sit outside the CSRF check (routes.py): the signed assertion is the proof.

saml_router = APIRouter()
RELAY_SALT = "alliance.saml.relay"


def _relay_signer(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.settings.resolved_secret_key(), salt=RELAY_SALT)


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _sp_keys(request: Request) -> saml.SpKeys:
    key_file, cert_file = request.app.state.settings.saml_sp_key_pair()
    return saml.SpKeys(key_file=key_file, cert_file=cert_file)


def _start_saml(request: Request, settings: sso_service.SamlSettings, next_url: str) -> Response:
    # The request id is chosen first: the signed flow in the RelayState names it, and the
    # AuthnRequest's signature covers that RelayState.
    request_id = saml.new_request_id()
    relay = _relay_signer(request).dumps({"c": settings.connection_id, "r": request_id, "n": next_url})
    try:
        location = saml.authentication_request(_base(request), settings.idp_metadata, keys=_sp_keys(request), request_id=request_id, relay_state=relay)
    except saml.SamlError as exc:
        return _refused(request, f"Single sign-on is unavailable: {exc.message}", 502)
    return RedirectResponse(location, status_code=303)


@saml_router.get(saml.METADATA_PATH)
def saml_metadata(request: Request) -> Response:
    """This service provider's metadata, for the identity provider's set-up."""
    try:
        return Response(saml.sp_metadata(_base(request), _sp_keys(request)), media_type="application/samlmetadata+xml")
    except saml.SamlError as exc:
        return Response(exc.message, status_code=503, media_type="text/plain")


@saml_router.post(saml.ACS_PATH)
def saml_acs(
    request: Request,
    database: AppDatabase,
    SAMLResponse: Annotated[str, Form(max_length=200_000)] = "",
    RelayState: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        flow = _relay_signer(request).loads(RelayState, max_age=FLOW_SECONDS)
    except (BadSignature, SignatureExpired):
        return _refused(request, "This sign-in did not start here, or took too long. Start again from the login page.", 400)
    try:
        with database.session_scope(PartnerScope.system(reason="SAML answer"), write=False) as session:
            settings = sso_service.saml_settings(session, connection_id=int(flow["c"]))
        accepted = saml.accept_response(
            _base(request), settings.idp_metadata, keys=_sp_keys(request), saml_response=SAMLResponse, request_id=str(flow["r"]), now=clock.now()
        )
    except saml.SamlError as exc:
        return _refused_and_audited(request, database, int(flow["c"]), exc.message)
    except NotFound:
        return _refused(request, "This single sign-on connection is switched off.", 404)
    found = accepted.session  # for the LogoutRequest at /logout (Single Logout)
    logout = None if found is None else {"c": settings.connection_id, "n": found.name_id, "f": found.name_id_format, "s": found.session_index}
    return _sign_in(
        request,
        database,
        connection_id=settings.connection_id,
        claims=accepted.claims,
        next_url=str(flow.get("n") or "/"),
        provider_logout=logout,
        assertion=accepted,
    )


def _saml_logout(request: Request, database: Database, pending: dict[str, Any]) -> Response:
    """Off to the identity provider with a signed LogoutRequest; it answers at SLO_PATH."""
    found = saml.SamlSession(name_id=str(pending.get("n")), name_id_format=pending.get("f"), session_index=pending.get("s"))
    try:
        with database.session_scope(PartnerScope.system(reason="SAML sign-out"), write=False) as session:
            settings = sso_service.saml_settings(session, connection_id=int(pending["c"]))
        location = saml.logout_request(_base(request), settings.idp_metadata, keys=_sp_keys(request), signed_in=found)
    except (NotFound, saml.SamlError, KeyError, ValueError):
        location = None  # signed out here; the provider's own session stays (it may be gone too)
    return RedirectResponse(location or "/login", status_code=303)


@saml_router.get(saml.SLO_PATH)
def saml_slo_redirect(
    request: Request,
    database: AppDatabase,
    SAMLRequest: Annotated[str, Query(max_length=100_000)] = "",
    SAMLResponse: Annotated[str, Query(max_length=100_000)] = "",
) -> Response:
    if SAMLRequest:
        return _idp_logout(request, database, SAMLRequest, BINDING_HTTP_REDIRECT)
    # The provider's answer to our LogoutRequest: the session here ended before it was sent.
    del SAMLResponse
    return RedirectResponse("/login", status_code=303)


@saml_router.post(saml.SLO_PATH)
def saml_slo_post(
    request: Request,
    database: AppDatabase,
    SAMLRequest: Annotated[str, Form(max_length=200_000)] = "",
    RelayState: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if not SAMLRequest:
        return RedirectResponse("/login", status_code=303)
    return _idp_logout(request, database, SAMLRequest, BINDING_HTTP_POST, relay_state=RelayState)


def _idp_logout(request: Request, database: Database, saml_request: str, binding: str, *, relay_state: str = "") -> Response:
    """The identity provider signs someone out (IdP-initiated Single Logout): their sessions here
    end, and the provider gets a signed LogoutResponse."""
    query = {key: request.query_params[key] for key in ("RelayState", "SigAlg", "Signature") if key in request.query_params}
    if relay_state:
        query["RelayState"] = relay_state
    issuer = saml.logout_request_issuer(saml_request, binding)
    with database.session_scope(PartnerScope.system(reason="SAML sign-out request"), write=False) as session:
        settings = logout_service.connection_of_idp(session, idp_entity_id=issuer) if issuer else None
    if settings is None:
        return _refused(request, "This sign-out request does not come from an identity provider set up here.", 400)
    try:
        logout = saml.accept_logout_request(
            _base(request), settings.idp_metadata, keys=_sp_keys(request), saml_request=saml_request, binding=binding, query=query
        )
    except saml.SamlError as exc:
        return _refused_and_audited(request, database, settings.connection_id, exc.message)
    with database.session_scope(PartnerScope.system(reason="SAML sign-out")) as session:
        logout_service.end_sessions_of_subject(session, connection_id=settings.connection_id, subject=logout.name_id)
    request.session.clear()
    return RedirectResponse(logout.response_location, status_code=303)
