"""The keychain is chosen by platform, not by keyring's discovery of every backend; what the user or a test
set is honoured."""

from __future__ import annotations

import keyring
import keyring.backend
import keyring.core
import pytest
from keyring.backends import fail, null

from console.services import secrets
from console.services.secrets import (
    NO_KEYCHAIN_WARNING,
    PLATFORM_KEYCHAINS,
    KeyringSecrets,
    default_secret_store,
    keychain_available,
    system_keyring,
)
from tests.conftest import MemoryKeyring


@pytest.fixture
def unchosen(monkeypatch: pytest.MonkeyPatch) -> None:
    """As at the app's start: no backend set yet, and keyring's discovery would fail the test if it ran."""
    monkeypatch.setattr(keyring.core, "_keyring_backend", None)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)

    def discovery() -> list[keyring.backend.KeyringBackend]:
        raise AssertionError("keyring's discovery ran")
    monkeypatch.setattr(keyring.backend, "get_all_keyring", discovery)


def test_a_backend_already_set_is_used(isolated: MemoryKeyring) -> None:
    assert system_keyring() is isolated
    KeyringSecrets().set("a/b", "value")
    assert isolated.values[(secrets.SERVICE, "a/b")] == "value"


@pytest.mark.usefixtures("unchosen")
def test_the_platforms_keychain_is_chosen_by_name_without_discovery() -> None:
    chosen = system_keyring()
    names = [name for names in PLATFORM_KEYCHAINS.values() for name in names]
    # This machine may have no keychain that answers (a CI container has no D-Bus session): then 'fail'.
    assert f"{type(chosen).__module__}.{type(chosen).__name__}" in names or isinstance(chosen, fail.Keyring)
    assert keyring.get_keyring() is chosen   # set for keyring's own calls too
    assert keychain_available() == (not isinstance(chosen, fail.Keyring))


@pytest.mark.usefixtures("unchosen")
def test_the_users_own_choice_is_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    assert isinstance(system_keyring(), null.Keyring)
    assert not keychain_available()   # a 'null' keychain keeps nothing: secrets stay in memory, with a warning


@pytest.mark.usefixtures("unchosen")
def test_a_platform_keychain_that_cannot_work_here_is_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "PLATFORM_KEYCHAINS", {"linux": ("keyring.backends.no_such.Keyring",
                                                                 "keyring.backends.null.Keyring")})
    monkeypatch.setattr(secrets.sys, "platform", "linux")
    assert isinstance(system_keyring(), null.Keyring)


@pytest.mark.usefixtures("unchosen")
def test_the_apps_store_decides_at_its_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    store = default_secret_store()
    assert keyring.core._keyring_backend is None   # nothing asked of keyring yet: a warm start's rows come first
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    assert store.warning == NO_KEYCHAIN_WARNING   # no keychain: this session's memory, and the user is told
    store.set("a/b", "value")
    assert store.get("a/b") == "value"


def test_the_apps_store_uses_the_keychain_when_there_is_one(isolated: MemoryKeyring) -> None:
    store = default_secret_store()
    store.set("a/b", "value")
    assert store.warning is None and isolated.values[(secrets.SERVICE, "a/b")] == "value"
    store.delete("a/b")
    store.delete("a/b")   # already gone: nothing to say
    assert store.get("a/b") is None
