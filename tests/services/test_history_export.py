"""History's CSV export: every entry the query matches, across pages, newest first, readable by a
spreadsheet (UTF-8 with a BOM) and with no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import asyncio
import csv
import io
import os
from pathlib import Path

import pytest

from console.domain.journal import FieldChange, Finish, Intent, JournalQuery, Outcome
from console.services import history_export
from console.services.history_export import HEADER, export_csv
from console.services.journal import Journal


async def _write(journal: Journal, n: int, **fields: object) -> None:
    account = journal.for_account("shop", "Shop", "square")
    values: dict[str, object] = {
        "account_id": "shop", "provider": "square", "operation": "update", "who": "Ada L.", "os_user": "ada",
        "computer": "desk-1", "account_name": "Shop", "customer_id": f"C{n}", "customer_name": f"Person {n}",
        "changes": (FieldChange("note", None, f"=HYPERLINK(\"x\") {n}"),)}
    values.update(fields)
    [entry_id] = await account.intend([Intent(**values)])  # type: ignore[arg-type]
    future = account.finish(entry_id, Finish(Outcome.SUCCEEDED))
    assert future is not None
    await asyncio.wrap_future(future)   # written at the loop's next turn


async def test_export_reads_every_page_newest_first(journal: Journal, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_export, "PAGE", 2)   # five entries: three pages
    for n in range(5):
        await _write(journal, n)
    await _write(journal, 9, who="Tom")
    progress: list[tuple[int, int]] = []
    target = tmp_path / "history.csv"

    written = await export_csv(journal, JournalQuery(who="Ada L."), target, lambda *p: progress.append(p))

    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and written == 5
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert tuple(header) == HEADER
    assert [row[5] for row in rows] == ["C4", "C3", "C2", "C1", "C0"]
    assert rows[0][7] == "note: — → =HYPERLINK(\"x\") 4"   # not at the cell's start: left as it is
    assert progress == [(2, 5), (4, 5), (5, 5)]
    assert sorted(os.listdir(tmp_path)) == ["history.csv", "journal"]   # no temporary file left


async def test_an_export_that_fails_partway_leaves_no_file(journal: Journal, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history_export, "PAGE", 1)
    for n in range(3):
        await _write(journal, n)
    target = tmp_path / "history.csv"

    def disk_full(done: int, total: int) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        await export_csv(journal, JournalQuery(), target, disk_full)
    assert os.listdir(tmp_path) == ["journal"]
