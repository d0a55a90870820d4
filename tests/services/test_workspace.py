"""The workspace database in use: an account loads from it, then refreshes from its provider into it.

Every test runs on a real encrypted SQLite file in the test's folder, with the production
`open_session` path on a demo emulator; those on the `workspace` fixture also run on a team workspace (a
database on the suite's PostgreSQL server), where the demo emulator stands in for a configured account.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from console.domain.changes import CustomerChanges
from console.domain.customer import Customer
from console.services import copy_reader, customer_loading, freed_memory, kept_columns, warm_start
from console.services.accounts import AccountSession, demo_accounts, open_session, save_account_changes
from console.services.context import AppContext
from console.services.customer_index import CustomerIndex
from console.services.demo import DemoSandbox
from console.services.diagnostics import build_report
from console.services.kept_documents import KeptDocuments
from console.services.local_data import forget_local_data, local_data
from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.settings import AccountSettings
from console.services.team_server import TEAM_PASSWORD
from console.services.workspace import AccountCopy, LocalWorkspace, workspace_files
from console.services.workspace_key import KEYCHAIN_NAME
from console.store import customers, documents, raw_read
from console.store.engine import open_workspace
from console.store.tables import accounts
from console.store.tables import customer_documents as documents_table
from tests.postgres import team_settings
from tests.support.service_context import service_context

SEEDED = 12


@pytest.fixture
def secrets() -> MemorySecrets:
    return MemorySecrets()


@pytest.fixture
def demo(tmp_path: Path) -> DemoSandbox:
    return DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": SEEDED})


@pytest.fixture(params=["sqlite", "postgresql"])
async def workspace(request: pytest.FixtureRequest, tmp_path: Path,
                    secrets: MemorySecrets) -> AsyncIterator[LocalWorkspace]:
    team = None
    if request.param == "postgresql":
        team = team_settings(request.getfixturevalue("pg_database")())
        secrets.set(TEAM_PASSWORD, "")
    opened = LocalWorkspace(tmp_path / "workspace.db", secrets, team)
    opened.start()
    assert await opened.ready(), opened.notice
    yield opened
    await opened.close()


@pytest.fixture
async def local_workspace(tmp_path: Path, secrets: MemorySecrets) -> AsyncIterator[LocalWorkspace]:
    """This computer's own workspace file (what Forget local data deletes, and what the start's copy reader reads
    straight through the SQLCipher driver; a team workspace's copy is read through the engine)."""
    opened = LocalWorkspace(tmp_path / "workspace.db", secrets)
    opened.start()
    assert await opened.ready()
    yield opened
    await opened.close()


async def _open(demo: DemoSandbox, workspace: LocalWorkspace | None) -> AccountSession:
    account = next(a for a in demo_accounts(demo) if a.info.key == "square")
    if workspace is not None and workspace.team is not None:
        # A team workspace keeps no demo account's copy: the same emulator under a configured account's id.
        account = replace(account, id="shop-square")
    return await open_session(account, secrets=MemorySecrets(), demo=demo, workspace=workspace)


async def _kept_copy(demo: DemoSandbox, workspace: LocalWorkspace) -> list[Customer]:
    """A first session's load kept in `workspace`, that session then closed: its customers in load order."""
    first = await _open(demo, workspace)
    await first.service.load()
    kept = list(first.service.index)
    await first.aclose()
    return kept


def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """A copy of SEEDED read as the first 5 whole, then 5 at a time (keys first where they serve)."""
    monkeypatch.setattr(copy_reader, "FIRST_BATCH", 5)
    monkeypatch.setattr(copy_reader, "BATCH", 5)


def _rewrite_documents(workspace: LocalWorkspace, update: sa.Update) -> None:
    """Run `update` (of customer_documents) on the workspace's file through an engine of its own."""
    assert workspace.key is not None
    engine = open_workspace(workspace.path, workspace.key.key)
    with engine.write() as connection:
        connection.execute(update)
    engine.close()


async def _kept(session: AccountSession) -> dict[str, str | None]:
    """Customer id -> email, as the workspace holds them for the session's account."""
    assert session.service.local is not None
    kept = await session.service.local.read()
    return {} if kept is None else {c.id: c.email for c in kept.customers}


