"""Team mode in the services (issue 22): two consoles on one PostgreSQL workspace see each other's saves.

Each console is a `LocalWorkspace` of its own (its own data folder and keychain) pointed at one database
of the suite's PostgreSQL server; both open the same demo Square account.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from psycopg import sql

from console.domain import errors as e
from console.domain.changes import CustomerChanges
from console.domain.jobs import Job, JobState, OpKind, PlannedOp
from console.domain.journal import JournalQuery
from console.domain.shared_changes import SharedChange
from console.sandbox.square import SquareEmulator
from console.services.accounts import Account, AccountSession, configured_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.jobs import WAITING, JobRunner, JobStore
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.settings import AccountSettings, Settings
from console.services.shared_customers import apply_shared_change
from console.services.team_server import TEAM_PASSWORD, TeamServer, check_connection
from console.services.workspace import LocalWorkspace, workspace_files
from tests.postgres import PgServer, team_settings
from tests.services.conftest import CountingWire, OpenDemo
from tests.support.qt import until

SEEDED = 12


@pytest.fixture
def team_database(pg_database: Callable[..., sa.URL]) -> TeamServer:
    """An empty database on the suite's server, as the Team workspace dialog would keep it."""
    return team_settings(pg_database())


TOKEN = "team-test-token"


@pytest.fixture
def emulator() -> SquareEmulator:
    """The Square account both consoles work on (staff each have their own credentials for it)."""
    return SquareEmulator(seed=5, customers=SEEDED, credentials={"token": TOKEN})


@pytest.fixture
def account(emulator: SquareEmulator) -> Account:
    settings = AccountSettings(provider="square", name="Shop", base_url=emulator.base_url)
    return configured_accounts(Settings(accounts=[settings]))[0]


@pytest.fixture
async def consoles(tmp_path: Path, team_database: TeamServer) -> AsyncIterator[list[LocalWorkspace]]:
    opened = []
    for name in ("a", "b"):
        secrets = MemorySecrets()
        secrets.set(TEAM_PASSWORD, "")
        workspace = LocalWorkspace(tmp_path / name / "workspace.db", secrets, team_database)
        workspace.start()
        opened.append(workspace)
    for workspace in opened:
        assert await workspace.ready(), workspace.notice
    yield opened
    for workspace in opened:
        await workspace.close()


async def _open(account: Account, emulator: SquareEmulator, workspace: LocalWorkspace | None, tmp_path: Path,
                transport: httpx.AsyncBaseTransport | None = None) -> AccountSession:
    """The account opened by one console (None: without a workspace), with that console's own copy of the
    credentials, over `transport` (else straight to the emulator)."""
    return await open_session(account, secrets=MemorySecrets(), demo=DemoSandbox(tmp_path / "demo"),
                              transport=transport or emulator.transport(), credentials={"token": TOKEN},
                              workspace=workspace)


def _follow(workspace: LocalWorkspace, session: AccountSession) -> list[SharedChange | None]:
    """Apply the workspace's shared changes to the session as the window does; the changes seen."""
    seen: list[SharedChange | None] = []
    tasks: set[asyncio.Task[object]] = set()

    def changed(change: SharedChange | None) -> None:
        seen.append(change)
        task = asyncio.ensure_future(apply_shared_change(session.service, change))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    workspace.shared_changes.append(changed)
    return seen


async def test_a_save_and_a_delete_in_one_console_show_in_the_other(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], tmp_path: Path) -> None:
    a, b = consoles
    first = await _open(account, emulator, a, tmp_path)
    await first.service.load()   # the refresh fills the shared copy
    second = await _open(account, emulator, b, tmp_path)
    await second.service.load_local()
    assert len(second.service.index) == SEEDED   # one refresh served both
    seen = _follow(b, second)
    await until(lambda: b._feed is not None and b._feed.listening.is_set(), what="console B listening")
    target, doomed = sorted(first.service.index, key=lambda c: c.id)[:2]

    await first.service.update(target, CustomerChanges(values={"email": "shared.edit@example.com"}))
    await until(lambda: (found := second.service.index.get(target.id)) is not None
                and found.email == "shared.edit@example.com", what="the edit in console B")
    await first.service.delete_many([doomed])
    await until(lambda: second.service.index.get(doomed.id) is None, what="the delete in console B")

    assert any(change is not None and change.ids is not None and target.id in change.ids for change in seen)
    assert len(second.service.index) == SEEDED - 1
    await first.aclose()
    await second.aclose()


