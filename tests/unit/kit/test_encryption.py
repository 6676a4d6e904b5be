"""Secrets at rest: sealed values open with the current key or a listed old one (rotation), a
wrong key is a SecretUnreadable naming the fix, and resealing moves everything to the current key."""

from __future__ import annotations

import pytest

from alliance.kit.encryption import Keyring, SecretUnreadable, is_sealed


def test_a_sealed_value_is_not_the_plaintext_and_opens_again() -> None:
    keys = Keyring("current-key")
    sealed = keys.seal("JBSWY3DPEHPK3PXP")
    assert is_sealed(sealed) and "JBSWY3DPEHPK3PXP" not in sealed
    assert keys.seal("JBSWY3DPEHPK3PXP") != sealed  # a fresh IV each time
    assert keys.open(sealed) == "JBSWY3DPEHPK3PXP"


def test_rotation_opens_with_a_listed_old_key_and_reseals_under_the_new_one() -> None:
    old = Keyring("old-key").seal("client-secret")
    rotated = Keyring("new-key", ["old-key"])
    assert rotated.open(old) == "client-secret"
    resealed = rotated.reseal(old)
    assert Keyring("new-key").open(resealed) == "client-secret"
    assert rotated.reseal("a plaintext from before") != "a plaintext from before"


def test_a_wrong_key_says_what_to_do() -> None:
    sealed = Keyring("old-key").seal("client-secret")
    with pytest.raises(SecretUnreadable, match="ALLIANCE_OLD_SECRET_KEYS"):
        Keyring("new-key").open(sealed)
    with pytest.raises(SecretUnreadable, match="not encrypted"):
        Keyring("new-key").open("plaintext")