async def test_an_account_loads_from_the_database_then_the_refresh_reconciles(
        demo: DemoSandbox, workspace: LocalWorkspace) -> None:
    first = await _open(demo, workspace)
    await first.service.load()
    before = {c.id: c.email for c in first.service.index}
    assert len(before) == SEEDED and await _kept(first) == before
    # Meanwhile, at the provider (not through this app): one added, one changed, one deleted.
    provider = first.provider
    changed_id, deleted_id = sorted(before)[:2]
    changed = await provider.get(changed_id)
    await provider.update(changed, CustomerChanges(values={"email": "changed@example.com"}))
    await provider.delete(await provider.get(deleted_id))
    added = await provider.create(CustomerChanges(values={"given_name": "Newly", "email": "new@example.com"}),
                                  idempotency_key="k-added")
    await first.aclose()
    if workspace.team is not None:   # a refresh that recent would be read from the team's copy, not made again
        await workspace._run(workspace._write, lambda c: c.execute(
            sa.update(accounts).values(data_as_of=datetime.now(UTC) - timedelta(minutes=5))))

    second = await _open(demo, workspace)
    events: list[tuple[list[int], list[int], list[int]]] = []
    second.service.index.subscribe(lambda a, c, r: events.append((list(a), list(c), list(r))))
    kept = await second.service.load_local()
    assert kept is not None and kept.data_as_of is not None
    assert {c.id: c.email for c in second.service.index} == before   # the local copy, before the provider answers
    events.clear()

    progress = await second.service.load()

    after = {c.id: c.email for c in second.service.index}
    assert after == {**{k: v for k, v in before.items() if k != deleted_id},
                     changed_id: "changed@example.com", added.id: "new@example.com"}
    assert progress.loaded == SEEDED and await _kept(second) == after
    index = second.service.index
    added_positions = [p for a, _c, _r in events for p in a]
    removed_positions = [p for _a, _c, r in events for p in r]
    assert [index.at(p).id for p in added_positions] == [added.id]      # only the new one is added…
    assert len(removed_positions) == 1                                    # …only the deleted one removed
    assert index.position(changed_id) is not None and index.get(changed_id).email == "changed@example.com"
    await second.aclose()


async def test_a_write_updates_the_stored_row_and_a_delete_removes_it(
        demo: DemoSandbox, workspace: LocalWorkspace) -> None:
    session = await _open(demo, workspace)
    await session.service.load()
    target, doomed = sorted(session.service.index, key=lambda c: c.id)[:2]

    await session.service.update(target, CustomerChanges(values={"email": "edited@example.com"}))
    await session.service.delete_many([doomed])

    kept = await _kept(session)   # read on the worker after the queued saves: they are in
    assert kept[target.id] == "edited@example.com"
    assert doomed.id not in kept and len(kept) == SEEDED - 1
    await session.aclose()