async def test_a_demo_account_keeps_no_copy_and_no_history_in_the_team_workspace(
        consoles: list[LocalWorkspace], open_demo: OpenDemo) -> None:
    # Each console's demo data is its own: shared, two consoles' demo refreshes would undo each other, and
    # other consoles' History would list customers they cannot see.
    workspace = consoles[0]
    assert workspace.for_account("demo:square", "square") is None
    assert workspace.for_account("shop", "square") is not None
    demo = await open_demo("square")
    journal = Journal(workspace, Author.here("Jane"))
    account = demo.session.account
    demo.session.service.journal = journal.for_account(account.id, account.name, "square")
    await demo.session.service.load()
    customer = next(iter(demo.session.service.index))
    saved = await demo.session.service.update(customer, CustomerChanges(values={"company": "Demo only"}))
    assert saved.company == "Demo only"
    assert await journal.count(JournalQuery()) == 0

async def test_test_connection_says_what_it_found(team_database: TeamServer) -> None:
    empty = check_connection(team_database, None)
    assert empty.ok and "is empty" in empty.message and "PostgreSQL" in empty.message

    wrong = team_database.model_copy(update={"database": "no_such_database"})
    failed = check_connection(wrong, "a-password-never-shown")
    assert not failed.ok
    assert "no_such_database" in failed.message and "a-password-never-shown" not in failed.message


async def test_consoles_refreshing_one_account_at_once_cost_the_provider_one_refresh(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], tmp_path: Path) -> None:
    alone = CountingWire(emulator.transport())
    solo = await _open(account, emulator, None, tmp_path, alone)   # no workspace: one plain refresh
    await solo.service.load()
    one_refresh = len(alone.methods)
    await solo.aclose()

    counted = CountingWire(emulator.transport())
    sessions = [await _open(account, emulator, workspace, tmp_path, counted)
                for workspace in consoles]
    loads = await asyncio.gather(*(session.service.load() for session in sessions))

    assert len(counted.methods) == one_refresh   # the console that waited read the other's result
    assert all(load.done and load.loaded == SEEDED for load in loads)
    assert all(len(session.service.index) == SEEDED for session in sessions)
    for session in sessions:
        await session.aclose()


async def test_a_refresh_older_than_a_minute_is_made_again(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], tmp_path: Path) -> None:
    counted = CountingWire(emulator.transport())
    first, second = [await _open(account, emulator, workspace, tmp_path, counted)
                     for workspace in consoles]
    await first.service.load()
    after_first = len(counted.methods)
    assert first.service.local is not None
    async with first.service.local.refresh_turn(fresh_within=timedelta(0)) as mine:
        assert mine   # a refresh that finished before this asking does not stand in for a new one
    await second.service.load()
    assert len(counted.methods) == after_first   # within the minute: the shared copy served
    await first.aclose()
    await second.aclose()


async def test_a_second_job_on_one_account_waits_its_turn_and_says_why(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], tmp_path: Path) -> None:
    counted = CountingWire(emulator.transport())
    first, second = [await _open(account, emulator, workspace, tmp_path, counted)
                     for workspace in consoles]
    await first.service.load()
    await second.service.load()
    store = JobStore(consoles[1], "Tom")
    planned = [PlannedOp(OpKind.CREATE, values={"given_name": f"Queued{n}", "email": f"queued{n}@example.com"})
               for n in range(3)]
    job_id = await store.create("Import 3", account.id, "square", planned)
    progress: list[Job] = []
    runner = JobRunner(store, second.service, on_progress=progress.append)
    assert first.service.local is not None and second.service.local is not None
    before = len(counted.methods)

    async with first.service.local.job_turn(lambda: None, lambda: False) as mine:   # console A's job is sending
        assert mine
        running = asyncio.ensure_future(runner.run(job_id))
        await until(lambda: any(job.waiting == WAITING for job in progress), what="the job to say it waits")
        assert len(counted.methods) == before and not running.done()   # nothing sent while A holds the turn
    finished = await running

    assert finished.state is JobState.FINISHED and finished.counts == {"done": 3}
    assert len(counted.methods) > before
    await first.aclose()
    await second.aclose()


async def test_a_job_cancelled_while_it_waits_sends_nothing(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], tmp_path: Path) -> None:
    counted = CountingWire(emulator.transport())
    session = await _open(account, emulator, consoles[1], tmp_path, counted)
    other = await _open(account, emulator, consoles[0], tmp_path, counted)
    await session.service.load()
    await other.service.load()
    store = JobStore(consoles[1], "Tom")
    job_id = await store.create("Import 1", account.id, "square",
                                [PlannedOp(OpKind.CREATE, values={"given_name": "X"})])
    progress: list[Job] = []
    runner = JobRunner(store, session.service, on_progress=progress.append)
    before = len(counted.methods)
    assert other.service.local is not None
    async with other.service.local.job_turn(lambda: None, lambda: False):
        running = asyncio.ensure_future(runner.run(job_id))
        await until(lambda: any(job.waiting for job in progress), what="the job to wait")
        runner.cancel()
        cancelled = await running
    assert cancelled.state is JobState.CANCELLED and len(counted.methods) == before
    await session.aclose()
    await other.aclose()


