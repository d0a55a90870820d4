"""History's model without a window: a count from the journal, the first page read at once, the
others read when a row of theirs is first asked for, and every page of one query only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from console.domain.journal import FieldChange, Finish, Intent, JournalQuery, Outcome
from console.services.journal import Author, Journal
from console.services.secrets import MemorySecrets
from console.services.workspace import LocalWorkspace
from console.ui.async_qt import TaskRegistry
from console.ui.history_model import FIRST, LAST, LOADING, MIDDLE, PAGE, HistoryModel
from tests.support.qt import signal

ENTRIES = 2 * PAGE + 50


@pytest.fixture
async def journal(tmp_path: Path) -> AsyncIterator[Journal]:
    """A journal of ENTRIES updates, C0 the oldest; every three entries (C0-C2, C3-C5, ...) one save."""
    workspace = LocalWorkspace(tmp_path / "workspace.db", MemorySecrets())
    workspace.start()
    assert await workspace.ready()
    journal = Journal(workspace, Author(os_user="ada", computer="desk-1"))
    account = journal.for_account("demo:square", "Square demo", "square")
    intents = [Intent(account_id="demo:square", provider="square", operation="update", who="ada" if n % 2 else "tom",
                      os_user="ada", computer="desk-1", customer_id=f"C{n}", customer_name=f"Person {n}",
                      changes=(FieldChange("email", None, f"p{n}@example.com"),), group_id=f"save{n // 3}")
               for n in range(ENTRIES)]
    futures = [account.finish(entry_id, Finish(Outcome.SUCCEEDED)) for entry_id in await account.intend(intents)]
    await asyncio.wrap_future(futures[-1])  # type: ignore[arg-type]
    yield journal
    await workspace.close()


@pytest.fixture
async def model(journal: Journal) -> AsyncIterator[HistoryModel]:
    tasks = TaskRegistry()
    yield HistoryModel(journal, tasks)
    await tasks.cancel_all()


def _when(model: HistoryModel, row: int) -> Any:
    return model.data(model.index(row, HistoryModel.WHEN))


async def test_pages_are_read_as_rows_are_reached(model: HistoryModel, qtmodeltester: Any) -> None:
    assert await model.load(JournalQuery()) == ENTRIES
    assert model.rowCount() == ENTRIES and model.columnCount() == 8
    assert model.data(model.index(0, HistoryModel.CUSTOMER)) == f"Person {ENTRIES - 1} (C{ENTRIES - 1})"

    # A row of the last page: "…" until its page is in, then the entry (read by its offset).
    read = signal(model.page_read)
    assert _when(model, ENTRIES - 1) == LOADING
    assert await read == (2,)
    assert model.data(model.index(ENTRIES - 1, HistoryModel.CUSTOMER)) == "Person 0 (C0)"
    # The middle page goes on from the first one's last entry.
    read = signal(model.page_read)
    assert model.entry(PAGE) is None
    assert await read == (1,)
    assert [model.entry(row).customer_id for row in range(PAGE - 1, PAGE + 2)] == [  # type: ignore[union-attr]
        f"C{ENTRIES - PAGE + n}" for n in (0, -1, -2)]
    qtmodeltester.check(model, force_py=True)


async def test_a_save_is_bracketed_across_a_page_boundary(model: HistoryModel) -> None:
    await model.load(JournalQuery())
    group = [model.data(model.index(row, HistoryModel.GROUP)) for row in range(PAGE)]
    # Newest first: C449 C448 C447 are one save, C446 C445 C444 the next...
    assert group[:6] == [FIRST, MIDDLE, LAST, FIRST, MIDDLE, LAST]
    # ...and C251 C250 | C249 straddle the first page's end: the bracket closes until C249 is read.
    assert group[-2:] == [FIRST, LAST]
    read = signal(model.page_read)
    model.entry(PAGE)
    await read
    assert [model.data(model.index(row, HistoryModel.GROUP)) for row in (PAGE - 1, PAGE)] == [MIDDLE, LAST]


async def test_a_new_query_reads_its_own_pages(model: HistoryModel) -> None:
    await model.load(JournalQuery())
    model.entry(PAGE)                     # a page of the old query is on its way
    assert await model.load(JournalQuery(who="ada")) == ENTRIES // 2
    read = signal(model.page_read)
    assert model.entry(PAGE) is None
    assert await read == (1,)
    entries = [model.entry(row) for row in range(ENTRIES // 2)]
    assert all(e is not None and e.intent.who == "ada" for e in entries)
