"""Credentials in the OS keychain (through keyring), never in settings files or logs.

Keyring calls can block (a locked keychain, D-Bus), so the async wrappers run them on a worker
thread. Where no keychain exists, secrets are kept in memory for the session only and the
user is warned before anything is stored.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Protocol

import keyring
import keyring.backend
import keyring.errors

from console.services.blocking import run_blocking

log = logging.getLogger(__name__)

SERVICE = "customer-console"


class SecretStore(Protocol):
    """Where an account's credentials are kept."""

    warning: str | None

    def get(self, account_id: str, key: str) -> str | None: ...
    def set(self, account_id: str, key: str, value: str) -> None: ...
    def delete(self, account_id: str, key: str) -> None: ...


def _username(account_id: str, key: str) -> str:
    return f"{account_id}/{key}"


class MemorySecrets:
    """Secrets for this session only (no keychain, or tests)."""

    def __init__(self, warning: str | None = None) -> None:
        self.warning = warning
        self._values: dict[tuple[str, str], str] = {}

    def get(self, account_id: str, key: str) -> str | None:
        return self._values.get((account_id, key))

    def set(self, account_id: str, key: str, value: str) -> None:
        self._values[(account_id, key)] = value

    def delete(self, account_id: str, key: str) -> None:
        self._values.pop((account_id, key), None)


class KeyringSecrets:
    """Secrets in the OS keychain (Windows Credential Manager, macOS Keychain, Secret Service)."""

    warning: str | None = None

    def get(self, account_id: str, key: str) -> str | None:
        return keyring.get_password(SERVICE, _username(account_id, key))

    def set(self, account_id: str, key: str, value: str) -> None:
        keyring.set_password(SERVICE, _username(account_id, key), value)

    def delete(self, account_id: str, key: str) -> None:
        with contextlib.suppress(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, _username(account_id, key))


def keychain_available() -> bool:
    """True when keyring found a real backend (not the 'fail' or a zero-priority one)."""
    backend = keyring.get_keyring()
    name = type(backend).__module__
    if name.startswith(("keyring.backends.fail", "keyring.backends.null")):
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:  # a backend whose priority probe fails is not usable either
        return False


NO_KEYCHAIN_WARNING = ("No system keychain was found, so credentials you enter are kept in memory "
                       "only and must be entered again after the app restarts.")


def default_secret_store() -> SecretStore:
    """The keychain when there is one, else a session-only store with a warning for the user."""
    if keychain_available():
        return KeyringSecrets()
    log.warning("no keyring backend; secrets kept in memory for this session")
    return MemorySecrets(warning=NO_KEYCHAIN_WARNING)


async def get_secret(store: SecretStore, account_id: str, key: str) -> str | None:
    return await run_blocking(store.get, account_id, key)


async def set_secret(store: SecretStore, account_id: str, key: str, value: str) -> None:
    await run_blocking(store.set, account_id, key, value)


async def delete_secret(store: SecretStore, account_id: str, key: str) -> None:
    await run_blocking(store.delete, account_id, key)
