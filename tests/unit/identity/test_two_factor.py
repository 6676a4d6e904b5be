"""TOTP rules: RFC 6238 codes with one step of drift, never the same step twice, and recovery codes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pyotp

from alliance.identity import two_factor

AT = datetime(2026, 12, 1, 12, 0, 10, tzinfo=UTC)
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_rfc_6238_test_vector_matches():
    # RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); pyotp is the reference implementation.
    rfc_secret = base64.b32encode(b"12345678901234567890").decode()
    assert pyotp.TOTP(rfc_secret, digits=8).at(59) == "94287082"


def test_a_code_is_accepted_one_step_either_side_and_never_twice():
    step = two_factor.matching_step(SECRET, two_factor.current_code(SECRET, AT), at=AT, last_used_step=None)
    assert step is not None
    earlier = two_factor.current_code(SECRET, AT - timedelta(seconds=30))
    assert two_factor.matching_step(SECRET, earlier, at=AT, last_used_step=None) == step - 1
    too_old = two_factor.current_code(SECRET, AT - timedelta(seconds=90))
    assert two_factor.matching_step(SECRET, too_old, at=AT, last_used_step=None) is None
    # The step just used, or one before it, is spent: a code seen over a shoulder cannot be replayed.
    assert two_factor.matching_step(SECRET, two_factor.current_code(SECRET, AT), at=AT, last_used_step=step) is None
    assert two_factor.matching_step(SECRET, earlier, at=AT, last_used_step=step) is None


def test_codes_are_read_forgivingly_but_must_be_six_digits():
    code = two_factor.current_code(SECRET, AT)
    assert two_factor.matching_step(SECRET, f" {code[:3]} {code[3:]} ", at=AT, last_used_step=None) is not None
    assert two_factor.matching_step(SECRET, code[:5], at=AT, last_used_step=None) is None
    assert two_factor.matching_step(SECRET, "abcdef", at=AT, last_used_step=None) is None


def test_the_provisioning_address_names_the_issuer_account_and_secret():
    uri = two_factor.provisioning_uri(SECRET, account="ada@example.com")
    assert uri.startswith("otpauth://totp/Alliance:ada%40example.com?")
    assert f"secret={SECRET}" in uri and "issuer=Alliance" in uri
    assert two_factor.qr_svg(uri).startswith("<svg")


def test_recovery_codes_are_ten_distinct_and_typed_forgivingly():
    codes = two_factor.new_recovery_codes()
    assert len(set(codes)) == 10 and all(len(code) == 10 for code in codes)
    shown = two_factor.display_recovery_code(codes[0])
    assert shown[5] == "-"
    assert two_factor.normalise_recovery_code(f" {shown.upper()} ") == codes[0]
    assert two_factor.looks_like_recovery_code(shown) and not two_factor.looks_like_recovery_code("123456")
