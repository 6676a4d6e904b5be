"""Two-factor sign-in for password accounts: enrolment (a secret shown once, confirmed with a code),
recovery codes, the second step of a password login, turning it off, an admin's reset for someone
who lost their phone and their codes, and the policy requiring it for vendor roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from alliance import audit
from alliance.errors import Conflict, RuleViolation
from alliance.identity import passwords, two_factor
from alliance.identity.models import RecoveryCode, TwoFactor, User
from alliance.identity.permissions import Permission, require
from alliance.identity.repository import UserRepository, UserSessionRepository
from alliance.identity.scope import Actor, Role
from alliance.identity.two_factor import SignInMethod
from alliance.identity.two_factor_repository import RecoveryCodeRepository, SignInSettingsRepository, TwoFactorRepository
from alliance.kit import clock, encryption


@dataclass(frozen=True)
class Enrolment:
    """What the set-up page shows while an enrolment waits for its first code."""

    secret: str
    uri: str
    qr_svg: str


@dataclass(frozen=True)
class TwoFactorState:
    enabled: bool
    recovery_codes_left: int
    required: bool  # the sign-in policy requires it of this user
    has_password: bool


@dataclass(frozen=True)
class SecondStep:
    """A right second-step answer: which kind, and how many recovery codes are left."""

    used_recovery_code: bool
    recovery_codes_left: int


def required_of(session: Session, role: Role) -> bool:
    """Whether the sign-in policy requires two-factor of a user with `role`."""
    return not role.is_partner_role and SignInSettingsRepository(session).current().require_vendor_two_factor


def required_of_vendor_roles(session: Session) -> bool:
    return SignInSettingsRepository(session).current().require_vendor_two_factor


def enrolment_due(session: Session, *, role: Role, sign_in_method: SignInMethod) -> bool:
    """A session signed in with a password alone whose user the policy requires two-factor of:
    it may only enrol (an identity provider's session did its own second factor)."""
    return sign_in_method == SignInMethod.PASSWORD and required_of(session, role)


def state_of(session: Session, actor: Actor) -> TwoFactorState:
    user = _own_user(session, actor)
    found = TwoFactorRepository(session).of_user(user.id)
    enabled = found is not None and found.confirmed_at is not None
    left = RecoveryCodeRepository(session).count_unused(found.id) if found is not None and enabled else 0
    return TwoFactorState(enabled=enabled, recovery_codes_left=left, required=required_of(session, actor.role), has_password=user.password_hash is not None)


def begin_enrolment(session: Session, actor: Actor) -> Enrolment:
    """A new secret for the actor's authenticator app (replacing an unfinished enrolment)."""
    user = _own_user(session, actor)
    if user.password_hash is None:
        raise RuleViolation("Two-factor protects a password; your account signs in without one.")
    repository = TwoFactorRepository(session)
    found = repository.of_user_for_change(user.id)
    if found is not None and found.confirmed_at is not None:
        raise Conflict("Two-factor is already on. Turn it off first to move it to another device.")
    secret = two_factor.new_secret()
    if found is None:
        repository.add(TwoFactor(user_id=user.id, secret_sealed=encryption.keyring_of(session).seal(secret), created_at=clock.now()))
    else:
        found.secret_sealed, found.created_at, found.last_used_step = encryption.keyring_of(session).seal(secret), clock.now(), None
    return _enrolment(secret, user)


def pending_enrolment(session: Session, actor: Actor) -> Enrolment | None:
    """The enrolment waiting for its first code (shown again after a wrong code), if any."""
    user = _own_user(session, actor)
    found = TwoFactorRepository(session).of_user(user.id)
    if found is None or found.confirmed_at is not None:
        return None
    return _enrolment(_secret(session, found), user)


def confirm_enrolment(session: Session, actor: Actor, *, code: str, session_id: int | None) -> list[str]:
    """Turn two-factor on with the first code the app shows; returns the recovery codes (shown once).
    The session it was done from counts as two-factor from now on."""
    user = _own_user(session, actor)
    found = TwoFactorRepository(session).of_user_for_change(user.id)
    if found is None or found.confirmed_at is not None:
        raise Conflict("There is no two-factor set-up waiting for a code; start again.")
    step = two_factor.matching_step(_secret(session, found), code, at=clock.now(), last_used_step=None)
    if step is None:
        raise RuleViolation(
            "That code is not right. Check the device's clock and type the code it shows now.", details=[{"field": "code", "message": "not right"}]
        )
    found.confirmed_at, found.last_used_step = clock.now(), step
    codes = _replace_recovery_codes(session, found)
    if session_id is not None:
        record = UserSessionRepository(session).get(session_id)
        if record is not None and record.user_id == user.id:
            record.sign_in_method = SignInMethod.TWO_FACTOR
    audit.record(
        session, actor, "user.two_factor_enabled", entity_type="user", entity_id=user.id, partner_id=user.partner_id, after={"recovery_codes": len(codes)}
    )
    return codes


def renew_recovery_codes(session: Session, actor: Actor, *, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working), confirmed with a current code."""
    user = _own_user(session, actor)
    found = _confirmed_for_change(session, user)
    step = two_factor.matching_step(_secret(session, found), code, at=clock.now(), last_used_step=found.last_used_step)
    if step is None:
        raise RuleViolation("That code is not right.", details=[{"field": "code", "message": "not right"}])
    found.last_used_step = step
    codes = _replace_recovery_codes(session, found)
    audit.record(session, actor, "user.recovery_codes_renewed", entity_type="user", entity_id=user.id, partner_id=user.partner_id)
    return codes


def turn_off(session: Session, actor: Actor, *, password: str) -> None:
    """Turn the actor's own two-factor off, with their password; not while the policy requires it."""
    user = _own_user(session, actor)
    if required_of(session, actor.role):
        raise RuleViolation("The program requires two-factor for your role: it cannot be turned off.")
    if not passwords.verify_password(user.password_hash, password):
        raise RuleViolation("The password is not right.", details=[{"field": "password", "message": "is not right"}])
    found = _confirmed_for_change(session, user)
    session.delete(found)
    audit.record(session, actor, "user.two_factor_disabled", entity_type="user", entity_id=user.id, partner_id=user.partner_id)


def reset_for(session: Session, actor: Actor, *, user: User) -> bool:
    """An admin removes someone's authenticator (lost phone and codes): they sign in with the
    password alone and enrol again (at once, when the policy requires it). False: none was set."""
    require(actor, Permission.USERS_WRITE)
    found = TwoFactorRepository(session).of_user_for_change(user.id)
    if found is None:
        return False
    session.delete(found)
    audit.record(session, actor, "user.two_factor_reset", entity_type="user", entity_id=user.id, partner_id=user.partner_id, reason="reset by an administrator")
    return True


def is_enabled(session: Session, *, user_id: int) -> bool:
    found = TwoFactorRepository(session).of_user(user_id)
    return found is not None and found.confirmed_at is not None


def check_second_step(session: Session, actor: Actor, *, user: User, answer: str) -> SecondStep | None:
    """A password login's second step: a current code (never one already used) or an unused
    recovery code (spent by this). None when it is neither; the caller counts the failure."""
    found = TwoFactorRepository(session).of_user_for_change(user.id)
    if found is None or found.confirmed_at is None:
        return None
    step = two_factor.matching_step(_secret(session, found), answer, at=clock.now(), last_used_step=found.last_used_step)
    codes = RecoveryCodeRepository(session)
    if step is not None:
        found.last_used_step = step
        return SecondStep(used_recovery_code=False, recovery_codes_left=codes.count_unused(found.id))
    if not two_factor.looks_like_recovery_code(answer):
        return None
    typed = two_factor.normalise_recovery_code(answer)
    for candidate in codes.unused(found.id):
        if passwords.verify_password(candidate.code_hash, typed):
            candidate.used_at = clock.now()
            left = codes.count_unused(found.id)
            audit.record(
                session,
                actor,
                "user.recovery_code_used",
                entity_type="user",
                entity_id=user.id,
                partner_id=user.partner_id,
                after={"recovery_codes_left": left},
            )
            return SecondStep(used_recovery_code=True, recovery_codes_left=left)
    return None


def set_policy(session: Session, actor: Actor, *, require_vendor_two_factor: bool) -> None:
    require(actor, Permission.SIGN_IN_MANAGE)
    settings = SignInSettingsRepository(session).current_for_change()
    if settings.require_vendor_two_factor == require_vendor_two_factor:
        return
    before = {"require_vendor_two_factor": settings.require_vendor_two_factor}
    settings.require_vendor_two_factor, settings.updated_at = require_vendor_two_factor, clock.now()
    audit.record_update(
        session,
        actor,
        "sign_in.policy_changed",
        entity_type="sign_in_settings",
        entity_id=settings.id,
        before=before,
        after={"require_vendor_two_factor": require_vendor_two_factor},
    )


def _own_user(session: Session, actor: Actor) -> User:
    user = UserRepository(session).get(actor.user_id) if actor.user_id is not None else None
    if user is None:
        raise RuleViolation("Only a signed-in person has two-factor sign-in.")
    return user


def _confirmed_for_change(session: Session, user: User) -> TwoFactor:
    found = TwoFactorRepository(session).of_user_for_change(user.id)
    if found is None or found.confirmed_at is None:
        raise Conflict("Two-factor is not on for your account.")
    return found


def _replace_recovery_codes(session: Session, found: TwoFactor) -> list[str]:
    codes = two_factor.new_recovery_codes()
    repository = RecoveryCodeRepository(session)
    repository.remove_all(found.id)
    for code in codes:
        repository.add(RecoveryCode(two_factor_id=found.id, code_hash=passwords.hash_password(code)))
    return [two_factor.display_recovery_code(code) for code in codes]


def _secret(session: Session, found: TwoFactor) -> str:
    """The authenticator's base32 secret, opened with the keys of the session's database."""
    return encryption.keyring_of(session).open(found.secret_sealed)


def _enrolment(secret: str, user: User) -> Enrolment:
    uri = two_factor.provisioning_uri(secret, account=user.email)
    return Enrolment(secret=secret, uri=uri, qr_svg=two_factor.qr_svg(uri))
