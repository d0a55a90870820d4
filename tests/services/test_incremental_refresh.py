"""The incremental refresh service against every provider's emulator and a real encrypted workspace."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from console.domain.changes import CustomerChanges
from console.domain.errors import ConsoleError
from console.providers.base import CustomerProvider
from console.services.incremental_refresh import PageApplied, RefreshChanges, incremental_refresh
from console.store import accounts, customers
from console.store.engine import Workspace, open_workspace
from console.store.keys import new_key
from tests.services.conftest import OpenDemo

T = TypeVar("T")
KEYS = ["square", "digital-river", "authorize-net", "clover", "payarc"]
COUNT = 30
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    opened = open_workspace(tmp_path / "workspace.db", new_key())
    yield opened
    opened.close()


class Runner:
    """Calls the work directly; `before_each` runs before each call after the first (a test's hook)."""

    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.calls = 0
        self.before_each: Callable[[int], Any] | None = None

    async def __call__(self, work: Callable[[Workspace], T], /) -> T:
        if self.before_each is not None and self.calls:
            outcome = self.before_each(self.calls)
            if hasattr(outcome, "__await__"):
                await outcome
        self.calls += 1
        return work(self.workspace)


def _clock(minutes: int) -> Callable[[], datetime]:
    return lambda: T0 + timedelta(minutes=minutes)


async def _refresh(provider: CustomerProvider, key: str, workspace: Workspace, minutes: int,
                   runner: Runner | None = None, on_page: Callable[[PageApplied], None] | None = None
                   ) -> RefreshChanges:
    return await incremental_refresh(provider, f"{key}-demo", key, runner or Runner(workspace),
                                     clock=_clock(minutes), on_page=on_page)


def _stored(workspace: Workspace, key: str) -> dict[str, Any]:
    with workspace.read() as connection:
        return {c.id: c for c in customers.customers_of(connection, f"{key}-demo")}


def _last_seen(workspace: Workspace, key: str) -> dict[str, datetime]:
    from console.store.tables import customers as table
    with workspace.read() as connection:
        rows = connection.execute(table.select().where(table.c.account_id == f"{key}-demo")).mappings()
        return {row["customer_id"]: row["last_seen"] for row in rows}


@pytest.mark.parametrize("key", KEYS)
async def test_created_updated_and_deleted_reach_the_workspace_and_nothing_else_is_written(
        key: str, open_demo: OpenDemo, workspace: Workspace) -> None:
    demo = await open_demo(key, customers=COUNT)
    provider = demo.session.provider
    first = await _refresh(provider, key, workspace, 0)
    assert first.complete and first.error is None and len(first.added) == COUNT
    assert first.updated == first.removed == []
    held = _stored(workspace, key)
    assert len(held) == COUNT
    seen_before = _last_seen(workspace, key)

    ids = sorted(held)
    created = await provider.create(CustomerChanges(values={"email": "new.person@example.com",
                                                           "given_name": "New"}), idempotency_key="k-new")
    # Clover changes emails through their own items; its name is a plain field.
    field, value = ("given_name", "Edited") if key == "clover" else ("email", "edited@example.com")
    edited = await provider.update(await provider.get(ids[1]), CustomerChanges(values={field: value}))
    await provider.delete(await provider.get(ids[2]))

    told: list[PageApplied] = []
    second = await _refresh(provider, key, workspace, 10, on_page=told.append)

    assert second.complete and second.error is None and second.failures == []
    assert second.added == [created.id]
    assert second.removed == [ids[2]]
    held = _stored(workspace, key)
    # The window is told each committed page, with the customers as written.
    told_saved = {c.id: c for page in told for c in page.saved}
    assert told_saved == {i: held[i] for i in second.added + second.updated}
    assert [i for page in told for i in page.removed] == second.removed
    assert created.id in held and ids[2] not in held
    if provider.changes_include_edits:
        assert second.updated == [edited.id] and held[edited.id].value(field) == value
    else:  # Authorize.net: no updated time, so an edit waits for a full refresh
        assert second.updated == [] and held[edited.id].value(field) != value
    # Rows whose content did not change were not written: their last_seen is the first refresh's.
    seen_after = _last_seen(workspace, key)
    untouched = set(ids) - {ids[1], ids[2]}
    assert all(seen_after[i] == seen_before[i] for i in untouched)
    with workspace.read() as connection:
        assert accounts.data_as_of(connection, f"{key}-demo") == T0 + timedelta(minutes=10)

    third = await _refresh(provider, key, workspace, 20)
    assert (third.added, third.updated, third.removed) == ([], [], [])


@pytest.mark.parametrize("key", ["square", "digital-river"])
async def test_a_quiet_account_with_a_query_is_asked_little(key: str, open_demo: OpenDemo,
                                                            workspace: Workspace) -> None:
    demo = await open_demo(key, customers=COUNT)
    await _refresh(demo.session.provider, key, workspace, 0)
    demo.wire.methods.clear()
    result = await _refresh(demo.session.provider, key, workspace, 5)
    assert result.complete and (result.added, result.updated, result.removed) == ([], [], [])
    assert result.unchanged <= COUNT // 3   # only what the overlap window read again (and the ids asked after)
    # Square: one search and one bulk-retrieve of 30 ids; Digital River: one list page and one page of events.
    assert len(demo.wire.methods) == 2


async def test_an_edit_saved_while_the_refresh_runs_is_not_overwritten(open_demo: OpenDemo,
                                                                       workspace: Workspace) -> None:
    demo = await open_demo("square", customers=COUNT)
    provider = demo.session.provider
    await _refresh(provider, "square", workspace, 0)
    target = sorted(_stored(workspace, "square"))[0]
    older = await provider.update(await provider.get(target), CustomerChanges(values={"note": "first"}))
    runner = Runner(workspace)

    async def edit_meanwhile(call: int) -> None:
        # After the refresh has read its page (holding "first"), the app saves a newer edit.
        if call == 1:
            newer = await provider.update(older, CustomerChanges(values={"note": "second"}))
            with workspace.write() as connection:
                customers.save_page(connection, "square-demo", [newer], T0)

    runner.before_each = edit_meanwhile
    result = await _refresh(provider, "square", workspace, 5, runner)
    assert result.complete and target not in result.updated
    assert _stored(workspace, "square")[target].note == "second"


async def test_a_refresh_that_fails_keeps_its_pages_and_the_old_cursor(open_demo: OpenDemo,
                                                                       workspace: Workspace) -> None:
    demo = await open_demo("square", customers=COUNT)
    provider = demo.session.provider
    await _refresh(provider, "square", workspace, 0)
    with workspace.read() as connection:
        before = accounts.refresh_state(connection, "square-demo")
    assert before is not None and isinstance(before.cursor, str)
    ids = sorted(_stored(workspace, "square"))
    await provider.update(await provider.get(ids[0]), CustomerChanges(values={"note": "kept"}))
    await provider.delete(await provider.get(ids[3]))
    # Square fails every bulk-retrieve (asking after the known ids); the search works.
    demo.wire.inner = FailingPath(demo.wire.inner, "/v2/customers/bulk-retrieve")

    failed = await _refresh(provider, "square", workspace, 5)
    assert not failed.complete and isinstance(failed.error, ConsoleError)
    assert failed.updated == [ids[0]] and failed.removed == []
    with workspace.read() as connection:
        after = accounts.refresh_state(connection, "square-demo")
    assert after is not None and (after.cursor, after.data_as_of) == (before.cursor, before.data_as_of)

    demo.wire.inner = demo.wire.inner.inner
    retried = await _refresh(provider, "square", workspace, 10)
    assert retried.complete and retried.removed == [ids[3]]
    assert _stored(workspace, "square")[ids[0]].note == "kept"


class FailingPath(httpx.AsyncBaseTransport):
    """Answers 500 to every request for one path; passes the rest on."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str) -> None:
        self.inner = inner
        self.path = path

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == self.path:
            return httpx.Response(500, json={"errors": [{"category": "API_ERROR", "code": "INTERNAL_SERVER_ERROR"}]})
        return await self.inner.handle_async_request(request)
