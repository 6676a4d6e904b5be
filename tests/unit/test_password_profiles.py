"""The test suite hashes with the `fast` argon2id profile; production keeps the defaults, and a hash
made under one profile verifies under the other."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from alliance.config import get_settings
from alliance.identity import passwords


@pytest.fixture
def profile(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def use(name: str) -> None:
        monkeypatch.setenv("ALLIANCE_PASSWORD_HASH_PROFILE", name)
        for cached in (get_settings, passwords._hasher, passwords._dummy_hash):
            cached.cache_clear()

    yield use
    monkeypatch.undo()
    for cached in (get_settings, passwords._hasher, passwords._dummy_hash):
        cached.cache_clear()


def test_default_profile_is_argon2_cffi_defaults(profile) -> None:  # type: ignore[no-untyped-def]
    profile("default")
    made = passwords.hash_password("correct-horse-battery")
    assert PasswordHasher().check_needs_rehash(made) is False
    assert "m=65536,t=3,p=4" in made


def test_each_profile_verifies_the_others_hashes_and_rehashes_them(profile) -> None:  # type: ignore[no-untyped-def]
    profile("default")
    strong = passwords.hash_password("correct-horse-battery")
    profile("fast")
    cheap = passwords.hash_password("correct-horse-battery")
    assert "m=8,t=1,p=1" in cheap
    assert passwords.verify_password(strong, "correct-horse-battery") and not passwords.verify_password(strong, "wrong-horse-battery")
    assert passwords.needs_rehash(strong) and not passwords.needs_rehash(cheap)
    profile("default")
    assert passwords.verify_password(cheap, "correct-horse-battery")
    assert passwords.needs_rehash(cheap)  # a login under the defaults upgrades it
    assert not passwords.verify_password(None, "correct-horse-battery")
