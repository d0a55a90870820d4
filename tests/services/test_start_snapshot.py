"""The start snapshot: kept in the encrypted workspace database per account, read at the next start
through the driver (on a thread of its own where it may wait for the keychain), and anything odd read
as "none"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from console.services.paths import AppPaths
from console.services.secrets import MemorySecrets
from console.services.settings import SettingsStore
from console.services.start_snapshot import (
    LEGACY_FILE_NAME,
    MAX_ROWS,
    SnapshotRead,
    StartSnapshot,
    decode_snapshot,
    encode_snapshot,
    read_kept_snapshot,
    start_view_file,
)
from console.services.team_server import TEAM_PASSWORD
from console.services.workspace import LocalWorkspace
from tests.postgres import team_settings


def _snapshot(rows: int = 2, account_id: str = "demo:square") -> StartSnapshot:
    return StartSnapshot(account_id=account_id, account_label="Square (Demo)  [DEMO]",
                         account_name="Square (Demo)", environment="demo", geometry="",
                         columns=("Name", "Email"), header_state="AAAA",
                         rows=tuple((f"Customer {i}", f"c{i}@example.com") for i in range(rows)))


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    """An app's folders whose settings name the Square demo as the last account, with no workspace yet."""
    paths = AppPaths.resolve(tmp_path / "app")
    store = SettingsStore(paths.settings_file)
    settings = store.load().settings
    settings.last_account_id = "demo:square"
    store.save(settings)
    return paths


async def _kept(paths: AppPaths, *views: StartSnapshot) -> LocalWorkspace:
    """A workspace (its key in the file beside it, as without a keychain) keeping `views`, written."""
    workspace = LocalWorkspace(paths.workspace_database, MemorySecrets(warning="no keychain"))
    workspace.start()
    assert await workspace.ready()
    for view in views:
        assert workspace.keep_start_view(view.account_id, encode_snapshot(view))
    await workspace.start_views()   # after the queued writes, on the same thread
    return workspace


def test_a_snapshot_reads_back_the_same_with_no_more_rows_than_a_screen_needs() -> None:
    assert decode_snapshot(encode_snapshot(_snapshot())) == _snapshot()
    long = decode_snapshot(encode_snapshot(_snapshot(rows=MAX_ROWS + 50)))
    assert long is not None and len(long.rows) == MAX_ROWS


def test_a_card_number_is_never_kept() -> None:
    text = encode_snapshot(StartSnapshot(
        account_id="a", account_label="A", account_name="A", environment="demo", geometry="",
        columns=("Name", "Note"), header_state="", rows=(("Ann", "paid with 4111-1111-1111-1111"),)))
    assert "4111-1111" not in text and "[CARD …1111]" in text


@pytest.mark.parametrize("content", ["", "{ not json", "[]", json.dumps({"schema": 99}),
                                     json.dumps({"schema": 1, "account_id": "x"})])
def test_an_unusable_text_means_no_snapshot(content: str) -> None:
    assert decode_snapshot(content) is None


def test_rows_that_do_not_fit_the_columns_mean_no_snapshot() -> None:
    data = json.loads(encode_snapshot(_snapshot()))
    data["rows"][1] = ["only one cell"]
    assert decode_snapshot(json.dumps(data)) is None


async def test_the_last_accounts_view_is_read_from_the_encrypted_database(paths: AppPaths) -> None:
    workspace = await _kept(paths, _snapshot(account_id="demo:clover"), _snapshot(rows=30))
    try:
        assert read_kept_snapshot(paths) == _snapshot(rows=30)   # the settings' last account's, not another's
        assert SnapshotRead(paths).result(timeout=10) == _snapshot(rows=30)
        # Encrypted at rest, as the customers are: no name in the file.
        assert b"Customer 1" not in paths.workspace_database.read_bytes()
    finally:
        await workspace.close()


async def test_with_the_key_in_its_file_the_view_is_read_at_once(paths: AppPaths) -> None:
    # Nothing to wait for (no keychain): read on the start's own thread, not beside its imports.
    workspace = await _kept(paths, _snapshot())
    try:
        assert paths.workspace_database.with_name("workspace.key").is_file()
        assert SnapshotRead(paths).result(timeout=0) == _snapshot()
    finally:
        await workspace.close()


