"""History's CSV export: every entry a query matches, read page by page, written off the loop's thread."""

from __future__ import annotations

import asyncio
import csv
import os
import tempfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from console.domain.journal import JournalEntry, JournalQuery
from console.services import history_rows as text
from console.services.journal import Journal
from console.services.spreadsheet_cells import safe_cell

HEADER = ("When", "Who", "Computer", "Account", "Customer", "Customer id", "Operation", "Changes", "Outcome",
          "Error", "Note", "Entry", "Group")
PAGE = 2000


def csv_row(entry: JournalEntry) -> list[str]:
    intent = entry.intent
    cells = (text.when(entry), intent.who, intent.computer, text.account_text(entry), intent.customer_name,
             entry.customer_id or "", text.operation_text(entry), text.changes_text(entry, limit=None),
             entry.outcome.value, entry.error or "", entry.note or "", entry.entry_id, intent.group_id or "")
    return [safe_cell(cell) for cell in cells]


async def export_csv(journal: Journal, query: JournalQuery, path: Path,
                     on_progress: Callable[[int, int], None] | None = None) -> int:
    """Write the entries `query` matches, newest first, to `path` (UTF-8 with a BOM, for spreadsheets);
    returns how many. A failed or cancelled export leaves no file behind (nor half of one)."""
    total = await journal.count(query)
    tmp, handle = await asyncio.to_thread(_open_beside, path)
    written = 0
    try:
        await asyncio.to_thread(_write, handle, [list(HEADER)])
        before: int | None = None
        while True:
            # Each page continues from the last entry of the one before (no growing OFFSET).
            page = await journal.entries(replace(query, before=before), limit=PAGE)
            if page:
                await asyncio.to_thread(_write, handle, [csv_row(entry) for entry in page])
                written += len(page)
                before = page[-1].seq
            if on_progress is not None:
                on_progress(written, max(total, written))
            if len(page) < PAGE:
                break
        await asyncio.to_thread(_finish, handle, tmp, path)
    except BaseException:
        await asyncio.shield(asyncio.to_thread(_discard, handle, tmp))
        raise
    return written


def _open_beside(path: Path) -> tuple[Path, TextIO]:
    """A temporary file in `path`'s folder (so replacing `path` with it is one rename)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    return Path(tmp), os.fdopen(fd, "w", encoding="utf-8-sig", newline="")


def _finish(handle: TextIO, tmp: Path, path: Path) -> None:
    handle.close()
    os.replace(tmp, path)


def _discard(handle: TextIO, tmp: Path) -> None:
    handle.close()
    tmp.unlink(missing_ok=True)


def _write(handle: TextIO, rows: list[list[str]]) -> None:
    csv.writer(handle).writerows(rows)
