"""Writes wait their turn: a Delete pressed while another delete is being sent never cuts the first off.

The emulator is slowed by a gate in its transport (held requests wait on an event), not by sleeps.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from console.domain import errors as e
from console.services.context import AppContext
from console.ui.main_window import MainWindow
from tests.support.qt import answer, until
from tests.ui.conftest import make_context, open_demo, wrap_demo_transports


class Gate(httpx.AsyncBaseTransport):
    """The emulator's transport; once closed, writes beyond the first `let_through` wait until it opens."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self._open = asyncio.Event()
        self._open.set()
        self._let_through = 0
        self.held = 0

    def close(self, *, let_through: int = 0) -> None:
        self._let_through, self.held = let_through, 0
        self._open.clear()

    def open(self) -> None:
        self._open.set()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method != "GET" and not self._open.is_set():
            if self._let_through:
                self._let_through -= 1
            else:
                self.held += 1
                await self._open.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def gates() -> dict[str, Gate]:
    return {}


@pytest.fixture
def context(tmp_path: Path, gates: dict[str, Gate]) -> AppContext:
    """The UI tests' context (see conftest), with every demo account's transport behind a gate."""
    def wrap(key: str, plain: httpx.AsyncBaseTransport) -> Gate:
        gates[key] = Gate(plain)
        return gates[key]

    return wrap_demo_transports(make_context(tmp_path / "app"), wrap)


async def _select(window: MainWindow, rows: list[int]) -> None:
    """Select rows the way a person finds them: in the active window, the table focused."""
    window.activateWindow()
    await until(lambda: QApplication.activeWindow() is window, what="the window to be active")
    window.table.setFocus()
    window.table.clearSelection()
    flags = window.table.selectionModel().SelectionFlag.Select | window.table.selectionModel().SelectionFlag.Rows
    for row in rows:
        window.table.selectionModel().select(window.model.index(row, 0), flags)


# Square deletes several customers in one bulk request; PayArc one request per customer, so there
# the first delete is held partway, after its first customer.
@pytest.mark.parametrize(("key", "let_through"), [("square", 0), ("payarc", 1)])
async def test_a_second_delete_waits_for_the_first_to_finish(qtbot: Any, window: MainWindow, gates: dict[str, Gate],
                                                             key: str, let_through: int) -> None:
    await open_demo(window, key)
    session = window.session
    assert session is not None
    gate = gates[key]
    first, second = window.model.customers([0, 1, 2]), window.model.customers([5])
    deleted: list[list[str]] = []
    window.customers_deleted.connect(deleted.append)

    gate.close(let_through=let_through)
    await _select(window, [0, 1, 2])
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: gate.held, what="the first delete to reach the slowed provider")

    await _select(window, [window.model.row_of(second[0].id)])  # type: ignore[list-item]
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    text = await answer(QMessageBox.StandardButton.Yes)
    assert session.service.index.name(second[0]) in text
    await until(lambda: "Waiting for the change in progress" in window.statusBar().currentMessage()
                or gate.held > 1, what="the second delete to be queued (or sent)")
    gate.open()
    await until(lambda: any(second[0].id in ids for ids in deleted), what="the second delete to finish")

    # The first delete completed for every one of its rows, and before the second was sent.
    for customer in [*first, *second]:
        with pytest.raises(e.NotFoundError):
            await session.provider.get(customer.id)
        assert window.model.row_of(customer.id) is None
    assert [set(ids) for ids in deleted] == [{c.id for c in first}, {second[0].id}]
    assert gate.held == 1   # the second waited its turn in the window, not at the provider
    assert "Deleted 1 customer." in window.statusBar().currentMessage()
