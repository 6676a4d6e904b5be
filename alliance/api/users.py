from __future__ import annotations

from typing import Annotated

from fastapi import Request, Response

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.identity import access_service, session_service
from alliance.identity import service as identity_service
from alliance.identity.access_service import LinkPolicy
from alliance.identity.models import User, UserSession
from alliance.identity.password_links import AccountStatus
from alliance.identity.permissions import Permission
from alliance.identity.schemas import PasswordChange, SessionRead, SessionsEnded, UserCreate, UserInvite, UserRead, UserUpdate
from alliance.identity.scope import Role
from alliance.identity.user_sessions import SessionPolicy
from alliance.kit.schemas import PageRead

router = api_router(tags=["users"])


@router.get("/me", response_model=UserRead, openapi_extra=allowed(Permission.USERS_READ))
def me(session: DbSession, actor: CurrentActor) -> User:
    """The authenticated user."""
    assert actor.user_id is not None
    return identity_service.get_user(session, actor, user_id=actor.user_id)


@router.get("/users", response_model=PageRead[UserRead], openapi_extra=allowed(Permission.USERS_READ))
def list_users(
    session: DbSession,
    actor: CurrentActor,
    page: PageParams,
    sort: Annotated[str | None, sort_by(identity_service.USER_SORTS)] = None,
    q: Search = None,
    role: Role | None = None,
    partner_id: IdQuery = None,
    status: AccountStatus | None = None,
) -> dict[str, object]:
    """Vendor staff see everyone; partner admins see their own organisation's users."""
    return identity_service.list_users(session, actor, role=role, partner_id=partner_id, q=q, sort=sort, page=page, status=status).as_response()


@router.post("/users", response_model=UserRead, status_code=201, openapi_extra=allowed(Permission.USERS_WRITE))
def create_user(data: UserCreate, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.create_user(session, actor, data=data)


@router.get("/users/{user_id}", response_model=UserRead, openapi_extra=allowed(Permission.USERS_READ))
def get_user(user_id: IdPath, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.get_user(session, actor, user_id=user_id)


@router.patch("/users/{user_id}", response_model=UserRead, openapi_extra=allowed(Permission.USERS_WRITE))
def update_user(user_id: IdPath, data: UserUpdate, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.update_user(session, actor, user_id=user_id, data=data)


@router.post("/users/invitations", response_model=UserRead, status_code=201, openapi_extra=allowed(Permission.USERS_WRITE))
def invite_user(data: UserInvite, request: Request, session: DbSession, actor: CurrentActor) -> User:
    """Create a user without a password and e-mail them a single-use link to choose one."""
    return access_service.invite_user(session, actor, data=data, policy=LinkPolicy.from_settings(request.app.state.settings))


@router.post("/users/{user_id}/invitation", response_model=UserRead, openapi_extra=allowed(Permission.USERS_WRITE))
def resend_invitation(user_id: IdPath, request: Request, session: DbSession, actor: CurrentActor) -> User:
    """A new invitation link for a user who has not chosen a password yet; the previous link stops working."""
    return access_service.resend_invitation(session, actor, user_id=user_id, policy=LinkPolicy.from_settings(request.app.state.settings))


@router.post("/me/password", status_code=204, openapi_extra=allowed(Permission.USERS_READ))
def change_password(data: PasswordChange, session: DbSession, actor: CurrentActor) -> Response:
    """Change your own password (the current one first); every web session of yours ends."""
    access_service.change_password(session, actor, current_password=data.current_password, new_password=data.new_password, keep_session_id=None)
    return Response(status_code=204)


@router.get("/me/sessions", response_model=list[SessionRead], openapi_extra=allowed(Permission.USERS_READ))
def list_sessions(request: Request, session: DbSession, actor: CurrentActor) -> list[UserSession]:
    """Your live web sessions (where you are logged in), most recently used first."""
    return session_service.list_sessions(session, actor, policy=SessionPolicy.from_settings(request.app.state.settings))


@router.post("/me/sessions/sign-out-everywhere", response_model=SessionsEnded, openapi_extra=allowed(Permission.USERS_READ))
def sign_out_everywhere(session: DbSession, actor: CurrentActor) -> SessionsEnded:
    """End every web session of yours (the API token you call with stays valid)."""
    return SessionsEnded(ended=session_service.sign_out_everywhere(session, actor, keep_session_id=None))
