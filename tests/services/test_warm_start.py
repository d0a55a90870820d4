"""At start the last account's local copy is read before the window asks for it, and the load takes that
read rather than reading the copy again."""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

import pytest

from console.services import copy_reader, customer_loading, warm_start
from console.services.accounts import AccountSession, demo_accounts, open_session
from console.services.demo import DemoSandbox
from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.settings import SettingsStore
from console.services.start_snapshot import last_local_account
from console.services.team_server import TeamServer
from console.services.workspace import LocalWorkspace

SEEDED = 12


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(config_dir=tmp_path, data_dir=tmp_path, log_dir=tmp_path / "logs")


@pytest.fixture
def demo(tmp_path: Path) -> DemoSandbox:
    return DemoSandbox(tmp_path / "demo", latency_ms=0, customers={"square": SEEDED})


async def _session(demo: DemoSandbox, workspace: LocalWorkspace) -> AccountSession:
    account = next(a for a in demo_accounts(demo) if a.info.key == "square")
    return await open_session(account, secrets=MemorySecrets(), demo=demo, workspace=workspace)


async def _workspace(paths: AppPaths) -> LocalWorkspace:
    # Without a keychain the key is in the key file beside the database, where the start reads it.
    workspace = LocalWorkspace(paths.workspace_database, MemorySecrets(warning="no keychain"))
    workspace.start()
    assert await workspace.ready()
    return workspace


def _last_account(paths: AppPaths, account_id: str, **settings: Any) -> None:
    store = SettingsStore(paths.settings_file)
    saved = store.load().settings
    saved.last_account_id = account_id
    for name, value in settings.items():
        setattr(saved, name, value)
    store.save(saved)


async def _kept_then_started(demo: DemoSandbox, paths: AppPaths, last: str) -> tuple[LocalWorkspace, list[str]]:
    """The Square demo's copy kept in the workspace, then a start with `last` the last account: the
    workspace, and the ids the copy lists."""
    workspace = await _workspace(paths)
    first = await _session(demo, workspace)
    await first.service.load()
    listed = [c.id for c in first.service.index]
    await first.aclose()
    _last_account(paths, last)
    warm_start.begin(paths)
    return workspace, listed


async def test_the_load_takes_the_copy_read_at_start(
        demo: DemoSandbox, paths: AppPaths, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="console.services.copy_reader")
    workspace, listed = await _kept_then_started(demo, paths, "demo:square")
    assert warm_start._prefetched is not None

    def read_again(*_: Any) -> None:
        raise AssertionError("the copy was read a second time")

    monkeypatch.setattr(customer_loading, "CopyReader", read_again)
    second = await _session(demo, workspace)
    told: list[int] = []
    kept = await second.service.load_local(told.append)
    assert kept is not None and [c.id for c in kept.customers] == listed
    assert [c.id for c in second.service.index] == listed and sum(told) == SEEDED
    assert warm_start._prefetched is None   # taken once
    # Read by the reader begun at start (not the workspace's own read, had that reader not served).
    assert [r.args[:2] for r in caplog.records if r.msg == copy_reader.LOCAL_COPY_READ] == [("demo:square", SEEDED)]
    await second.aclose()
    await workspace.close()


async def test_a_copy_read_for_another_account_is_dropped_and_the_load_reads_its_own(
        demo: DemoSandbox, paths: AppPaths) -> None:
    workspace, _ = await _kept_then_started(demo, paths, "demo:clover")
    prefetched = warm_start._prefetched
    assert prefetched is not None
    second = await _session(demo, workspace)
    kept = await second.service.load_local()
    assert kept is not None and len(kept.customers) == SEEDED
    assert warm_start._prefetched is None and prefetched._stop.is_set()
    await second.aclose()
    await workspace.close()


def test_nothing_is_read_at_start_without_a_local_copy_in_the_file(paths: AppPaths, demo: DemoSandbox) -> None:
    assert last_local_account(paths.settings_file) is None   # no settings yet
    _last_account(paths, "demo:square")
    assert last_local_account(paths.settings_file) == "demo:square"
    _last_account(paths, "demo:square", keep_local_copy=False)
    assert last_local_account(paths.settings_file) is None
    team = TeamServer(host="db.example.com", database="console", user="staff")
    _last_account(paths, "demo:square", keep_local_copy=True, team=team)
    assert last_local_account(paths.settings_file) is None   # the team's server, not the file
    paths.settings_file.write_text("{not json", encoding="utf-8")
    assert last_local_account(paths.settings_file) is None
    warm_start.begin(paths)
    assert warm_start._prefetched is None
    warm_start.discard()


async def test_a_reader_that_fails_before_its_first_batch_leaves_the_copy_to_the_workspaces_read(
        demo: DemoSandbox, paths: AppPaths, monkeypatch: pytest.MonkeyPatch) -> None:
    from console.store import raw_read

    workspace = await _workspace(paths)
    first = await _session(demo, workspace)
    await first.service.load()
    listed = [c.id for c in first.service.index]
    await first.aclose()

    def broken(*_: Any) -> None:
        raise OSError("a disk error")

    monkeypatch.setattr(raw_read, "account_state", broken)
    second = await _session(demo, workspace)
    kept = await second.service.load_local()
    assert kept is not None and [c.id for c in kept.customers] == listed   # read by the workspace's worker
    await second.aclose()
    await workspace.close()


async def test_what_the_reader_made_is_out_of_the_collectors_sight_once_it_is_done(
        demo: DemoSandbox, paths: AppPaths) -> None:
    # The reader runs with the collector paused, at a warm start beside the app's imports; what it made then
    # lives on, and the collector's first passes after the pause walked it all (50-100 ms each: P9).
    workspace, _ = await _kept_then_started(demo, paths, "demo:square")
    reader = warm_start._prefetched
    assert reader is not None and await reader.kept() is not None
    batches = [batch async for batch in reader.batches()]
    assert batches
    tracked = set(map(id, gc.get_objects()))   # what a collection walks; frozen objects are not listed
    assert tracked.isdisjoint(map(id, batches))
    warm_start._prefetched = None
    await workspace.close()
