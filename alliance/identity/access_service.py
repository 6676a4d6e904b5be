"""Getting people in: invitations, password resets by e-mail, and changing one's own password.

Both invitations and resets send a single-use link (identity/password_links.py) through the
outbox; using it sets the password and ends the user's sessions. A reset request answers the same
whether or not the address has an account, and is throttled per address and per client."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from alliance import audit
from alliance.config import Settings
from alliance.errors import Conflict, RuleViolation, TooManyAttempts
from alliance.identity import passwords, session_service
from alliance.identity import service as identity_service
from alliance.identity.models import PasswordLink, PasswordResetRequest, User
from alliance.identity.password_links import RESET_EXPIRY, LinkPurpose, LinkState, link_refusal, link_token, new_nonce, retry_minutes, token_digest
from alliance.identity.password_repository import PasswordLinkRepository, ResetRequestRepository
from alliance.identity.permissions import Permission, require
from alliance.identity.repository import UserRepository
from alliance.identity.schemas import UserCreate, UserInvite
from alliance.identity.scope import Actor
from alliance.identity.user_sessions import SessionEnd
from alliance.kit import clock
from alliance.notifications import service as notification_service
from alliance.notifications.service import Recipient
from alliance.notifications.vocabulary import EventType

RESET_ANSWER = "If that address belongs to an active account, a link to reset its password is on its way. It works once, for 30 minutes."


@dataclass(frozen=True)
class LinkPolicy:
    """What issuing links needs from the settings: the key signing them, and the limits."""

    key: str
    invitation_expiry: timedelta
    reset_max_per_address: int
    reset_max_per_client: int
    reset_window: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> LinkPolicy:
        return cls(
            key=settings.resolved_secret_key(),
            invitation_expiry=timedelta(days=settings.invitation_expiry_days),
            reset_max_per_address=settings.reset_max_per_address,
            reset_max_per_client=settings.reset_max_per_client,
            reset_window=timedelta(minutes=settings.reset_window_minutes),
        )


@dataclass(frozen=True)
class LinkView:
    """What the "set your password" page shows for a token: whose it is, or why it cannot be used."""

    purpose: LinkPurpose | None
    email: str | None
    name: str | None
    refusal: str | None


class LinkInvalid(RuleViolation):
    """The link is unknown, used, replaced or expired (the message says which, where that is safe)."""


# --- invitations ----------------------------------------------------------------------------------


def invite_user(session: Session, actor: Actor, *, data: UserInvite, policy: LinkPolicy) -> User:
    """Create the user without a password and e-mail them a link to choose one."""
    user = identity_service.create_user(session, actor, data=UserCreate(**data.model_dump()))
    expires_at = _issue_invitation(session, actor, user=user, policy=policy)
    audit.record(session, actor, "user.invited", entity_type="user", entity_id=user.id, partner_id=user.partner_id, after={"expires_at": expires_at})
    return user


def resend_invitation(session: Session, actor: Actor, *, user_id: int, policy: LinkPolicy) -> User:
    """A new invitation link; the previous one stops working."""
    user = identity_service.get_user(session, actor, user_id=user_id)
    require(actor, Permission.USERS_WRITE)
    if not user.is_active:
        raise Conflict(f"{user.name} is deactivated: reactivate the account before inviting again.")
    if user.password_hash is not None:
        raise Conflict(f"{user.name} has already chosen a password; an invitation is only for someone who has not.")
    replaced = PasswordLinkRepository(session).revoke_live(user.id, now=clock.now(), purpose=LinkPurpose.INVITATION)
    expires_at = _issue_invitation(session, actor, user=user, policy=policy)
    audit.record(
        session,
        actor,
        "user.invitation_resent",
        entity_type="user",
        entity_id=user.id,
        partner_id=user.partner_id,
        after={"expires_at": expires_at, "replaced": replaced},
    )
    return user


def invitation_expires_at(session: Session, actor: Actor, *, user_id: int) -> datetime | None:
    """When the user's latest invitation link ends (None when there is none or it was used)."""
    identity_service.get_user(session, actor, user_id=user_id)
    link = PasswordLinkRepository(session).latest_invitation(user_id)
    if link is None or link.used_at is not None or link.revoked_at is not None:
        return None
    return link.expires_at


def _issue_invitation(session: Session, actor: Actor, *, user: User, policy: LinkPolicy) -> datetime:
    nonce, expires_at = _issue(session, user=user, purpose=LinkPurpose.INVITATION, lifetime=policy.invitation_expiry, key=policy.key)
    partner_name = _partner_name(session, user.partner_id)
    notification_service.notify(
        session,
        actor,
        event=EventType.USER_INVITED,
        recipients=[Recipient(user.id, "someone invited you to Alliance")],
        entity_type="user",
        entity_id=user.id,
        facts={"nonce": nonce, "by": actor.label, "partner": partner_name, "role": user.role.label, "expires": _when(expires_at)},
    )
    return expires_at


# --- password reset -------------------------------------------------------------------------------


