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


def p19_shared_refresh(quick: bool, *, line: Callable[..., None], note: Callable[[str], None]) -> None:
    """Print P19: the provider requests of one refresh shared by ten consoles, beside ten refreshes."""
    from console.sandbox.square import SquareEmulator
    from console.services.accounts import configured_accounts, open_session
    from console.services.demo import DemoSandbox
    from console.services.secrets import MemorySecrets
    from console.services.settings import AccountSettings, Settings
    from console.services.team_server import TEAM_PASSWORD
    from console.services.workspace import LocalWorkspace
    from tests.postgres import running_server, team_settings

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
            workspace = LocalWorkspace(folder / f"console-{n}" / "workspace.db", secrets, team_settings(url))
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


# -- P18: ten console processes saving once a second -------------------------------------------
P18_CONSOLES = 10
P18_ACCOUNTS = 5
P18_WITHIN_S = 2.0
POLL_EVERY_S = 2.0
MARK = "P18-"


def _accounts(urls: list[str]) -> list[Any]:
    """The five accounts every console has (the same ids everywhere: the team's accounts)."""
    from console.services.accounts import configured_accounts
    from console.services.settings import AccountSettings, Settings

    return configured_accounts(Settings(accounts=[
        AccountSettings(id=f"shop-{n}", provider="square", name=f"Shop {n}", base_url=url)
        for n, url in enumerate(urls)]))


