from __future__ import annotations

from typing import Annotated

from alliance.api.deps import CurrentActor, DbSession
from alliance.api.routing import allowed, api_router
from alliance.http.params import IdPath, IdQuery, PageParams, Search, sort_by
from alliance.identity import service as identity_service
from alliance.identity.models import User
from alliance.identity.permissions import Permission
from alliance.identity.schemas import UserCreate, UserRead, UserUpdate
from alliance.identity.scope import Role
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
) -> dict[str, object]:
    """Vendor staff see everyone; partner admins see their own organisation's users."""
    return identity_service.list_users(session, actor, role=role, partner_id=partner_id, q=q, sort=sort, page=page).as_response()


@router.post("/users", response_model=UserRead, status_code=201, openapi_extra=allowed(Permission.USERS_WRITE))
def create_user(data: UserCreate, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.create_user(session, actor, data=data)


@router.get("/users/{user_id}", response_model=UserRead, openapi_extra=allowed(Permission.USERS_READ))
def get_user(user_id: IdPath, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.get_user(session, actor, user_id=user_id)


@router.patch("/users/{user_id}", response_model=UserRead, openapi_extra=allowed(Permission.USERS_WRITE))
def update_user(user_id: IdPath, data: UserUpdate, session: DbSession, actor: CurrentActor) -> User:
    return identity_service.update_user(session, actor, user_id=user_id, data=data)