async def test_a_save_under_way_when_the_team_server_goes_reaches_the_journal_when_it_is_back(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], team_database: TeamServer,
        pg_server: PgServer, tmp_path: Path) -> None:
    workspace = consoles[0]
    counted = CountingWire(emulator.transport())
    session = await _open(account, emulator, workspace, tmp_path, counted)
    journal = Journal(workspace, Author.here("Jane"))
    session.service.journal = journal.for_account(account.id, account.name, "square")
    await session.service.load()
    first, second, third = sorted(session.service.index, key=lambda c: c.id)[:3]
    await session.service.update(first, CustomerChanges(values={"company": "Before"}))
    await until(lambda: workspace._feed is not None and workspace._feed.listening.is_set(), what="listening")
    told: list[bool] = []
    workspace.team_connection.append(told.append)

    database = sql.Identifier(team_database.database)
    with pg_server.admin() as admin:   # the server goes away for this database...
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                      (team_database.database,))
    # ...as a save begins, before the console has heard: the provider takes it, the journal cannot yet.
    saved = await session.service.update(second, CustomerChanges(values={"company": "As it went"}))
    assert saved.company == "As it went"
    await until(lambda: told == [False], timeout=30, what="the console to notice")
    before = len(counted.methods)
    with pytest.raises(e.TeamWorkspaceAwayError):   # now the account is read-only until the server is back
        await session.service.update(third, CustomerChanges(values={"company": "While away"}))
    assert len(counted.methods) == before   # nothing sent

    with pg_server.admin() as admin:
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    await until(lambda: told == [False, True], timeout=30, what="the console to reconnect")

    async def journaled() -> list[str]:
        return [entry.customer_id or "" for entry in reversed(await journal.entries(JournalQuery(who="Jane")))]
    for _ in range(200):   # the replay is queued on the workspace's thread: read until it is in
        if await journaled() == [first.id, second.id]:
            break
    assert await journaled() == [first.id, second.id]   # complete, and in the order the saves were made
    assert (await journal.verify()).first_bad is None
    again = await session.service.update(third, CustomerChanges(values={"company": "Once back"}))
    assert again.company == "Once back"
    await session.aclose()


async def test_a_console_started_while_the_team_server_is_away_shows_its_last_copy_read_only_until_it_is_back(
        account: Account, emulator: SquareEmulator, consoles: list[LocalWorkspace], team_database: TeamServer,
        pg_server: PgServer, tmp_path: Path) -> None:
    workspace = consoles[0]
    session = await _open(account, emulator, workspace, tmp_path)
    await session.service.load()
    target, other = sorted(session.service.index, key=lambda c: c.id)[:2]
    seen = _follow(workspace, session)
    await until(lambda: workspace._feed is not None and workspace._feed.listening.is_set(), what="listening")
    await session.service.update(target, CustomerChanges(values={"company": "Kept here"}))
    await until(lambda: any(c is not None and c.ids is not None and target.id in c.ids for c in seen),
                what="the save's notice")
    assert workspace.cache is not None
    await asyncio.wrap_future(workspace.cache.follow(account.id))   # after every copy queued before it
    assert workspace.cache.path in workspace_files(workspace.path)   # Forget local data deletes it too
    await session.aclose()
    await workspace.close()

    database = sql.Identifier(team_database.database)
    with pg_server.admin() as admin:   # the server cannot be reached when the console starts again
        admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(database))
    again = LocalWorkspace(workspace.path, workspace.secrets, team_database)
    again.retry_delays = (0.05, 0.2)
    told: list[bool] = []
    again.team_connection.append(told.append)
    try:
        again.start()
        assert await again.ready() and again.cached and told == [False]
        counted = CountingWire(emulator.transport())
        reopened = await _open(account, emulator, again, tmp_path, counted)
        await reopened.service.load_local()
        assert len(reopened.service.index) == SEEDED   # the last copy, as it was
        kept = reopened.service.index.get(target.id)
        assert kept is not None and kept.company == "Kept here"
        before = len(counted.methods)
        with pytest.raises(e.TeamWorkspaceAwayError):
            await reopened.service.update(other, CustomerChanges(values={"company": "While away"}))
        assert len(counted.methods) == before   # nothing sent
        assert not Journal(again, Author.here("Tom")).available
        with pytest.raises(e.TeamWorkspaceAwayError):
            await JobStore(again, "Tom").create("A job", account.id, "square", [])
    finally:
        with pg_server.admin() as admin:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(database))
    try:
        await until(lambda: told == [False, True], timeout=30, what="the console to reconnect")
        assert not again.cached and again.team_connected
        saved = await reopened.service.update(other, CustomerChanges(values={"company": "Once back"}))
        assert saved.company == "Once back"
        await reopened.aclose()
    finally:
        await again.close()
