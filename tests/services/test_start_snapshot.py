"""The start snapshot: written atomically for the user alone, and anything odd read as "none"."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from console.services.start_snapshot import (
    MAX_ROWS,
    StartSnapshot,
    forget_snapshot,
    read_snapshot,
    snapshot_path,
    write_snapshot,
)


def _snapshot(rows: int = 2) -> StartSnapshot:
    return StartSnapshot(account_id="demo:square", account_label="Square (Demo)  [DEMO]",
                         account_name="Square (Demo)", environment="demo", geometry="",
                         columns=("Name", "Email"), header_state="AAAA",
                         rows=tuple((f"Customer {i}", f"c{i}@example.com") for i in range(rows)))


def test_a_written_snapshot_reads_back_the_same(tmp_path: Path) -> None:
    write_snapshot(tmp_path, _snapshot())
    assert read_snapshot(tmp_path) == _snapshot()


def test_no_more_rows_than_a_screen_needs_are_kept(tmp_path: Path) -> None:
    write_snapshot(tmp_path, _snapshot(rows=MAX_ROWS + 50))
    snapshot = read_snapshot(tmp_path)
    assert snapshot is not None and len(snapshot.rows) == MAX_ROWS


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_the_file_is_readable_by_the_user_alone(tmp_path: Path) -> None:
    write_snapshot(tmp_path, _snapshot())
    assert os.stat(snapshot_path(tmp_path)).st_mode & 0o077 == 0


@pytest.mark.parametrize("content", [
    "",
    "{ not json",
    "[]",
    json.dumps({"schema": 99}),
    json.dumps({"schema": 1, "account_id": "x"}),
])
def test_an_unusable_file_means_no_snapshot(tmp_path: Path, content: str) -> None:
    snapshot_path(tmp_path).write_text(content, encoding="utf-8")
    assert read_snapshot(tmp_path) is None


def test_rows_that_do_not_fit_the_columns_mean_no_snapshot(tmp_path: Path) -> None:
    write_snapshot(tmp_path, _snapshot())
    data = json.loads(snapshot_path(tmp_path).read_text(encoding="utf-8"))
    data["rows"][1] = ["only one cell"]
    snapshot_path(tmp_path).write_text(json.dumps(data), encoding="utf-8")
    assert read_snapshot(tmp_path) is None


def test_forgetting_removes_it_and_a_missing_file_is_fine(tmp_path: Path) -> None:
    assert read_snapshot(tmp_path) is None
    write_snapshot(tmp_path, _snapshot())
    forget_snapshot(tmp_path)
    assert read_snapshot(tmp_path) is None
    forget_snapshot(tmp_path)


def test_the_snapshot_is_written_without_waiting_for_the_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Written on the event loop as a load ends, where a slow disk's fsync stalls the window; the settings are
    # still written durably.
    from console.services.atomic_file import write_atomic

    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    write_snapshot(tmp_path, _snapshot())
    assert synced == [] and read_snapshot(tmp_path) == _snapshot()
    write_atomic(tmp_path / "settings.json", "{}")
    assert len(synced) == 1
