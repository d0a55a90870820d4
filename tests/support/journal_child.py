"""A console process that journals an update of the Square demo's first customer and then hangs
while its request is out, until the test kills it: the write is left in doubt.

    python -m tests.support.journal_child ROOT
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

NEW_EMAIL = "in-doubt@example.com"


class HangingWrites(httpx.AsyncBaseTransport):
    """Reads go through; a write never gets its answer (the process dies first)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and "search" not in request.url.path:
            print("SENDING", flush=True)
            await asyncio.Event().wait()
        return await self.inner.handle_async_request(request)


async def main(root: Path) -> None:
    from console.domain.changes import CustomerChanges
    from console.services.accounts import demo_accounts, open_session
    from console.services.demo import DemoSandbox
    from console.services.journal import Author, Journal
    from console.services.secrets import MemorySecrets
    from console.services.workspace import LocalWorkspace

    workspace = LocalWorkspace(root / "workspace.db", MemorySecrets(warning="no keychain here"))
    workspace.start()
    assert await workspace.ready()
    demo = DemoSandbox(root / "demo", latency_ms=0, customers={"square": 5})
    plain = demo.transport
    demo.transport = lambda key: HangingWrites(plain(key))  # type: ignore[method-assign]
    account = next(a for a in demo_accounts(demo) if a.info.key == "square")
    session = await open_session(account, secrets=MemorySecrets(), demo=demo)
    session.service.journal = Journal(workspace, Author("ada", "desk-1")).for_account(
        account.id, account.name, account.info.key)
    await session.service.load()
    customer = sorted(session.service.index, key=lambda c: c.id)[0]
    await session.service.update(customer, CustomerChanges(values={"email": NEW_EMAIL}))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
