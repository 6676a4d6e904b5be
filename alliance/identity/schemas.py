from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field

from alliance.identity.password_links import AccountStatus
from alliance.identity.scope import Role
from alliance.kit.schemas import InputSchema, OptionalText, ReadSchema, RowId, ShortText
from alliance.kit.types import Email

Password = Annotated[str, Field(min_length=10, max_length=200)]


class UserCreate(InputSchema):
    email: Email
    name: ShortText
    title: OptionalText | None = None
    role: Role
    partner_id: RowId | None = Field(default=None, description="Required for partner roles; set from the actor for partner admins")
    password: Password | None = Field(default=None, description="Omit to create a user who cannot log in yet")


class UserInvite(InputSchema):
    email: Email
    name: ShortText
    title: OptionalText | None = None
    role: Role
    partner_id: RowId | None = Field(default=None, description="Required for partner roles; set from the actor for partner admins")


class PasswordResetRequest(InputSchema):
    email: Annotated[str, Field(min_length=1, max_length=320)]


class PasswordLinkUse(InputSchema):
    token: Annotated[str, Field(min_length=1, max_length=200)]
    password: Password


class PasswordChange(InputSchema):
    current_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Password


class MessageRead(ReadSchema):
    detail: str


class UserUpdate(InputSchema):
    name: ShortText | None = None
    title: OptionalText | None = None
    role: Role | None = None
    is_active: bool | None = None


class UserRead(ReadSchema):
    id: int
    email: str
    name: str
    title: str | None
    role: Role
    partner_id: int | None
    is_active: bool
    status: AccountStatus = Field(description="active, invited (no password chosen yet) or deactivated")
    last_login_at: datetime | None
    created_at: datetime


class TokenRead(ReadSchema):
    id: int
    user_id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class SessionRead(ReadSchema):
    id: int
    user_agent: str | None
    ip: str | None
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime


class SessionsEnded(ReadSchema):
    ended: int
