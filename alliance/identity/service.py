"""Users, logins, API tokens."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from alliance import audit
from alliance.audit.service import snapshot
from alliance.errors import Conflict, NotFound, PermissionDenied, RuleViolation, TooManyAttempts
from alliance.identity import passwords, session_service, tokens, two_factor_service
from alliance.identity.models import ApiToken, LoginAttempt, User
from alliance.identity.password_links import AccountStatus
from alliance.identity.password_repository import PartnerAdminRepository, PasswordLinkRepository
from alliance.identity.permissions import Permission, require
from alliance.identity.repository import LoginAttemptRepository, TokenRepository, UserRepository
from alliance.identity.schemas import UserCreate, UserUpdate
from alliance.identity.scope import Actor, Role
from alliance.identity.two_factor import SignInMethod
from alliance.identity.user_sessions import SessionEnd, SessionPolicy
from alliance.kit import clock
from alliance.kit.changes import reject_nulls
from alliance.kit.pagination import Page, PageRequest, paginate
from alliance.kit.sorting import apply_sort

USER_FIELDS = ("email", "name", "title", "role", "partner_id", "is_active")
# Touching last_used_at on every request would turn every read into a write.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def actor_for(user: User) -> Actor:
    return Actor(user_id=user.id, role=Role(user.role), partner_id=user.partner_id, label=user.email)


def authenticate(session: Session, *, email: str, password: str, client: str | None, max_failures: int, window: timedelta) -> User | None:
    """The user when the password is right; None otherwise. Too many recent failures lock the
    account for the rest of the window whatever the password, so guessing gains nothing."""
    email = email.strip().lower()
    _refuse_when_throttled(session, email=email, max_failures=max_failures, window=window)
    user = UserRepository(session).by_email(email)
    ok = passwords.verify_password(user.password_hash if user else None, password) and user is not None and user.is_active
    if not ok:
        _count_failure(session, email=email, client=client, user=user, reason="wrong password")
        return None
    assert user is not None
    LoginAttemptRepository(session).clear_failures(email)
    if user.password_hash and passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    return user


def _refuse_when_throttled(session: Session, *, email: str, max_failures: int, window: timedelta) -> None:
    now = clock.now()
    failures, oldest = LoginAttemptRepository(session).failures_since(email, now - window)
    if failures >= max_failures:
        retry = int(((oldest or now) + window - now).total_seconds()) + 1
        raise TooManyAttempts(f"Too many failed logins for this account; try again in {max(retry, 1) // 60 + 1} minutes.", retry_after_seconds=max(retry, 1))


def _count_failure(session: Session, *, email: str, client: str | None, user: User | None, reason: str) -> None:
    """Count a failed sign-in for throttling; a known account's failure is audited too (an unknown
    address has no one to audit it against: login_attempts keeps it for the window)."""
    LoginAttemptRepository(session).add(LoginAttempt(email=email, attempted_at=clock.now(), succeeded=False, client=client))
    if user is not None:
        audit.record(
            session,
            actor_for(user),
            "user.login_failed",
            entity_type="user",
            entity_id=user.id,
            partner_id=user.partner_id,
            after={"client": client},
            reason=reason,
        )


@dataclass(frozen=True)
class Login:
    user_id: int
    session_id: int
    token: str  # for the cookie: shown once, stored as its digest


@dataclass(frozen=True)
class SecondStepNeeded:
    """The password was right and the account has two-factor on: the code comes next."""

    user_id: int


@dataclass(frozen=True)
class SessionRequest:
    """Where a sign-in comes from, and how long its session may live."""

    client: str | None
    user_agent: str | None
    policy: SessionPolicy


def log_in(
    session: Session,
    *,
    email: str,
    password: str,
    client: str | None,
    user_agent: str | None,
    max_failures: int,
    window: timedelta,
    policy: SessionPolicy,
) -> Login | SecondStepNeeded | None:
    """A password login starting a server-side web session, or asking for the second step when
    the account has two-factor on; None when the credentials are wrong."""
    user = authenticate(session, email=email, password=password, client=client, max_failures=max_failures, window=window)
    if user is None:
        return None
    if two_factor_service.is_enabled(session, user_id=user.id):
        return SecondStepNeeded(user_id=user.id)
    return start_web_session(session, user=user, method=SignInMethod.PASSWORD, request=SessionRequest(client, user_agent, policy))


def complete_second_step(session: Session, *, user_id: int, answer: str, request: SessionRequest, max_failures: int, window: timedelta) -> Login | None:
    """The second step of a password login: a TOTP code or a recovery code. Failures count towards
    the account's login throttle like wrong passwords; None when the answer is wrong."""
    user = UserRepository(session).get(user_id)
    if user is None or not user.is_active:
        return None
    _refuse_when_throttled(session, email=user.email, max_failures=max_failures, window=window)
    if two_factor_service.check_second_step(session, actor_for(user), user=user, answer=answer[:40]) is None:
        _count_failure(session, email=user.email, client=request.client, user=user, reason="wrong two-factor code")
        return None
    LoginAttemptRepository(session).clear_failures(user.email)
    return start_web_session(session, user=user, method=SignInMethod.TWO_FACTOR, request=request)


