"""P18 and P19: team mode on a shared PostgreSQL workspace (issue 22). Run through benchmarks/run.py.

Both start a PostgreSQL server of their own (tests/postgres.py's `running_server`, with fsync and
synchronous commits on, as a production server has them) on this machine's PostgreSQL binaries.

P19 opens ten consoles (each a workspace, a keychain and a session of its own, headless, in one process)
on one Square account of an in-process emulator, and has all ten refresh at once; it counts the requests
that reach the emulator, beside the baseline of ten consoles each refreshing on its own.

P18 runs ten console processes (`python benchmarks/team.py console ...`) on one team database holding
100,000 customers across five accounts, each process holding all of them in its indexes. Each saves one
customer a second for a minute; every console notes when each other console's save reached its index.
The baseline is the same saves seen by polling the journal every 2 s instead of listening.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

P19_CONSOLES = 10
TOKEN = "team-benchmark-token"


class _Counted(httpx.AsyncBaseTransport):
    """The emulator's transport, counting the requests that reach it."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.requests = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        return await self.inner.handle_async_request(request)


def _team(url: Any) -> Any:
    from console.services.team_server import TeamServer

    return TeamServer(host=url.host, port=url.port, database=url.database, user=url.username, tls="disable")


def p19_shared_refresh(quick: bool, *, line: Callable[..., None], note: Callable[[str], None]) -> None:
    """Print P19: the provider requests of one refresh shared by ten consoles, beside ten refreshes."""
    from console.sandbox.square import SquareEmulator
    from console.services.accounts import configured_accounts, open_session
    from console.services.demo import DemoSandbox
    from console.services.secrets import MemorySecrets
    from console.services.settings import AccountSettings, Settings
    from console.services.team_server import TEAM_PASSWORD
    from console.services.workspace import LocalWorkspace
    from tests.postgres import running_server

    customers = 2_000 if quick else 20_000
    emulator = SquareEmulator(seed=19, customers=customers, credentials={"token": TOKEN})
    account = configured_accounts(Settings(accounts=[AccountSettings(provider="square", name="Shop",
                                                                     base_url=emulator.base_url)]))[0]

    async def refresh_all(workspaces: list[Any] | None, folder: Path) -> tuple[int, float]:
        counted = _Counted(emulator.transport())
        sessions = [await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(folder / "demo"),
                                       transport=counted, credentials={"token": TOKEN},
                                       workspace=None if workspaces is None else workspaces[n])
                    for n in range(P19_CONSOLES)]
        started = asyncio.get_running_loop().time()
        loads = await asyncio.gather(*(session.service.load() for session in sessions))
        seconds = asyncio.get_running_loop().time() - started
        assert all(load.done and load.loaded == customers for load in loads), loads
        for session in sessions:
            await session.aclose()
        return counted.requests, seconds

    async def main(url: Any, folder: Path) -> None:
        alone = _Counted(emulator.transport())
        solo = await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(folder / "demo"),
                                  transport=alone, credentials={"token": TOKEN})
        await solo.service.load()
        one = alone.requests
        await solo.aclose()
        baseline, baseline_s = await refresh_all(None, folder)
        workspaces = []
        for n in range(P19_CONSOLES):
            secrets = MemorySecrets()
            secrets.set(TEAM_PASSWORD, "")
            workspace = LocalWorkspace(folder / f"console-{n}" / "workspace.db", secrets, _team(url))
            workspace.start()
            workspaces.append(workspace)
        for workspace in workspaces:
            assert await workspace.ready(), workspace.notice
        shared, shared_s = await refresh_all(workspaces, folder)
        for workspace in workspaces:
            await workspace.close()
        line("P19", f"provider requests for a refresh by {P19_CONSOLES} consoles at once, team workspace", shared,
             "requests", baseline=baseline, ratio=baseline / shared, target="one refresh's requests",
             met=shared == one)
        note(f"{customers:,} customers on one Square account (emulator in process); one refresh is {one} requests; "
             f"baseline: {P19_CONSOLES} consoles without a team workspace, each refreshing ({baseline} requests, "
             f"{baseline_s:.2f} s); shared: one console refreshed, the other {P19_CONSOLES - 1} waited for its turn "
             f"and read its result from the team database ({shared_s:.2f} s in all)")

    with running_server(durable=True) as server, tempfile.TemporaryDirectory() as folder:
        asyncio.run(main(server.url(server.create_database()), Path(folder)))
