"""The customer table's view repaints nothing for rows taken in below the visible ones (a load's pages), and
everything else as QTableView does: rows that show, rows removed, a new order."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication

from console.ui.customer_table_view import CustomerTableView
from tests.support.qt import Paints


def _row(text: str) -> list[QStandardItem]:
    return [QStandardItem(f"{text} {column}") for column in range(3)]


@pytest.fixture
def table(qtbot: Any) -> tuple[CustomerTableView, QStandardItemModel, Paints]:
    model = QStandardItemModel(0, 3)
    view = CustomerTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(600, 400)
    view.show()
    qtbot.waitExposed(view)
    paints = Paints()
    view.viewport().installEventFilter(paints)
    return view, model, paints


def _settled(qtbot: Any, view: CustomerTableView, rows: int) -> None:
    """Wait until the view has laid out `rows` rows (its scroll bar's range says so), then take what is posted."""
    shown = view.viewport().height() // view.verticalHeader().defaultSectionSize()
    qtbot.waitUntil(lambda: view.verticalScrollBar().maximum() >= rows - shown - 1 or rows <= shown)
    QApplication.processEvents()


def test_rows_that_show_are_painted_and_rows_below_them_are_not(qtbot: Any, table: Any) -> None:
    view, model, paints = table
    model.appendRow(_row("first"))
    qtbot.waitUntil(lambda: paints.count > 0)      # the view was not full: the row shows
    for n in range(60):
        model.appendRow(_row(f"more {n}"))
    _settled(qtbot, view, 61)
    assert view.rowAt(view.viewport().height() - 1) >= 0   # full now
    paints.count = 0
    for n in range(20):                             # a load's pages, each laid out before the next
        model.appendRow(_row(f"page {n}"))
        _settled(qtbot, view, 62 + n)
    assert paints.count == 0
    assert view.verticalScrollBar().maximum() > 0
    view.scrollToBottom()                           # and they are there to scroll to
    qtbot.waitUntil(lambda: view.rowAt(view.viewport().height() - 1) == model.rowCount() - 1)


@pytest.mark.parametrize("change", ["insert at the top", "remove", "sort", "reset"])
def test_any_other_change_repaints(qtbot: Any, table: Any, change: str) -> None:
    view, model, paints = table
    for n in range(60):
        model.appendRow(_row(f"row {n:02}"))
    _settled(qtbot, view, 60)
    paints.count = 0
    model.appendRow(_row("below"))                  # below the visible rows, in the same turn as the change
    if change == "insert at the top":
        model.insertRow(0, _row("top"))
    elif change == "remove":
        model.removeRow(0)
    elif change == "sort":
        model.sort(0)
    else:
        model.clear()
    qtbot.waitUntil(lambda: paints.count > 0)
