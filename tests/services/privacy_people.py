"""For privacy desk tests: an app context whose five demo accounts are small and quick, with its
workspace open, and a person planted at every account through the service's own create."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.providers.http import RetryPolicy
from console.sandbox.registry import emulator_keys
from console.services.context import AppContext
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.privacy_accounts import RequestSessions
from console.services.secrets import MemorySecrets
from console.services.settings import SettingsStore

ADA = {"given_name": "Ada", "family_name": "Quillfeather", "email": "ada.quillfeather@example.com",
       "phone": "4155550199"}
# Someone else with a similar name: found by no identifier of Ada's.
ADAM = {"given_name": "Adam", "family_name": "Quillfeather", "email": "adam.q@example.org", "phone": "4155550198"}


FAST_RETRIES = RetryPolicy(attempts=2, base_delay=0.01, max_delay=0.02, max_retry_after=0.02)


class Outage(httpx.AsyncBaseTransport):
    """A demo account's transport that cannot connect while its provider is in `down`."""

    def __init__(self, key: str, inner: httpx.AsyncBaseTransport, down: set[str]) -> None:
        self.key, self.inner, self.down = key, inner, down

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.key in self.down:
            raise httpx.ConnectError("the provider is down", request=request)
        return await self.inner.handle_async_request(request)


async def privacy_context(root: Path, customers: int = 8, down: set[str] | None = None) -> AppContext:
    """Five demo accounts of `customers` each (no latency), the workspace open; a provider put in `down`
    cannot be reached until taken out."""
    paths = AppPaths.resolve(root)
    store = SettingsStore(paths.settings_file)
    demo = DemoSandbox(paths.demo_dir, latency_ms=0, customers=dict.fromkeys(emulator_keys(), customers))
    if down is not None:
        plain = demo.transport
        demo.transport = lambda key: Outage(key, plain(key), down)  # type: ignore[method-assign]
    context = AppContext(paths=paths, store=store, settings=store.load().settings, secrets=MemorySecrets(),
                         demo=demo)
    context.workspace.start()
    assert await context.workspace.ready()
    return context


def values_for(fields: dict[str, str], sessions: RequestSessions, key: str) -> dict[str, str]:
    """`fields` as the provider's create takes them: the whole name in one field where it has no family name."""
    capabilities = next(a for a in sessions.accounts if a.info.key == key).info.capabilities
    values = {k: v for k, v in fields.items() if capabilities.has_field(k)}
    if not capabilities.has_field("family_name") and capabilities.has_field("given_name"):
        values["given_name"] = f"{fields['given_name']} {fields['family_name']}"
    return values


async def plant(sessions: RequestSessions, fields: dict[str, str]) -> dict[str, Customer]:
    """The person created at every demo account; the new customer by provider key."""
    planted = {}
    for account in sessions.accounts:
        session = await sessions.session(account)
        session.provider.http.policy = FAST_RETRIES  # type: ignore[attr-defined]
        changes = CustomerChanges(values=values_for(fields, sessions, account.info.key))
        planted[account.info.key] = await session.service.create(changes, idempotency_key=uuid.uuid4().hex)
    return planted