async def _console(args: Any) -> None:
    """One console process of P18: open the five accounts from the team copy, save once a second, and note
    when each other console's save reaches this one's indexes."""
    import json
    import time

    from console.domain.changes import CustomerChanges
    from console.domain.journal import JournalQuery
    from console.services.accounts import open_session
    from console.services.demo import DemoSandbox
    from console.services.journal import Author, Journal
    from console.services.secrets import MemorySecrets
    from console.services.shared_customers import apply_shared_change
    from console.services.team_server import TEAM_PASSWORD, TeamServer
    from console.services.workspace import LocalWorkspace

    folder = Path(args.folder)
    secrets = MemorySecrets()
    secrets.set(TEAM_PASSWORD, "")
    server = TeamServer(host="127.0.0.1", port=args.port, database=args.database, user="postgres", tls="disable")
    workspace = LocalWorkspace(folder / "workspace.db", secrets, server)
    workspace.start()
    assert await workspace.ready(), workspace.notice
    journal = Journal(workspace, Author.here(f"console {args.index}"))
    sessions = {}
    for account in _accounts(json.loads(args.urls)):
        session = await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(folder / "demo"),
                                     credentials={"token": TOKEN}, workspace=workspace)
        session.service.journal = journal.for_account(account.id, account.name, account.info.key)
        await session.service.load_local()
        sessions[account.id] = session
    seen: dict[str, float] = {}
    tasks: set[asyncio.Task[Any]] = set()

    def note_marks(customers: list[Any]) -> None:
        now = time.time()
        for customer in customers:
            name = customer.family_name or ""
            if name.startswith(MARK) and not name.startswith(f"{MARK}{args.index}-"):
                seen.setdefault(name, now)

    async def apply(change: Any) -> None:
        session = sessions.get(change.account_id) if change is not None else None
        if session is not None:
            note_marks(await apply_shared_change(session.service, change))

    if args.mode == "listen":
        def changed(change: Any) -> None:
            task = asyncio.ensure_future(apply(change))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        workspace.shared_changes.append(changed)

    async def poll(until: float) -> None:
        """The baseline: every 2 s, the journal's entries since the last look, their customers read again."""
        from console.domain.shared_changes import SharedChange

        last = max((entry.seq for entry in await journal.entries(JournalQuery(), limit=1)), default=0)
        while time.time() < until:
            await asyncio.sleep(POLL_EVERY_S)
            fresh = [entry for entry in await journal.entries(JournalQuery(), limit=500) if entry.seq > last]
            last = max((entry.seq for entry in fresh), default=last)
            by_account: dict[str, set[str]] = {}
            for entry in fresh:
                if entry.customer_id:
                    by_account.setdefault(entry.intent.account_id, set()).add(entry.customer_id)
            for account_id, ids in by_account.items():
                await apply(SharedChange(account_id, tuple(ids)))

    if workspace.cache is not None:
        # This console's own copy of the team's accounts (services/team_cache.py) is written once they are read;
        # on ten machines each would write its own meanwhile, here they share two cores: the minute starts after.
        await asyncio.wrap_future(workspace.cache.follow(next(iter(sessions))))
    # Which customers this console edits: its own stretch of each account, so no two consoles edit one.
    mine = {account_id: sorted(session.service.index, key=lambda c: c.id)[args.index * 100:(args.index + 1) * 100]
            for account_id, session in sessions.items()}
    (folder / "ready").write_text("ready")
    go = folder.parent / "go"
    while not go.exists():  # noqa: ASYNC110 (the parent process's word arrives as a file)
        await asyncio.sleep(0.05)
    start = float(go.read_text())
    end = start + args.seconds
    poller = asyncio.ensure_future(poll(end + POLL_EVERY_S + 1)) if args.mode == "poll" else None
    saves: dict[str, float] = {}
    errors = 0
    for n in range(args.seconds):
        await asyncio.sleep(max(0.0, start + n - time.time()))
        account_id = f"shop-{n % P18_ACCOUNTS}"
        customer = mine[account_id][n // P18_ACCOUNTS]
        mark = f"{MARK}{args.index}-{n}"
        try:
            await sessions[account_id].service.update(customer, CustomerChanges(values={"family_name": mark}))
            saves[mark] = time.time()
        except Exception:
            errors += 1
    # The others' last saves: a little longer than the target, then what has arrived is what counts.
    await asyncio.sleep(P18_WITHIN_S + (POLL_EVERY_S if args.mode == "poll" else 0) + 1.5)
    if poller is not None:
        poller.cancel()
    (folder / "result.json").write_text(json.dumps({"saves": saves, "seen": seen, "errors": errors}))
    workspace.shared_changes.clear()
    for task in list(tasks):   # notices still being applied (a console behind): not counted, not waited for
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for session in sessions.values():
        await session.aclose()
    await workspace.close()


def _serve_emulators(customers: int) -> tuple[list[Any], list[str]]:
    """Five Square emulators, each in its own process: the consoles' five accounts."""
    import json
    import subprocess
    import sys

    processes, urls = [], []
    for n in range(P18_ACCOUNTS):
        process = subprocess.Popen([sys.executable, "-m", "console.sandbox", "serve", "square", "--port", "0",
                                    "--seed", str(180 + n), "--customers", str(customers), "--token", TOKEN],
                                   stdout=subprocess.PIPE, text=True)
        assert process.stdout is not None
        urls.append(json.loads(process.stdout.readline())["base_url"])
        processes.append(process)
    return processes, urls


def _run_consoles(mode: str, url: Any, urls: list[str], folder: Path, seconds: int) -> list[dict[str, Any]]:
    """Ten console processes in `mode` ("listen" or "poll"), started together once all have loaded."""
    import json
    import subprocess
    import sys
    import time

    run = folder / mode
    run.mkdir()
    processes = []
    for index in range(P18_CONSOLES):
        (run / str(index)).mkdir()
        processes.append(subprocess.Popen([
            sys.executable, str(Path(__file__).resolve()), "console", "--folder", str(run / str(index)),
            "--index", str(index), "--port", str(url.port), "--database", url.database, "--urls", json.dumps(urls),
            "--seconds", str(seconds), "--mode", mode]))
    while not all((run / str(i) / "ready").exists() for i in range(P18_CONSOLES)):
        if any(p.poll() not in (None, 0) for p in processes):
            raise RuntimeError("a console process stopped before it was ready")
        time.sleep(0.2)
    # Written aside and renamed: a console must never read the file half written (an empty start).
    (run / "go.part").write_text(str(time.time() + 1.0))
    (run / "go.part").rename(run / "go")
    for process in processes:
        process.wait()
    return [json.loads((run / str(i) / "result.json").read_text()) for i in range(P18_CONSOLES)]


def _latencies(results: list[dict[str, Any]]) -> tuple[list[float], int, int]:
    """Every (save, other console) delay in seconds; how many never arrived; how many saves failed."""
    delays, missing = [], 0
    for index, result in enumerate(results):
        for mark, saved in result["saves"].items():
            for other, seen_by in enumerate(results):
                if other == index:
                    continue
                if mark in seen_by["seen"]:
                    delays.append(max(0.0, seen_by["seen"][mark] - saved))
                else:
                    missing += 1
    return delays, missing, sum(result["errors"] for result in results)


def p18_live_saves(quick: bool, *, line: Callable[..., None], note: Callable[[str], None]) -> None:
    """Print P18: ten console processes each saving once a second on one team database."""
    from benchmarks.run import percentile
    from console.domain.journal import JournalQuery
    from console.services.journal import Author, Journal
    from console.services.secrets import MemorySecrets
    from console.services.team_server import TEAM_PASSWORD
    from console.services.workspace import LocalWorkspace
    from tests.postgres import running_server, team_settings

    per_account = 2_000 if quick else 20_000
    seconds = 15 if quick else 60
    emulators, urls = _serve_emulators(per_account)
    try:
        with running_server(durable=True) as server, tempfile.TemporaryDirectory() as folder:
            url = server.url(server.create_database())

            async def seed() -> tuple[int, Any]:
                from console.services.accounts import open_session
                from console.services.demo import DemoSandbox

                secrets = MemorySecrets()
                secrets.set(TEAM_PASSWORD, "")
                workspace = LocalWorkspace(Path(folder) / "seed" / "workspace.db", secrets, team_settings(url))
                workspace.start()
                assert await workspace.ready(), workspace.notice
                total = 0
                for account in _accounts(urls):
                    session = await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(Path(folder)),
                                                 credentials={"token": TOKEN}, workspace=workspace)
                    total += (await session.service.load()).loaded
                    await session.aclose()
                return total, workspace

            async def journal_check(workspace: Any) -> tuple[int, Any]:
                journal = Journal(workspace, Author.here("benchmark"))
                return await journal.count(JournalQuery()), await journal.verify()

            async def closed(workspace: Any) -> None:
                await workspace.close()

            loop = asyncio.new_event_loop()
            total, workspace = loop.run_until_complete(seed())
            listened = _run_consoles("listen", url, urls, Path(folder), seconds)
            entries, chain = loop.run_until_complete(journal_check(workspace))
            polled = _run_consoles("poll", url, urls, Path(folder), seconds)
            loop.run_until_complete(closed(workspace))
            loop.close()
    finally:
        for process in emulators:
            process.terminate()
    delays, missing, errors = _latencies(listened)
    baseline, baseline_missing, _ = _latencies(polled)
    p99 = percentile(delays, 99) if delays and not missing else float("inf")
    base99 = percentile(baseline, 99) if baseline else float("inf")
    line("P18", f"save seen by the other {P18_CONSOLES - 1} consoles, p99", p99, "s", baseline=base99,
         ratio=base99 / p99 if p99 else None, target=f"<={P18_WITHIN_S:.0f} s", met=p99 <= P18_WITHIN_S)
    saves = sum(len(result["saves"]) for result in listened)
    note(f"{P18_CONSOLES} console processes, each holding {total:,} customers of {P18_ACCOUNTS} accounts "
         f"(Square emulators in their own processes), saving once a second for {seconds} s: {saves} saves, "
         f"{len(delays):,} arrivals (median {percentile(delays, 50):.3f} s, slowest {max(delays):.3f} s), "
         f"{missing} never arrived; {errors} saves failed, 0 retried (no deadlock or serialization failure "
         f"was met to retry)")
    note(f"baseline: the same saves with each console polling the journal every {POLL_EVERY_S:.0f} s "
         f"(median {percentile(baseline, 50):.3f} s, {baseline_missing} never arrived)")
    expected = P18_CONSOLES * seconds
    line("P18", "journal entries after the listened minute", entries, "entries", baseline=None,
         target=f"exactly {expected} and the chain verifies", met=entries == expected and chain.first_bad is None)
    note(f"hash chain: {chain.checked} records checked, "
         + ("every one matches" if chain.first_bad is None else f"first bad {chain.first_bad}: {chain.reason}"))


if __name__ == "__main__":
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["console"])
    for name in ("--folder", "--database", "--urls", "--mode"):
        parser.add_argument(name, required=True)
    for name in ("--index", "--port", "--seconds"):
        parser.add_argument(name, type=int, required=True)
    asyncio.run(_console(parser.parse_args()))
