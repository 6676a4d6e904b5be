"""TOTP two-factor sign-in as rules (RFC 6238 through pyotp): the secret, the otpauth:// address an
authenticator app scans, checking a code (one step of clock drift either way, never the same step
twice), and one-time recovery codes (shown once, stored as argon2 hashes like passwords)."""

from __future__ import annotations

import secrets
from datetime import datetime
from enum import StrEnum

import pyotp
import segno

ISSUER = "Alliance"
DIGITS = 6
STEP_SECONDS = 30
DRIFT_STEPS = 1  # a code from the step before or after is accepted: phone clocks drift
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper


class SignInMethod(StrEnum):
    """How a web session was signed in: what "two-factor required" accepts (an IdP does its own)."""

    PASSWORD = "password"
    TWO_FACTOR = "two_factor"
    SSO = "sso"


def new_secret() -> str:
    return pyotp.random_base32()  # 160 bits, as RFC 4226 recommends


def provisioning_uri(secret: str, *, account: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(name=account, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth address as an inline SVG QR code (no image request, no third party)."""
    return str(segno.make(uri, error="m").svg_inline(scale=4, dark="#111", light="#fff"))


def current_code(secret: str, at: datetime) -> str:
    """The code an authenticator shows at `at` (tests and the enrolment's own check use it)."""
    return str(pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(at))


def matching_step(secret: str, code: str, *, at: datetime, last_used_step: int | None) -> int | None:
    """The time step `code` belongs to when it is right at `at` and newer than the last one used
    (a code seen once is spent: no replay within its 30 seconds); None otherwise."""
    code = "".join(code.split())
    if len(code) != DIGITS or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    now_step = totp.timecode(at)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if secrets.compare_digest(totp.generate_otp(step), code) and (last_used_step is None or step > last_used_step):
            return step
    return None


def new_recovery_codes() -> list[str]:
    """Ten codes of 10 characters (about 50 bits each), shown as xxxxx-xxxxx."""
    return ["".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(10)) for _ in range(RECOVERY_CODES)]


def normalise_recovery_code(text: str) -> str:
    """What was typed, as stored: lower case, without spaces or dashes."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def display_recovery_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def looks_like_recovery_code(text: str) -> bool:
    normal = normalise_recovery_code(text)
    return len(normal) == 10 and all(ch in RECOVERY_ALPHABET for ch in normal)