def request_password_reset(session: Session, *, email: str, client: str | None, policy: LinkPolicy) -> str:
    """E-mail a reset link when `email` is an active account; the same answer (and the same writes
    up to the e-mail) when it is not. Too many requests for the address or from the client within
    the window are refused, whoever the address belongs to."""
    email = email.strip().lower()
    now = clock.now()
    requests = ResetRequestRepository(session)
    since = now - policy.reset_window
    for count, oldest, limit, who in (
        (*requests.count_since(email=email, since=since), policy.reset_max_per_address, "this address"),
        (*(requests.count_since(client=client, since=since) if client else (0, None)), policy.reset_max_per_client, "your network address"),
    ):
        if count >= limit:
            minutes = retry_minutes(oldest, window=policy.reset_window, now=now)
            raise TooManyAttempts(
                f"Too many password reset requests for {who}; try again in {minutes} minute{'s' if minutes != 1 else ''}.",
                retry_after_seconds=minutes * 60,
            )
    requests.add(PasswordResetRequest(email=email[:320], client=client, requested_at=now))
    user = UserRepository(session).by_email(email)
    if user is None or not user.is_active:
        # The token a link would carry is made either way: the two paths differ by a few row
        # writes, not by the cryptography.
        token_digest(link_token(policy.key, LinkPurpose.RESET, new_nonce()))
        return RESET_ANSWER
    system = Actor.system("password reset by e-mail")
    PasswordLinkRepository(session).revoke_live(user.id, now=now, purpose=LinkPurpose.RESET)
    nonce, expires_at = _issue(session, user=user, purpose=LinkPurpose.RESET, lifetime=RESET_EXPIRY, key=policy.key)
    notification_service.notify(
        session,
        system,
        event=EventType.PASSWORD_RESET,
        recipients=[Recipient(user.id, "someone asked to reset the password of your account")],
        entity_type="user",
        entity_id=user.id,
        facts={"nonce": nonce, "expires": _when(expires_at)},
    )
    audit.record(session, system, "user.password_reset_requested", entity_type="user", entity_id=user.id, partner_id=user.partner_id, after={"client": client})
    return RESET_ANSWER


# --- using a link ---------------------------------------------------------------------------------


def describe_link(session: Session, *, token: str) -> LinkView:
    """Whose link this is, or why it cannot be used (for the page that asks for the password)."""
    link = PasswordLinkRepository(session).by_digest(token_digest(token)) if token else None
    user = UserRepository(session).get(link.user_id) if link else None
    refusal = _refusal(link, user)
    if refusal or link is None or user is None:
        return LinkView(purpose=None, email=None, name=None, refusal=refusal)
    return LinkView(purpose=link.purpose, email=user.email, name=user.name, refusal=None)


def set_password_with_link(session: Session, *, token: str, password: str) -> User:
    """Use the link once: set the password, end every session of the user and replace any other
    link they hold. A second use, even at the same moment, is refused."""
    repository = PasswordLinkRepository(session)
    digest = token_digest(token)
    link = repository.by_digest(digest) if token else None
    user = UserRepository(session).get(link.user_id) if link else None
    refusal = _refusal(link, user)
    if refusal:
        raise LinkInvalid(refusal, details=[{"field": "token", "message": refusal}])
    assert link is not None and user is not None
    _check_length(password)
    now = clock.now()
    if not repository.use(digest, now=now):
        session.refresh(link)
        message = _refusal(link, user) or "This link has already been used."
        raise LinkInvalid(message, details=[{"field": "token", "message": message}])
    purpose = LinkPurpose(link.purpose)
    accepted = user.password_hash is None
    user.password_hash = passwords.hash_password(password)
    repository.revoke_live(user.id, now=now)
    actor = identity_service.actor_for(user)
    action = "user.invitation_accepted" if purpose == LinkPurpose.INVITATION else "user.password_reset"
    audit.record(session, actor, action, entity_type="user", entity_id=user.id, partner_id=user.partner_id, after={"first_password": accepted})
    session_service.end_sessions_of(session, actor, user=user, reason=SessionEnd.PASSWORD_CHANGED)
    return user


def _refusal(link: PasswordLink | None, user: User | None) -> str | None:
    if link is None or user is None or not user.is_active:
        return link_refusal(None, now=clock.now())
    return link_refusal(LinkState(used_at=link.used_at, revoked_at=link.revoked_at, expires_at=link.expires_at), now=clock.now())


# --- one's own password ---------------------------------------------------------------------------


def change_password(session: Session, actor: Actor, *, current_password: str, new_password: str, keep_session_id: int | None) -> None:
    """Change the actor's own password (the current one first); every other session of theirs ends."""
    if actor.user_id is None:
        raise RuleViolation("Only a signed-in person has a password to change.")
    user = identity_service.get_user(session, actor, user_id=actor.user_id)
    if not passwords.verify_password(user.password_hash, current_password):
        raise RuleViolation("The current password is not right.", details=[{"field": "current_password", "message": "is not right"}])
    if new_password == current_password:
        raise RuleViolation("Choose a password different from the current one.", details=[{"field": "new_password", "message": "same as the current one"}])
    identity_service.set_password(session, actor, user_id=user.id, password=new_password, keep_session_id=keep_session_id)


# --- shared ---------------------------------------------------------------------------------------


def _issue(session: Session, *, user: User, purpose: LinkPurpose, lifetime: timedelta, key: str) -> tuple[str, datetime]:
    nonce = new_nonce()
    now = clock.now()
    PasswordLinkRepository(session).add(
        PasswordLink(user_id=user.id, purpose=purpose, token_hash=token_digest(link_token(key, purpose, nonce)), created_at=now, expires_at=now + lifetime)
    )
    return nonce, now + lifetime


def _check_length(password: str) -> None:
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"Passwords need at least {passwords.MIN_PASSWORD_LENGTH} characters.",
            details=[{"field": "password", "message": f"at least {passwords.MIN_PASSWORD_LENGTH} characters"}],
        )


def _partner_name(session: Session, partner_id: int | None) -> str | None:
    if partner_id is None:
        return None
    # Imported here: partners depends on identity (CAMs), not the other way round.
    from alliance.partners.repository import PartnerRepository

    partner = PartnerRepository(session).get(partner_id)
    return partner.display_name if partner else None


def _when(moment: datetime) -> str:
    return moment.astimezone(clock.zone()).strftime("%d %b %Y %H:%M %Z")
