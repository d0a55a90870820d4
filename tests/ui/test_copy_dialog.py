"""Customer → Copy to another account…, driven as a person would: from the Square demo into the Digital
River demo, with a custom field carried into Digital River's metadata and the rest named in the preview,
then copied as a job (which needs the workspace, started here)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem

from console.services.accounts import DEMO_PREFIX
from console.services.context import AppContext
from console.services.copy_job import Outcome
from console.ui.copy_dialog import CopyDialog
from console.ui.main_window import MainWindow
from tests.support.qt import answer, signal, until, visible
from tests.ui.conftest import make_context, wrap_demo_transports
from tests.ui.menus import MENU_WARNINGS, click, context_menu

pytestmark = MENU_WARNINGS


class HeldCreates(httpx.AsyncBaseTransport):
    """The Digital River emulator's transport, holding each create until `release` is set (set at first)."""

    def __init__(self) -> None:
        self.inner: httpx.AsyncBaseTransport | None = None
        self.release = asyncio.Event()
        self.release.set()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        assert self.inner is not None
        if request.method == "POST" and request.url.path == "/customers":
            self.held += 1
            await self.release.wait()
        return await self.inner.handle_async_request(request)


@pytest.fixture
def held() -> HeldCreates:
    return HeldCreates()


@pytest.fixture
def context(tmp_path: Path, held: HeldCreates) -> AppContext:
    def wrap(key: str, plain: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        if key != "digital-river":
            return plain
        held.inner = plain
        return held

    context = wrap_demo_transports(make_context(tmp_path / "app"), wrap)
    context.workspace.start()
    return context


def _children(item: QTreeWidgetItem) -> dict[str, QTreeWidgetItem]:
    return {item.child(i).text(0): item.child(i) for i in range(item.childCount())}


def select(window: MainWindow, rows: list[int]) -> None:
    window.table.setFocus()
    window.table.selectRow(rows[0])
    for row in rows[1:]:
        window.table.selectionModel().select(window.model.index(row, 0), QItemSelectionModel.SelectionFlag.Select
                                             | QItemSelectionModel.SelectionFlag.Rows)


async def _table_refreshed(window: MainWindow) -> None:
    """The reload a finished job starts (so a test ends with nothing in flight)."""
    await until(lambda: not window.tasks.running("load"), timeout=20, what="the table to reload")


async def preview_into_digital_river(qtbot: Any, window: MainWindow, row: int) -> CopyDialog:
    """Right-click `row` (of the selection), Copy to another account…, choose the Digital River demo, Preview."""
    menu = await context_menu(window.table.viewport(), window.table.visualRect(window.model.index(row, 0)).center(),
                              "rowMenu")
    await click(qtbot, menu, "copyToAccountAction")
    dialog: CopyDialog = await until(lambda: visible(CopyDialog, "copyDialog"), what="the copy dialog")
    # The open account is not offered as a target.
    assert all(a.id != DEMO_PREFIX + "square" for a in dialog.accounts)
    dialog.target_list.setCurrentRow(next(i for i, a in enumerate(dialog.accounts)
                                          if a.id == DEMO_PREFIX + "digital-river"))
    previewed = signal(dialog.previewed, timeout=20)
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    await previewed
    return dialog


async def test_copy_two_square_customers_into_the_digital_river_demo(qtbot: Any, window: MainWindow,
                                                                     tmp_path: Path) -> None:
    session = window.session
    assert session is not None
    values = session.custom_fields
    rows = range(window.model.rowCount())
    # One customer with a loyalty tier and a reference id (Digital River keeps no reference id), one without values.
    with_value = next(r for r in rows if window.model.customer(r).reference_id
                      and any(v.key == "loyalty-tier" for v in values.values_of(window.model.customer(r).id) or ()))
    without = next(r for r in rows if r != with_value and not values.values_of(window.model.customer(r).id))
    first, second = window.model.customer(with_value), window.model.customer(without)

    select(window, [with_value, without])
    # The Customer menu offers it too, enabled for the selection.
    window.customer_menu.aboutToShow.emit()
    in_menu = window.customer_menu.findChild(QAction, "copyToAccountAction")
    assert in_menu is not None and in_menu.isEnabled()
    dialog = await preview_into_digital_river(qtbot, window, with_value)

    tree = dialog.preview_tree
    tops = {tree.topLevelItem(i).text(0): tree.topLevelItem(i) for i in range(tree.topLevelItemCount())}
    assert set(tops) == {first.display_name, second.display_name}
    top = tops[first.display_name]
    assert top.text(1) == "Will be created"
    copied = _children(top)["Copied"]
    assert "Metadata" in _children(copied)
    assert "loyalty-tier: " in _children(copied)["Metadata"].text(1)
    behind = _children(_children(top)["Stays behind"])
    assert behind["Reference ID"].text(1) == "Digital River has no such field."
    assert "Created 0" not in dialog.preview_summary.text()
    assert "2 customers will be created in Digital River (Demo)" in dialog.preview_summary.text()
    shot = tmp_path / "copy-preview.png"
    assert dialog.grab().save(str(shot)) and shot.stat().st_size > 0

    assert dialog.copy_button.text() == "&Copy 2 customers"
    done = signal(dialog.reported, timeout=20)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    (report,) = await done
    assert [(r.outcome, r.mismatches) for r in report.rows] == [(Outcome.CREATED, ())] * 2
    assert dialog.copy_status.text().startswith("Of 2 customers: 2 created (2 arrived as sent,")
    assert dialog.results.topLevelItemCount() == 2 and dialog.cancel_button.text() == "Close"

    # The customers exist in the Digital River demo, the custom field in their metadata.
    emulator = window.context.demo.emulator("digital-river")
    by_source = {r.source.split("/", 1)[1]: r.target_id for r in report.rows}
    stored = emulator.customer(by_source[first.id])
    assert stored is not None and stored["shipping"]["name"] == first.full_name
    assert "loyalty-tier" in stored["metadata"]
    assert emulator.customer(by_source[second.id]) is not None
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    await until(lambda: not dialog.isVisible(), what="the dialog to close")
    await _table_refreshed(window)


async def test_stop_ends_the_copy_after_the_customer_being_sent(qtbot: Any, window: MainWindow,
                                                                held: HeldCreates) -> None:
    select(window, [0, 1, 2])
    dialog = await preview_into_digital_river(qtbot, window, 0)
    emulator = window.context.demo.emulator("digital-river")
    before = len(emulator._customers)
    held.release.clear()
    done = signal(dialog.reported, timeout=20)
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    await answer(QMessageBox.StandardButton.Yes)
    await until(lambda: held.held == 1 and dialog.stop_button.isEnabled(), what="the first create to be under way")
    # The window stays usable while the copy runs: the search still filters the table.
    qtbot.keyClicks(window.search, "zzzz-nobody")
    await until(lambda: window.model.rowCount() == 0, what="the search to filter")
    qtbot.mouseClick(dialog.stop_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and dialog.copy_status.text() == "Stopping after the customer being sent…"
    held.release.set()
    (report,) = await done
    assert [r.outcome for r in report.rows] == [Outcome.CREATED, Outcome.NOT_SENT, Outcome.NOT_SENT]
    assert report.rows[0].target_id in emulator._customers and report.intact == 1
    assert dialog.copy_status.text().startswith("Of 3 customers: 1 created (1 arrived as sent, 0 with differences, "
                                                "0 not read back), 0 failed, 2 not sent")
    assert len(emulator._customers) == before + 1 and held.held == 1
    await _table_refreshed(window)