def start_web_session(session: Session, *, user: User, method: SignInMethod, request: SessionRequest, via: str | None = None) -> Login:
    """The session of a sign-in that succeeded (password, password and code, or an identity
    provider named by `via`), audited as the user's login."""
    user.last_login_at = clock.now()
    record, token = session_service.start_session(session, user=user, user_agent=request.user_agent, ip=request.client, policy=request.policy, method=method)
    after: dict[str, object] = {"session": record.id, "method": method.value}
    if via is not None:
        after["via"] = via
    audit.record(session, actor_for(user), "user.logged_in", entity_type="user", entity_id=user.id, partner_id=user.partner_id, after=after)
    return Login(user_id=user.id, session_id=record.id, token=token)


def log_out(session: Session, *, token: str) -> None:
    """End the session behind the cookie's token; a session that already ended is left alone."""
    record = session_service.end_session(session, token=token, reason=SessionEnd.LOGGED_OUT)
    if record is None:
        return
    user = UserRepository(session).get(record.user_id)
    if user is not None:
        audit.record(
            session, actor_for(user), "user.logged_out", entity_type="user", entity_id=user.id, partner_id=user.partner_id, after={"session": record.id}
        )


def user_for_token(session: Session, *, token: str) -> User | None:
    api_token = TokenRepository(session).by_digest(tokens.token_digest(token))
    now = clock.now()
    if api_token is None or api_token.revoked_at is not None or (api_token.expires_at is not None and api_token.expires_at <= now):
        return None
    user = UserRepository(session).get(api_token.user_id)
    if user is None or not user.is_active:
        return None
    if api_token.last_used_at is None or now - api_token.last_used_at > TOKEN_TOUCH_INTERVAL:
        api_token.last_used_at = now
    return user


def get_user(session: Session, actor: Actor, *, user_id: int) -> User:
    # Scoped lookup first: another partner's user is "not found", never "forbidden".
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(f"User {user_id} not found.")
    if user.id != actor.user_id:
        require(actor, Permission.USERS_READ)
    return user


def get_user_by_email(session: Session, actor: Actor, *, email: str) -> User:
    require(actor, Permission.USERS_READ)
    user = UserRepository(session).by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email}.")
    return user


USER_SORTS = {"name": User.name, "email": User.email, "role": User.role, "created": User.created_at, "last_login": User.last_login_at}


def list_users(
    session: Session,
    actor: Actor,
    *,
    role: Role | None,
    partner_id: int | None,
    q: str | None,
    sort: str | None,
    page: PageRequest,
    status: AccountStatus | None = None,
) -> Page[User]:
    require(actor, Permission.USERS_READ)
    statement = UserRepository(session).filtered(role=role, partner_id=partner_id, q=q, status=status)
    return paginate(session, apply_sort(statement, sort, USER_SORTS, default="name", tiebreak=User.id), page)


def vendor_users(session: Session, *roles: Role) -> list[User]:
    return UserRepository(session).vendor_users_with_roles(roles or tuple(r for r in Role if not r.is_partner_role))