async def test_a_loaded_page_is_saved_once_the_window_has_had_it_and_an_edit_at_once(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    # A page's save shares Python's lock with the window taking the page in and painting it: it starts after.
    asked: list[tuple[float, float | None]] = []    # (when asked, not before)
    started: list[float] = []                      # when the page's statements began
    queue, store_save = AccountCopy.save_page, customers.save_page

    def save_page(self: AccountCopy, page: Any, *, not_before: float | None = None) -> Any:
        asked.append((time.monotonic(), not_before))
        return queue(self, page, not_before=not_before)

    def saving(*args: Any, **kwargs: Any) -> None:
        started.append(time.monotonic())
        store_save(*args, **kwargs)
    monkeypatch.setattr(AccountCopy, "save_page", save_page)
    monkeypatch.setattr(customers, "save_page", saving)
    session = await _open(demo, local_workspace)
    await session.service.load()
    (at, not_before), = asked
    assert not_before is not None and not_before - at >= customer_loading.PAGE_SAVE_AFTER_S * 0.99
    assert started[0] >= not_before
    await session.service.update(next(iter(session.service.index)), CustomerChanges(values={"email": "e@example.com"}))
    assert asked[1][1] is None   # a save of the user's own: not held back
    await session.aclose()


async def test_a_save_queued_after_a_held_back_page_still_comes_after_it(
        demo: DemoSandbox, local_workspace: LocalWorkspace) -> None:
    session = await _open(demo, local_workspace)
    await session.service.load()
    local = session.service.local
    assert local is not None
    customer = next(iter(session.service.index))
    # A load's page holding the customer as it was, held back; then the user's own save of the customer.
    page = local.save_page([replace(customer, email="listed@example.com")], not_before=time.monotonic() + 0.2)
    edit = local.save_page([replace(customer, email="edited@example.com")])
    await asyncio.wrap_future(edit)
    assert page.done()   # done first: the queue's order holds
    assert (await _kept(session))[customer.id] == "edited@example.com"
    await session.aclose()


async def test_removing_an_account_deletes_its_rows(tmp_path: Path) -> None:
    context: AppContext = service_context(tmp_path / "app")
    context.workspace.start()
    assert await context.workspace.ready()
    kept, gone = (AccountSettings(id=i, provider="square", name=i) for i in ("kept", "gone"))
    context.settings.accounts = [kept, gone]
    demo = DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": 3})
    session = await _open(demo, None)
    await session.service.load()
    page = list(session.service.index)
    await session.aclose()
    for account in (kept, gone):
        copy = context.workspace.for_account(account.id, "square")
        assert copy is not None
        copy.save_page(page)

    await save_account_changes(context, [kept], {})

    remaining = context.workspace.for_account("kept", "square")
    removed = context.workspace.for_account("gone", "square")
    assert remaining is not None and removed is not None
    assert (held := await remaining.read()) is not None and len(held.customers) == 3
    assert await removed.read() is None
    await context.workspace.close()


async def test_forget_local_data_deletes_the_database_and_its_key(
        tmp_path: Path, demo: DemoSandbox, local_workspace: LocalWorkspace, secrets: MemorySecrets) -> None:
    session = await _open(demo, local_workspace)
    await session.service.load()
    await session.aclose()
    old_key = secrets.get(KEYCHAIN_NAME)
    database = local_workspace.path
    assert old_key is not None and database in local_data(_paths(tmp_path)).workspace

    result = await forget_local_data(_paths(tmp_path), demo, local_workspace)

    assert database in result.deleted and result.failed == []
    # The local_workspace goes on, empty, under a new key: the old file could not be read with it anyway.
    assert local_workspace.is_open and secrets.get(KEYCHAIN_NAME) not in (None, old_key)
    again = await _open(demo, local_workspace)
    assert await again.service.load_local() is None
    await again.aclose()


async def test_keep_a_local_copy_off_deletes_the_database_and_keeps_nothing(
        demo: DemoSandbox, local_workspace: LocalWorkspace, secrets: MemorySecrets) -> None:
    session = await _open(demo, local_workspace)
    await session.service.load()
    assert workspace_files(local_workspace.path)

    session.service.keep_locally(None)
    await local_workspace.turn_off()

    assert workspace_files(local_workspace.path) == [] and secrets.get(KEYCHAIN_NAME) is None
    assert local_workspace.state == "off" and local_workspace.for_account("any", "square") is None
    await session.service.update(next(iter(session.service.index)),
                                 CustomerChanges(values={"email": "after@example.com"}))
    later = await _open(demo, local_workspace)
    assert later.service.local is None
    await later.service.load()
    assert later.service.index and workspace_files(local_workspace.path) == []
    await session.aclose()
    await later.aclose()


async def test_a_newer_versions_database_is_left_alone_and_the_app_runs_without_it(
        tmp_path: Path, demo: DemoSandbox, secrets: MemorySecrets) -> None:
    path = tmp_path / "workspace.db"
    first = LocalWorkspace(path, secrets)
    first.start()
    assert await first.ready() and first.key is not None
    key = first.key.key
    await first.close()
    newer = open_workspace(path, key)
    with newer.write() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    newer.close()
    before = path.read_bytes()

    workspace = LocalWorkspace(path, secrets)
    workspace.start()
    assert not await workspace.ready()

    assert workspace.state == "unavailable" and workspace.notice is not None
    assert "newer version" in workspace.notice and "without a local copy" in workspace.notice
    session = await _open(demo, workspace)
    assert session.service.local is None
    await session.service.load()
    assert len(session.service.index) == SEEDED and path.read_bytes() == before
    assert any("not in use" in line for line in workspace.describe())
    await session.aclose()
    await workspace.close()


async def test_diagnostics_says_where_the_database_and_its_key_are(tmp_path: Path) -> None:
    context = service_context(tmp_path / "app")
    context.workspace.start()
    assert await context.workspace.ready()
    report = build_report(context, log_lines=0)
    database = context.paths.workspace_database
    assert f"Local database: {database} (" in report and "MB); open" in report
    assert "Local database key: in the system keychain." in report
    await context.workspace.close()


def _paths(root: Path) -> AppPaths:
    """The app's paths with the data folder where the `workspace` fixture keeps its file."""
    return AppPaths(config_dir=root, data_dir=root, log_dir=root / "logs")


async def test_the_local_copy_arrives_in_batches_in_the_providers_order(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    first = await _open(demo, local_workspace)
    await first.service.load()
    listed = [c.id for c in first.service.index]
    await first.aclose()
    monkeypatch.setattr(copy_reader, "FIRST_BATCH", 5)
    monkeypatch.setattr(copy_reader, "BATCH", 5)
    decoded_on: set[str] = set()
    real_decode = documents.decode

    def decode(document: str) -> Customer:
        decoded_on.add(threading.current_thread().name)
        return real_decode(document)

    monkeypatch.setattr(documents, "decode", decode)

    second = await _open(demo, local_workspace)
    seen: list[tuple[int, int]] = []   # (batch size, customers in the index when told)
    with caplog.at_level(logging.DEBUG, logger=freed_memory.__name__):
        kept = await second.service.load_local(lambda n: seen.append((n, len(second.service.index))))
    # The reader's freed batches were handed back once it had finished (freed_memory.py, P8c).
    assert [r.msg for r in caplog.records if r.name == freed_memory.__name__] == [freed_memory.HANDED_BACK]
    # The index was made from the keys kept beside the documents: no customer was decoded, and the
    # copy holds the documents alone once read (the keys are the index's).
    assert decoded_on == set()
    assert kept is not None and all(type(item) is str for item in kept.customers._items)
    assert seen == [(5, 5), (5, 10), (2, 12)]   # each batch in the index as it was told
    assert kept is not None and [c.id for c in kept.customers] == listed
    assert [c.id for c in second.service.index] == listed
    await second.aclose()


async def test_rows_kept_without_usable_keys_are_decoded_on_the_reading_thread(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.store.tables import customer_documents

    first = await _open(demo, local_workspace)
    await first.service.load()
    loaded = list(first.service.index)
    await first.aclose()
    # Half saved before revision 0009 (no keys), half with keys another setup of the index made.
    ids = sorted(c.id for c in loaded)
    documents_c = customer_documents.c

    def forget_keys(connection: sa.Connection) -> None:
        connection.execute(sa.update(customer_documents).where(documents_c.customer_id.in_(ids[::2]))
                           .values(row_keys=None))
        connection.execute(sa.update(customer_documents).where(documents_c.customer_id.in_(ids[1::2]))
                           .values(row_keys=sa.func.replace(documents_c.row_keys, "k", "x")))
    await local_workspace._run(local_workspace._write, forget_keys)
    decoded_on: list[str] = []
    real_decode = documents.decode

    def decode(document: str) -> Customer:
        decoded_on.append(threading.current_thread().name)
        return real_decode(document)

    monkeypatch.setattr(documents, "decode", decode)
    monkeypatch.setattr(customer_loading, "DECODED_PER_TURN", 5)
    second = await _open(demo, local_workspace)
    told: list[int] = []
    assert await second.service.load_local(told.append) is not None
    assert len(decoded_on) == SEEDED and all(name.startswith("console-copy-reader") for name in decoded_on)
    assert told == [5, 5, 2]   # decoded customers reach the index a few at a time, the loop running between
    assert list(second.service.index) == loaded
    await second.aclose()


async def test_a_read_given_up_stops_the_worker_and_the_workspace_carries_on(
        demo: DemoSandbox, workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.store import customers

    first = await _open(demo, workspace)
    await first.service.load()
    await first.aclose()
    monkeypatch.setattr(customers, "STORED_BATCH", 1)
    second = await _open(demo, workspace)
    local = second.service.local
    assert local is not None

    class GaveUp(Exception):
        pass

    async def give_up(_batch: list[object]) -> None:
        raise GaveUp   # as a cancelled load does, after the first batch

    with pytest.raises(GaveUp):
        await local.read(give_up)
    # The worker was not left waiting for the batches nobody takes: the next call runs.
    kept = await local.read()
    assert kept is not None and len(kept.customers) == SEEDED
    await second.aclose()


async def test_a_copy_that_fails_part_way_leaves_nothing_behind_and_the_full_scan_runs(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:

    await _kept_copy(demo, local_workspace)
    _small_batches(monkeypatch)

    def damaged(*_args: Any) -> Any:
        raise ValueError("a damaged row")

    # The second batch's keys (read alone, after the first batch whole), then, another time, the
    # documents that follow every batch's keys.
    for where, name in ((kept_columns, "joined_columns"), (raw_read, "documents_after")):
        monkeypatch.setattr(where, name, damaged)
        second = await _open(demo, local_workspace)
        told: list[int] = []
        assert await second.service.load_local(told.append) is None
        assert told[0] == 5                     # the first batch was shown…
        assert len(second.service.index) == 0   # …and taken back, so the refresh is a full scan
        if name == "documents_after":
            assert sum(told) == SEEDED          # every row was searchable before the documents failed
        monkeypatch.undo()
        _small_batches(monkeypatch)
        progress = await second.service.load()
        assert progress.loaded == SEEDED and len(second.service.index) == SEEDED
        await second.aclose()


async def test_a_copy_is_searchable_from_its_keys_then_its_documents_come_and_rows_asked_for_meanwhile_are_read(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {c.id: c for c in await _kept_copy(demo, local_workspace)}
    # One row without keys: its batch is read whole.
    _rewrite_documents(local_workspace, sa.update(documents_table).where(
        documents_table.c.customer_id == list(expected)[11]).values(row_keys=None))
    _small_batches(monkeypatch)
    second = await _open(demo, local_workspace)
    index = second.service.index
    seen: list[tuple[int, int]] = []

    def shown(count: int) -> None:
        seen.append((count, index.unread))
        if index.unread:   # a row whose document has not come: read on demand, as a painted row is
            # …on a connection opened already, on a worker thread (not by this read on the event loop's).
            assert isinstance(index.document_source, KeptDocuments) and index.document_source._connection
            position = next(p for p in index.alive() if index._customers[p] == "")
            assert index.at(position) == expected[index.id_at(position)]

    searchable: list[tuple[int, int]] = []
    kept = await second.service.load_local(shown, lambda count: searchable.append((count, index.unread)))
    assert kept is not None and len(kept.customers) == SEEDED
    # The first 5 whole, the next 5 keys alone (searchable, documents to come), the last 2 whole (a row
    # without keys); then the documents. Searchable was told before they came.
    assert seen == [(5, 0), (5, 5), (2, 4)] and searchable == [(SEEDED, 3)]   # (one more read when shown)
    assert index.unread == 0 and index.document_source is None and not index._unparsed
    assert {c.id: c for c in index} == expected
    await second.aclose()


async def test_a_load_cancelled_while_documents_are_to_come_stops_its_reader_and_takes_its_rows_back(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    await _kept_copy(demo, local_workspace)
    _small_batches(monkeypatch)
    second = await _open(demo, local_workspace)
    index = second.service.index
    assert second.service.local is not None and local_workspace.key is not None
    reader = copy_reader.CopyReader(local_workspace.path, local_workspace.key.key, second.service.local.account_id,
                                    index.keys_tag)
    monkeypatch.setattr(warm_start, "_prefetched", reader)   # so the test holds the reader the load uses
    unread = asyncio.Event()
    task = asyncio.ensure_future(second.service.load_local(lambda _count: index.unread and unread.set()))
    await unread.wait()   # searchable rows whose documents have not come
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.to_thread(reader._thread.join, 10)
    assert not reader._thread.is_alive()
    assert len(index) == 0 and index.unread == 0 and index.document_source is None
    await second.aclose()


@pytest.mark.parametrize("setup", ["the index's", "another"])
async def test_a_starts_reader_guessing_the_keys_setup_reads_keys_first_or_decodes_what_another_made(
        setup: str, demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {c.id: c for c in await _kept_copy(demo, local_workspace)}
    second = await _open(demo, local_workspace)
    if setup == "another":   # well-formed keys of another setup (fields the provider no longer has, say)
        _rewrite_documents(local_workspace, sa.update(documents_table).values(
            row_keys=sa.func.replace(documents_table.c.row_keys, second.service.index.keys_tag, "k1.0badcafe")))
    _small_batches(monkeypatch)
    assert second.service.local is not None and local_workspace.key is not None
    # As warm_start.begin makes it at start-up: before the index (and its keys' setup) is known.
    monkeypatch.setattr(warm_start, "_prefetched", copy_reader.CopyReader(
        local_workspace.path, local_workspace.key.key, second.service.local.account_id, keys_tag=None, ahead=None))
    index = second.service.index
    searchable: list[tuple[int, int]] = []
    kept = await second.service.load_local(None, lambda count: searchable.append((count, index.unread)))
    assert kept is not None and len(kept.customers) == SEEDED
    assert warm_start._prefetched is None   # the start's reader was the one used
    # Keys first where they are the index's; otherwise searchable once every row is decoded.
    assert searchable == ([(SEEDED, SEEDED - 5)] if setup == "the index's" else [(SEEDED, 0)])
    assert index.unread == 0 and {c.id: c for c in index} == expected
    for query in ("a", "example", "555"):
        fresh = CustomerIndex.for_capabilities(second.service.provider.capabilities)
        fresh.upsert(list(expected.values()))
        assert [index.id_at(p) for p in index.matching(query)] == [fresh.id_at(p) for p in fresh.matching(query)]
    await second.aclose()


async def test_a_workspace_started_later_opens_when_asked_and_settled_waits_without_asking(tmp_path: Path) -> None:
    workspace = LocalWorkspace(tmp_path / "workspace.db", MemorySecrets(warning="no keychain"))
    workspace.start_later()
    waiting = asyncio.get_running_loop().create_task(workspace.settled())
    for _ in range(5):
        await asyncio.sleep(0)
    assert not waiting.done() and workspace.state == "off"   # nothing asked for it yet
    early = workspace.before_opening("shop-1", "square")
    assert early is not None and workspace.for_account("shop-1", "square") is None
    assert await workspace.ready()   # asks: opens now
    assert await waiting and not workspace.deferred
    # The part handed out before the opening works once it is open.
    refresh = await early.begin_refresh()
    await early.complete_refresh(refresh, full=True)
    await workspace.close()


async def test_anything_sent_to_a_workspace_started_later_opens_it_first(tmp_path: Path) -> None:
    workspace = LocalWorkspace(tmp_path / "workspace.db", MemorySecrets(warning="no keychain"))
    workspace.start_later()
    copy = workspace.before_opening("shop-1", "square")
    assert copy is not None
    refresh = await copy.begin_refresh()   # queued after the opening it asked for
    assert workspace.is_open
    await copy.complete_refresh(refresh, full=True)
    await workspace.close()


async def test_a_keys_first_read_nobody_takes_stops_and_lets_its_transaction_go(
        demo: DemoSandbox, local_workspace: LocalWorkspace, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.services.copy_reader")
    await _kept_copy(demo, local_workspace)
    _small_batches(monkeypatch)
    monkeypatch.setattr(copy_reader, "UNTAKEN_S", 0.2)
    assert local_workspace.key is not None
    # As a start's reader for an account the window never opened (and nothing discarded).
    reader = copy_reader.CopyReader(local_workspace.path, local_workspace.key.key, "demo:square", keys_tag=None,
                                    ahead=None)
    await asyncio.to_thread(reader._thread.join, 10)
    assert not reader._thread.is_alive()
    read = [r.args for r in caplog.records if r.msg == copy_reader.LOCAL_COPY_KEYS_READ]
    assert read and read[0][:2] == ("demo:square", SEEDED)   # it had read every row's keys, then waited
