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
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from console.domain import errors as e
from console.services.context import AppContext
from console.ui.collection_tab import ItemDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, until, visible
from tests.support.window import open_edit_of_row, type_value
from tests.ui.conftest import make_context, open_demo


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
    context = make_context(tmp_path / "app")
    plain = context.demo.transport

    def gated(key: str) -> httpx.AsyncBaseTransport:
        gates[key] = Gate(plain(key))
        return gates[key]

    context.demo.transport = gated  # type: ignore[method-assign]
    return context


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
    assert "Deleted 1 customer(s)." in window.statusBar().currentMessage()


async def _fill_and_accept(qtbot: Any, values: dict[str, str]) -> None:
    form: ItemDialog = await until(lambda: visible(ItemDialog, "itemDialog"), what="the address form")
    for key, value in values.items():
        type_value(qtbot, form.editors[key], value)
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    await until(lambda: not form.isVisible(), what="the address form to close")


async def test_an_address_edit_waits_for_an_address_being_added(qtbot: Any, window: MainWindow,
                                                                gates: dict[str, Gate]) -> None:
    await open_demo(window, "clover")
    session = window.session
    assert session is not None
    row = next(r for r in range(window.model.rowCount()) if window.model.customer(r).addresses)
    dialog = await open_edit_of_row(qtbot, window, row)
    customer = dialog.original
    assert customer is not None
    tab = dialog.collection_tabs["addresses"]
    dialog.tabs.setCurrentWidget(tab)
    gate = gates["clover"]
    changed: list[Any] = []
    tab.customer_changed.connect(changed.append)

    gate.close()
    qtbot.mouseClick(tab.buttons["add"], Qt.MouseButton.LeftButton)
    await _fill_and_accept(qtbot, {"line1": "1 Queue Street", "city": "Austin", "state": "TX",
                                   "postal_code": "78701", "country": "US"})
    await until(lambda: gate.held, what="the new address to reach the slowed provider")
    # While it is on its way, the user double-clicks the existing address and changes its city.
    first = tab.table.visualItemRect(tab.table.item(0, 0)).center()
    qtbot.mouseClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    qtbot.mouseDClick(tab.table.viewport(), Qt.MouseButton.LeftButton, pos=first)
    await _fill_and_accept(qtbot, {"city": "Queuetown"})
    assert gate.held == 1

    gate.open()
    await until(lambda: len(changed) == 2, what="both address changes to finish")
    stored = (await session.provider.get(customer.id)).addresses
    assert "1 Queue Street" in [a.line1 for a in stored]
    assert "Queuetown" in [a.city for a in stored]
    assert tab.status.text() == "Saved."
    assert tab.buttons["add"].isEnabled()
