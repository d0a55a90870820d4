"""For service tests: an app context (in-memory keychain, no window), a keychain that refuses, and
a transport that records instead of sending."""

from __future__ import annotations

from pathlib import Path

import httpx
import keyring.errors

from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.settings import SettingsStore


def service_context(root: Path) -> AppContext:
    """The app's services under `root`, with secrets in memory."""
    paths = AppPaths.resolve(root)
    store = SettingsStore(paths.settings_file)
    return AppContext(paths=paths, store=store, settings=store.load().settings, secrets=MemorySecrets(),
                      demo=DemoSandbox(paths.demo_dir))


class LockedKeychain(MemorySecrets):
    """A keychain that refuses every write, as a locked one does."""

    def set(self, name: str, value: str) -> None:
        raise keyring.errors.PasswordSetError("locked")


class Recorder(httpx.AsyncBaseTransport):
    """Records every request instead of sending it."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json={})
