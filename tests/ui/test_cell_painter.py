"""The table's cell painter paints what QStyledItemDelegate paints, pixel for pixel: text elided at
the same place, selected rows in the highlight colours, the provider icon, the focus frame, a
coloured mark, dark colours, a disabled table; and a style it does not cover is left to Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleFactory, QTableView

from console.domain.customer import Customer
from console.services.combined_index import CombinedIndex
from console.services.customer_index import CustomerIndex
from console.services.table_columns import all_accounts_columns
from console.ui.cell_painter import CellPainter
from console.ui.customer_table import CustomerTableModel
from console.ui.provider_icons import provider_icon
from console.ui.theme import dark_palette

LONG = "a.very.long.address.that.cannot.fit@subdomain.example.org"


def _members() -> list[tuple[str, str, CustomerIndex]]:
    members = []
    for account, name in (("sq", "Square (Demo)"), ("cl", "Clover (Demo)")):
        index = CustomerIndex(search_fields=("name", "email"), name_fields=("full_name", "email"))
        index.upsert(Customer(id=f"{account}{i}", given_name=f"Person {i}", family_name="Ødegård" if i == 3 else "Lee",
                              email=LONG if i % 2 else f"p{i}@example.com", phone="+1 206 555 0100",
                              company="Line one\nline two" if i == 4 else "Acme",
                              created_at=datetime(2025, 1, i + 1, tzinfo=UTC)) for i in range(6))
        members.append((account, name, index))
    return members


@pytest.fixture
def table(qtbot: object) -> Iterator[tuple[QTableView, CellPainter]]:
    combined = CombinedIndex(_members())
    model = CustomerTableModel()
    model.row_icon = lambda account: provider_icon("square" if account == "sq" else "clover")
    columns = all_accounts_columns()
    model.set_source(combined, columns)
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    for column, spec in enumerate(columns):
        view.setColumnHidden(column, spec.key not in {"account", "name", "email", "company", "card_expires"})
    view.setColumnWidth(0, 150)
    view.setColumnWidth(1, 160)
    view.setColumnWidth(2, 160)   # the long address elided
    view.resize(900, 400)
    painter = CellPainter(view, model)
    view.setItemDelegate(painter)
    view.show()
    yield view, painter
    view.close()
    combined.close()


def _both(view: QTableView, painter: CellPainter) -> tuple[QImage, QImage]:
    """The viewport painted by Qt's own delegate, then by the cell painter."""
    stock = QStyledItemDelegate(view)
    view.setItemDelegate(stock)
    theirs = view.viewport().grab().toImage()
    view.setItemDelegate(painter)
    ours = view.viewport().grab().toImage()
    return theirs, ours


def test_cells_look_as_qt_paints_them(table: tuple[QTableView, CellPainter]) -> None:
    view, painter = table
    model = view.model()
    view.selectRow(1)
    view.selectionModel().select(model.index(7, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
    view.setCurrentIndex(model.index(5, 1))   # its focus frame (drawn by Qt's delegate)
    view.setFocus()
    theirs, ours = _both(view, painter)
    assert ours == theirs
    # The painter drew the texts itself (one of them elided), not only through Qt's delegate.
    drawn = {laid.text() for laid in painter._texts.values()}
    assert "Person 0 Lee" in drawn and "Person 3 Ødegård" in drawn
    assert any(text.endswith("…") and LONG.startswith(text[:-1]) for text in drawn)


def test_dark_and_disabled_tables_look_as_qt_paints_them(table: tuple[QTableView, CellPainter]) -> None:
    view, painter = table
    view.selectRow(2)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    app.setPalette(dark_palette())
    try:
        theirs, ours = _both(view, painter)
        assert ours == theirs
        view.setEnabled(False)
        theirs, ours = _both(view, painter)
        assert ours == theirs
    finally:
        app.setPalette(light)


def test_a_style_it_does_not_cover_paints_through_qt(table: tuple[QTableView, CellPainter]) -> None:
    view, painter = table
    style = QStyleFactory.create("Windows")
    view.setStyle(style)
    theirs, ours = _both(view, painter)
    assert ours == theirs and not painter._texts
    view.setStyle(QStyleFactory.create("Fusion"))
    view.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    theirs, ours = _both(view, painter)
    assert ours == theirs and not painter._texts
