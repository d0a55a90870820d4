"""An account the window already holds is refreshed with only what changed (Square: a search by update
time and a bulk-retrieve of the known ids), not a full listing; Authorize.net keeps its full scan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace

SEEDED = 30


class Paths(httpx.AsyncBaseTransport):
    """The emulator's transport, keeping each request's method and path."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return await self.inner.handle_async_request(request)


@pytest.fixture
async def workspace(tmp_path: Path) -> AsyncIterator[LocalWorkspace]:
    opened = LocalWorkspace(tmp_path / "workspace.db", MemorySecrets())
    opened.start()
    assert await opened.ready()
    yield opened
    await opened.close()


async def _open(tmp_path: Path, provider: str, workspace: LocalWorkspace) -> tuple[AccountSession, Paths]:
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={provider: SEEDED})
    wire = Paths(demo.emulator(provider).transport())
    demo.transport = lambda _key: wire  # type: ignore[method-assign]
    account = next(a for a in demo_accounts(demo) if a.info.key == provider)
    return await open_session(account, secrets=MemorySecrets(), demo=demo, workspace=workspace), wire


async def test_a_held_square_account_is_refreshed_by_what_changed(tmp_path: Path,
                                                                  workspace: LocalWorkspace) -> None:
    session, wire = await _open(tmp_path, "square", workspace)
    service = session.service
    await service.load()                      # cold: the full listing fills the table and the copy
    await service.load()                      # held, no cursor yet: one full pass records where it got to
    changed_id = sorted(c.id for c in service.index)[0]
    other = session.provider
    await other.update(await other.get(changed_id), CustomerChanges(values={"email": "moved@example.com"}))
    wire.sent.clear()

    progress = await service.load()
    assert progress.done and progress.loaded == SEEDED
    assert "GET /v2/customers" not in wire.sent                       # no full listing…
    assert "POST /v2/customers/search" in wire.sent                   # …only what changed since
    assert service.index.get(changed_id).email == "moved@example.com"  # type: ignore[union-attr]
    kept = await service.local.read() if service.local is not None else None
    assert kept is not None and {c.id: c.email for c in kept.customers}[changed_id] == "moved@example.com"
    await session.aclose()


async def test_authorize_net_keeps_its_full_scan_so_an_edit_is_seen(tmp_path: Path,
                                                                    workspace: LocalWorkspace) -> None:
    session, _wire = await _open(tmp_path, "authorize-net", workspace)
    service = session.service
    await service.load()
    await service.load()
    changed_id = sorted(c.id for c in service.index)[0]
    other = session.provider
    await other.update(await other.get(changed_id), CustomerChanges(values={"email": "seen@example.com"}))
    await service.load()
    assert service.index.get(changed_id).email == "seen@example.com"  # type: ignore[union-attr]
    await session.aclose()
