"""Credentials in the OS keychain (through keyring), never in settings files or logs.

Keyring calls can block (a locked keychain, D-Bus), so the async wrappers run them on a worker
thread. Where no keychain exists, secrets are kept in memory for the session only and the
user is warned before anything is stored.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:   # keyring is imported where a keychain is first asked (about 50 ms): not before the first rows
    import keyring.backend

from console.services.blocking import run_blocking

log = logging.getLogger(__name__)

SERVICE = "customer-console"


class SecretStore(Protocol):
    """Where credentials are kept, each under a name from `secret_name`."""

    @property
    def warning(self) -> str | None:
        """Why secrets will not outlive the session (no keychain), or None."""

    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


def secret_name(account_id: str, provider: str, key: str) -> str:
    """The keychain entry of one credential: per account and provider, so a token saved for one
    provider is never sent to another when an account's provider is changed."""
    return f"{account_id}/{provider}/{key}"


def _legacy_name(account_id: str, key: str) -> str:
    # Before 0.2 entries were named per account only; read once and moved (see `_get_or_migrate`).
    return f"{account_id}/{key}"


class MemorySecrets:
    """Secrets for this session only (no keychain, or tests)."""

    def __init__(self, warning: str | None = None) -> None:
        self.warning = warning
        self._values: dict[str, str] = {}

    def get(self, name: str) -> str | None:
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        self._values[name] = value

    def delete(self, name: str) -> None:
        self._values.pop(name, None)

    def names(self) -> list[str]:
        """Every stored entry's name (tests check what is left behind)."""
        return sorted(self._values)


class KeyringSecrets:
    """Secrets in the OS keychain (Windows Credential Manager, macOS Keychain, Secret Service)."""

    warning: str | None = None

    def get(self, name: str) -> str | None:
        return system_keyring().get_password(SERVICE, name)

    def set(self, name: str, value: str) -> None:
        system_keyring().set_password(SERVICE, name, value)

    def delete(self, name: str) -> None:
        import keyring.errors

        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            system_keyring().delete_password(SERVICE, name)


# The platform's own keychain, by name. keyring's discovery imports every backend it knows and reads every
# installed package's entry points for more: 80-100 ms of each start on the 2-core VM, for a choice the
# platform already makes (the app ships no other backend).
PLATFORM_KEYCHAINS = {
    "darwin": ("keyring.backends.macOS.Keyring",),
    "win32": ("keyring.backends.Windows.WinVaultKeyring",),
    "linux": ("keyring.backends.SecretService.Keyring", "keyring.backends.kwallet.DBusKeyring"),
}
_choosing = threading.Lock()


def system_keyring() -> keyring.backend.KeyringBackend:
    """keyring's backend: one already set (tests), else one named in PYTHON_KEYRING_BACKEND or keyringrc.cfg
    (as keyring itself would), else the platform's keychain when it answers, else keyring's 'fail' one."""
    import keyring
    import keyring.core

    with _choosing:
        if "_keyring_backend" not in vars(keyring.core):   # another keyring than the one this was written for
            return keyring.get_keyring()
        if keyring.core._keyring_backend is None:
            keyring.set_keyring(keyring.core.load_env() or keyring.core.load_config() or _platform_keychain())
        return keyring.get_keyring()


def _platform_keychain() -> keyring.backend.KeyringBackend:
    import keyring.core
    from keyring.backends import fail

    for name in PLATFORM_KEYCHAINS.get(sys.platform, PLATFORM_KEYCHAINS["linux"]):
        try:
            return keyring.core.load_keyring(name)   # asks its priority: raises where it cannot work here
        except Exception:   # not this platform's, no D-Bus session, a library missing: try the next
            continue
    return fail.Keyring()


def keychain_available() -> bool:
    """True when keyring found a real backend (not the 'fail' or a zero-priority one)."""
    backend = system_keyring()
    name = type(backend).__module__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:  # a backend whose priority probe fails is not usable either
        return False


NO_KEYCHAIN_WARNING = ("No system keychain was found, so credentials you enter are kept in memory "
                       "only and must be entered again after the app restarts.")


class SystemSecrets:
    """The keychain when there is one, else a session-only store with a warning for the user; which one is
    decided at the first use, on whichever thread (a warm start's is the workspace's, after the first rows)."""

    def __init__(self) -> None:
        self._store: SecretStore | None = None
        self._deciding = threading.Lock()

    def _decided(self) -> SecretStore:
        with self._deciding:
            if self._store is None:
                if keychain_available():
                    self._store = KeyringSecrets()
                else:
                    log.warning("no keyring backend; secrets kept in memory for this session")
                    self._store = MemorySecrets(warning=NO_KEYCHAIN_WARNING)
            return self._store

    @property
    def warning(self) -> str | None:
        return self._decided().warning

    def get(self, name: str) -> str | None:
        return self._decided().get(name)

    def set(self, name: str, value: str) -> None:
        self._decided().set(name, value)

    def delete(self, name: str) -> None:
        self._decided().delete(name)


def default_secret_store() -> SecretStore:
    """The keychain when there is one, else a session-only store with a warning (`SystemSecrets`)."""
    return SystemSecrets()


def _get_or_migrate(store: SecretStore, account_id: str, provider: str, key: str) -> str | None:
    value = store.get(secret_name(account_id, provider, key))
    if value is None:
        # An entry written before secrets were kept per provider belongs to the provider the
        # account had when it was saved, which is the one it has now: move it under its new name.
        legacy = store.get(_legacy_name(account_id, key))
        if legacy is not None:
            store.set(secret_name(account_id, provider, key), legacy)
            store.delete(_legacy_name(account_id, key))
            value = legacy
    return value


async def get_secret(store: SecretStore, account_id: str, provider: str, key: str) -> str | None:
    return await run_blocking(_get_or_migrate, store, account_id, provider, key)


async def set_secret(store: SecretStore, account_id: str, provider: str, key: str, value: str) -> None:
    await run_blocking(store.set, secret_name(account_id, provider, key), value)


async def delete_secret(store: SecretStore, account_id: str, provider: str, key: str) -> None:
    await run_blocking(store.delete, secret_name(account_id, provider, key))


async def delete_legacy_secret(store: SecretStore, account_id: str, key: str) -> None:
    """Delete an entry of the old per-account naming, so a removed account leaves nothing behind."""
    await run_blocking(store.delete, _legacy_name(account_id, key))