async def test_no_view_no_key_or_no_local_copy_means_no_snapshot(paths: AppPaths) -> None:
    assert read_kept_snapshot(paths) is None   # no database yet
    workspace = await _kept(paths, _snapshot(account_id="demo:clover"))
    try:
        assert read_kept_snapshot(paths) is None   # only another account's view
        workspace.keep_start_view("demo:square", encode_snapshot(_snapshot()))
        await workspace.start_views()
        store = SettingsStore(paths.settings_file)
        settings = store.load().settings
        settings.keep_local_copy = False   # a shared computer: nothing is shown from the file
        store.save(settings)
        assert read_kept_snapshot(paths) is None
        settings.keep_local_copy = True
        store.save(settings)
        assert read_kept_snapshot(paths) == _snapshot()
        (paths.workspace_database.with_name("workspace.key")).unlink()
        assert read_kept_snapshot(paths) is None   # the key is gone: the opening rebuilds, the start shows nothing
    finally:
        await workspace.close()


async def test_removing_the_account_forgets_its_view(paths: AppPaths) -> None:
    workspace = await _kept(paths, _snapshot())
    try:
        assert await workspace.delete_account("demo:square") == 0
        assert await workspace.start_views() == {}
        assert read_kept_snapshot(paths) is None
    finally:
        await workspace.close()


async def test_the_plain_file_of_earlier_versions_is_deleted_at_the_start(paths: AppPaths) -> None:
    legacy = paths.data_dir / LEGACY_FILE_NAME
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text(json.dumps({"schema": 1, **json.loads(encode_snapshot(_snapshot()))}), encoding="utf-8")
    assert SnapshotRead(paths).result(timeout=10) is None   # never shown: it is not the database's
    assert not legacy.exists()


async def test_a_team_workspace_keeps_its_start_views_in_its_copy_here(paths: AppPaths, team_url: sa.URL) -> None:
    # The team database is shared with other consoles; the start reads this computer's copy of it.
    from console.store.start_views import read_views

    store = SettingsStore(paths.settings_file)
    settings = store.load().settings
    settings.team = team_settings(team_url)
    settings.last_account_id = "shop-1"
    store.save(settings)
    secrets = MemorySecrets(warning="no keychain")
    secrets.set(TEAM_PASSWORD, "")
    workspace = LocalWorkspace(paths.workspace_database, secrets, settings.team)
    workspace.start()
    assert await workspace.ready()
    try:
        assert workspace.keep_start_view("shop-1", encode_snapshot(_snapshot(account_id="shop-1")))
        assert not workspace.keep_start_view("demo:square", encode_snapshot(_snapshot()))   # not kept in team mode
        assert list(await workspace.start_views()) == ["shop-1"]
        assert await workspace._run(workspace._read, read_views) == {}   # nothing in the shared database
        assert SnapshotRead(paths).result(timeout=10) == _snapshot(account_id="shop-1")
        assert await workspace.forget_start_views(["shop-1"]) == 1
        assert read_kept_snapshot(paths) is None
        workspace.keep_start_view("shop-1", encode_snapshot(_snapshot(account_id="shop-1")))
        await workspace.delete_account("shop-1")   # removed: its view goes from the copy here too
        assert await workspace.start_views() == {}
    finally:
        await workspace.close()


@pytest.mark.parametrize("team", [{"host": "db", "database": "shop"}, {"user": "ann", "host": "db", "database": "shop",
                                                                         "port": "5432"}, ["db"]])
def test_a_team_connection_that_cannot_be_read_means_no_snapshot(paths: AppPaths, team: object) -> None:
    raw = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    paths.settings_file.write_text(json.dumps({**raw, "team": team}), encoding="utf-8")
    assert start_view_file(paths) is None


def test_the_team_copys_file_is_the_one_the_workspace_opens(paths: AppPaths) -> None:
    from console.services.team_cache import cache_path
    from console.services.team_server import TeamServer

    team = TeamServer(host="db.example.org", database="shop", user="ann")
    raw = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    paths.settings_file.write_text(json.dumps({**raw, "team": team.model_dump()}), encoding="utf-8")
    assert start_view_file(paths) == ("demo:square", cache_path(paths.workspace_database, team))