def create_user(session: Session, actor: Actor, *, data: UserCreate) -> User:
    require(actor, Permission.USERS_WRITE)
    partner_id = data.partner_id
    users = UserRepository(session)
    if actor.is_partner:
        if not data.role.is_partner_role:
            raise PermissionDenied("Partner admins can only create partner users.")
        if partner_id not in (None, actor.partner_id):
            raise NotFound(f"Partner {partner_id} not found.")
        partner_id = actor.partner_id
        _require_own_domain(users, partner_id, data.email)
    if data.role.is_partner_role and partner_id is None:
        raise RuleViolation("A partner user must belong to a partner.", details=[{"field": "partner_id", "message": "required for partner roles"}])
    if not data.role.is_partner_role and partner_id is not None:
        raise RuleViolation("Vendor staff do not belong to a partner.", details=[{"field": "partner_id", "message": "must be empty for vendor roles"}])
    if partner_id is not None:
        # Imported here: partners depends on identity (CAMs), not the other way round.
        from alliance.partners.repository import PartnerRepository

        if PartnerRepository(session).get(partner_id) is None:
            raise NotFound(f"Partner {partner_id} not found.")
    if users.email_exists(data.email):
        if actor.is_partner:  # said the same way wherever the holder is: the caller may see only its own organisation
            raise Conflict("This address cannot be used for a new user.", details=[{"field": "email", "message": "cannot be used for a new user"}])
        raise Conflict(f"A user with email {data.email} already exists.", details=[{"field": "email", "message": "already registered"}])
    user = users.add(
        User(
            email=data.email,
            name=data.name,
            title=data.title,
            role=data.role,
            partner_id=partner_id,
            password_hash=passwords.hash_password(data.password) if data.password else None,
        )
    )
    audit.record(session, actor, "user.created", entity_type="user", entity_id=user.id, partner_id=partner_id, after=snapshot(user, USER_FIELDS))
    return user


def _require_own_domain(users: UserRepository, partner_id: int | None, email: str) -> None:
    """A partner admin adds users at the e-mail domains its organisation's users already have (the
    vendor created the first): any other address gets this one answer, held by someone or not, so
    the form is no oracle of who has an account (issue 16)."""
    domains = users.email_domains(partner_id) if partner_id is not None else set()
    if email.rpartition("@")[2] not in domains:
        listed = ", ".join(sorted(domains)) or "none yet"
        raise RuleViolation(
            f"Partner admins add users at their organisation's e-mail domains ({listed}); your channel account manager adds anyone else.",
            details=[{"field": "email", "message": f"must be an address at {listed}"}],
        )


def update_user(session: Session, actor: Actor, *, user_id: int, data: UserUpdate) -> User:
    user = get_user(session, actor, user_id=user_id)
    require(actor, Permission.USERS_WRITE)
    changes = data.model_dump(exclude_unset=True)
    if "role" in changes and (changes["role"] is None or Role(changes["role"]).is_partner_role != (user.partner_id is not None)):
        raise RuleViolation("A user cannot move between vendor and partner roles.", details=[{"field": "role", "message": "must stay on the same side"}])
    if user.id == actor.user_id and changes.get("is_active") is False:
        raise RuleViolation("You cannot deactivate yourself.", details=[{"field": "is_active", "message": "cannot deactivate your own account"}])
    reject_nulls(changes, ("name", "is_active"))
    _keep_a_partner_admin(session, user, changes)
    before = snapshot(user, USER_FIELDS)
    for field, value in changes.items():
        setattr(user, field, value)
    session.flush()
    audit.record_update(
        session, actor, "user.updated", entity_type="user", entity_id=user.id, partner_id=user.partner_id, before=before, after=snapshot(user, USER_FIELDS)
    )
    # A deactivated user keeps no way in; a new role starts from a fresh login.
    if before["is_active"] and not user.is_active:
        session_service.end_sessions_of(session, actor, user=user, reason=SessionEnd.DEACTIVATED)
        _revoke_tokens_of(session, actor, user=user, reason="user deactivated")
        PasswordLinkRepository(session).revoke_live(user.id, now=clock.now())
    elif before["role"] != user.role:
        session_service.end_sessions_of(session, actor, user=user, reason=SessionEnd.ROLE_CHANGED)
    return user


def _keep_a_partner_admin(session: Session, user: User, changes: dict[str, object]) -> None:
    """An organisation keeps at least one active partner admin. The partner's row lock serialises
    every change to its admins, so of two admins demoting each other at once exactly one succeeds:
    the second reads the first's result after the lock and is refused."""
    leaves = changes.get("is_active") is False or ("role" in changes and changes["role"] != Role.PARTNER_ADMIN)
    if user.partner_id is None or user.role != Role.PARTNER_ADMIN or not user.is_active or not leaves:
        return
    # Imported here: partners depends on identity (CAMs), not the other way round.
    from alliance.partners.repository import PartnerRepository

    partner = PartnerRepository(session).get_for_change(user.partner_id)
    if partner is None:
        raise NotFound(f"User {user.id} not found.")
    session.refresh(user)
    if user.role != Role.PARTNER_ADMIN or not user.is_active:
        return
    if PartnerAdminRepository(session).other_active_admins(user.partner_id, excluding=user.id) == 0:
        raise Conflict(
            f"{user.name} is the last active partner admin of {partner.display_name}: an organisation keeps at least one. Make another user a partner admin first.",
            details=[{"field": "role" if "role" in changes else "is_active", "message": "the last active partner admin cannot be removed"}],
        )


def set_password(session: Session, actor: Actor, *, user_id: int, password: str, keep_session_id: int | None = None) -> None:
    """Set the password and end the user's sessions: all of them, or, when users change their own
    password, all but the one they did it from (`keep_session_id`)."""
    user = get_user(session, actor, user_id=user_id)
    if actor.user_id != user_id:
        require(actor, Permission.USERS_WRITE)
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"Passwords need at least {passwords.MIN_PASSWORD_LENGTH} characters.",
            details=[{"field": "password", "message": f"at least {passwords.MIN_PASSWORD_LENGTH} characters"}],
        )
    user.password_hash = passwords.hash_password(password)
    audit.record(session, actor, "user.password_set", entity_type="user", entity_id=user.id, partner_id=user.partner_id)
    keep = keep_session_id if actor.user_id == user.id else None
    session_service.end_sessions_of(session, actor, user=user, reason=SessionEnd.PASSWORD_CHANGED, keep_session_id=keep)


def create_token(session: Session, actor: Actor, *, email: str, name: str = "cli", expires_days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for the user with `email`; the plaintext is returned once and never stored."""
    require(actor, Permission.USERS_WRITE)
    user = UserRepository(session).by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email}.")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise RuleViolation("Token expiry must be between 1 and 3650 days.", details=[{"field": "expires_days", "message": "1 to 3650"}])
    plaintext = tokens.new_token()
    now = clock.now()
    token = TokenRepository(session).add(
        ApiToken(
            user_id=user.id,
            name=name,
            prefix=tokens.display_prefix(plaintext),
            token_hash=tokens.token_digest(plaintext),
            created_at=now,
            expires_at=now + timedelta(days=expires_days) if expires_days else None,
        )
    )
    audit.record(
        session,
        actor,
        "token.created",
        entity_type="api_token",
        entity_id=token.id,
        partner_id=user.partner_id,
        after={"user": user.email, "prefix": token.prefix, "expires_at": token.expires_at},
    )
    return token, plaintext


def revoke_token(session: Session, actor: Actor, *, token: str) -> ApiToken:
    """Revoke by the token itself, its display prefix, or its numeric id."""
    require(actor, Permission.USERS_WRITE)
    repository = TokenRepository(session)
    found = repository.by_digest(tokens.token_digest(token))
    if found is None and token.isdigit():
        found = repository.get(int(token))
    if found is None:
        matches = repository.by_prefix(token)
        if len(matches) > 1:
            raise Conflict(f"Prefix {token} matches {len(matches)} tokens; give the id.")
        found = matches[0] if matches else None
    if found is None:
        raise NotFound("No such token.")
    if found.revoked_at is None:
        found.revoked_at = clock.now()
        audit.record(session, actor, "token.revoked", entity_type="api_token", entity_id=found.id, after={"prefix": found.prefix})
    return found


def _revoke_tokens_of(session: Session, actor: Actor, *, user: User, reason: str) -> None:
    found = TokenRepository(session).unrevoked_for_user(user.id)
    if not found:
        return
    now = clock.now()
    for token in found:
        token.revoked_at = now
    audit.record(
        session,
        actor,
        "tokens.revoked",
        entity_type="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        after={"tokens": [token.prefix for token in found]},
        reason=reason,
    )


def list_tokens(session: Session, actor: Actor, *, user_id: int) -> list[ApiToken]:
    if actor.user_id != user_id:
        require(actor, Permission.USERS_WRITE)
        get_user(session, actor, user_id=user_id)
    return TokenRepository(session).for_user(user_id)


def token_is_expired(token: ApiToken, at: datetime | None = None) -> bool:
    return token.expires_at is not None and token.expires_at <= (at or clock.now())
