"""The table's cell painter paints what QStyledItemDelegate paints, pixel for pixel: text elided at
the same place, selected rows in the highlight colours, the provider icon, the focus frame, a
coloured mark, dark colours, a disabled table; and a style it does not cover is left to Qt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import cast

import pytest
from PySide6.QtCore import QItemSelectionModel, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetricsF, QImage, QRegion
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleFactory, QTableView

from console.domain.customer import Customer, PaymentMethod
from console.services.combined_index import CombinedIndex
from console.services.customer_index import CustomerIndex
from console.services.table_columns import all_accounts_columns
from console.ui.cell_painter import _LAST_PLAIN_LETTER, KERNING_ALLOWANCE, CellPainter
from console.ui.customer_table import CustomerTableModel
from console.ui.provider_icons import provider_icon
from console.ui.row_painter import RowPainter
from console.ui.table_cells import PaintedRow
from console.ui.theme import dark_palette

LONG = "a.very.long.address.that.cannot.fit@subdomain.example.org"


# An expired card (its cell coloured by the mark, through Qt's delegate) and one valid for years.
_CARDS = {1: (PaymentMethod(id="c1", brand="VISA", last4="1111", exp_month=1, exp_year=2020),),
          2: (PaymentMethod(id="c2", brand="VISA", last4="4242", exp_month=12, exp_year=2040),)}


def _members() -> list[tuple[str, str, CustomerIndex]]:
    members = []
    for account, name in (("sq", "Square (Demo)"), ("cl", "Clover (Demo)")):
        index = CustomerIndex(search_fields=("name", "email"), name_fields=("full_name", "email"))
        index.upsert(Customer(id=f"{account}{i}", given_name=f"Person {i}", family_name="Ødegård" if i == 3 else "Lee",
                              email=LONG if i % 2 else f"p{i}@example.com", phone="+1 206 555 0100",
                              company="Line one\nline two" if i == 4 else "Acme",
                              payment_methods=_CARDS.get(i, ()),
                              created_at=datetime(2025, 1, i + 1, tzinfo=UTC)) for i in range(6))
        members.append((account, name, index))
    return members


@pytest.fixture(params=[False, True], ids=["cells", "rows"])
def table(request: pytest.FixtureRequest, qtbot: object) -> Iterator[tuple[QTableView, CellPainter]]:
    """The table with the cell painter as its delegate, and (`rows`) its rows painted in one pass too."""
    rows = request.param
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
    if rows:
        RowPainter(view, model, painter)
    view.show()
    yield view, painter
    view.close()
    combined.close()


def _painted_table() -> tuple[CombinedIndex, CustomerTableModel, QTableView, CellPainter, RowPainter]:
    """All accounts' columns in a table whose cells and rows the painters paint (not shown yet)."""
    combined = CombinedIndex(_members())
    model = CustomerTableModel()
    model.set_source(combined, all_accounts_columns())
    view = QTableView()
    view.setModel(model)
    cells = CellPainter(view, model)
    view.setItemDelegate(cells)
    return combined, model, view, cells, RowPainter(view, model, cells)


def _both(view: QTableView, painter: CellPainter, *, in_one_pass: bool = True) -> tuple[QImage, QImage]:
    """The viewport painted by Qt's own delegate, then by the cell painter (and, where the table
    has one, by the row painter when `in_one_pass`, else by QTableView)."""
    rows = view.findChildren(RowPainter)
    stock = QStyledItemDelegate(view)
    view.setItemDelegate(stock)
    before = [r.repaints for r in rows]
    theirs = view.viewport().grab().toImage()
    assert [r.repaints for r in rows] == before   # another delegate: QTableView paints
    view.setItemDelegate(painter)
    ours = view.viewport().grab().toImage()
    assert [r.repaints for r in rows] == [n + in_one_pass for n in before]
    return theirs, ours


def test_cells_look_as_qt_paints_them(table: tuple[QTableView, CellPainter]) -> None:
    view, painter = table
    model = view.model()
    view.selectRow(1)
    view.selectionModel().select(model.index(7, 0), QItemSelectionModel.SelectionFlag.Select
                                 | QItemSelectionModel.SelectionFlag.Rows)
    view.selectionModel().select(model.index(9, 2), QItemSelectionModel.SelectionFlag.Select)   # one cell alone
    view.setCurrentIndex(model.index(5, 1))   # its focus frame (drawn by Qt's delegate)
    view.setFocus()
    theirs, ours = _both(view, painter)
    assert ours == theirs
    # The painter drew the texts itself (one of them elided), not only through Qt's delegate.
    drawn = {laid.text() for laid in painter._texts.values()}
    assert "Person 0 Lee" in drawn and "Person 3 Ødegård" in drawn
    assert any(text.endswith("…") and LONG.startswith(text[:-1]) for text in drawn)


def test_rows_neither_selected_nor_focused_nor_marked_are_painted_a_row_at_a_time(qtbot: object) -> None:
    combined, model, view, _, rows = _painted_table()
    view.resize(900, 600)   # every row shown
    view.show()
    view.selectRow(0)
    marked = {row for row in range(model.rowCount()) if cast(PaintedRow, model.painted_row(row)).marked}
    before = rows.rows_at_once
    view.viewport().grab()
    assert marked and 0 not in marked
    assert rows.rows_at_once - before == model.rowCount() - 1 - len(marked)   # the selected and marked aside
    view.close()
    combined.close()


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
    theirs, ours = _both(view, painter, in_one_pass=False)
    assert ours == theirs and not painter._texts
    view.setStyle(QStyleFactory.create("Fusion"))
    view.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    theirs, ours = _both(view, painter, in_one_pass=False)
    assert ours == theirs and not painter._texts


def test_a_part_of_the_table_repainted_looks_as_qt_paints_it(table: tuple[QTableView, CellPainter]) -> None:
    # Scrolling and a changed row repaint a strip of the viewport: the rows and columns it reaches.
    view, painter = table
    view.selectRow(3)
    rows = view.findChildren(RowPainter)
    for strip in (QRect(0, 40, 900, 50), QRect(155, 0, 200, 400), QRect(300, 70, 90, 9)):
        images = []
        for delegate in (QStyledItemDelegate(view), painter):
            view.setItemDelegate(delegate)
            image = QImage(view.viewport().size(), QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            before = [r.repaints for r in rows]
            view.viewport().render(image, QPoint(), QRegion(strip))
            images.append(image)
        assert [r.repaints for r in rows] == [n + 1 for n in before]   # painted here when it has a row painter
        assert images[1] == images[0]


# The letters the cell painter draws itself (up to its last plain letter), controls left out.
_PLAIN_LETTERS = [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA0, ord(_LAST_PLAIN_LETTER) + 1)]


def test_no_pair_of_plain_letters_kerns_wider_than_the_allowance(table: tuple[QTableView, CellPainter]) -> None:
    # A text that fits by its letters' widths plus the allowance is painted without being measured
    # (CellPainter.surely_fits); kerning between two letters must not add more than the allowance.
    view, painter = table
    view.viewport().grab()   # measured: the cells' font and its allowance set
    metrics = QFontMetricsF(painter.font)
    widths = {letter: metrics.horizontalAdvance(letter) for letter in _PLAIN_LETTERS}
    allowance = KERNING_ALLOWANCE * metrics.height()
    widest = max((metrics.horizontalAdvance(a + b) - widths[a] - widths[b], a + b)
                 for a in _PLAIN_LETTERS for b in _PLAIN_LETTERS)
    assert widest[0] <= allowance, widest
    assert widest[0] > 0   # the font does kern some pairs apart: the allowance is not idle


def test_a_text_said_to_fit_fits(table: tuple[QTableView, CellPainter]) -> None:
    view, painter = table
    view.viewport().grab()
    metrics = QFontMetricsF(painter.font)
    texts = [LONG, "Person 3 Ødegård", "Steven Smith-Jones", "Tomás O'Toole", "+1 206 555 0100", "AVAVAV-J-J-J"]
    said = 0
    for text in texts:
        exact = metrics.horizontalAdvance(text)
        for width in range(int(exact) - 5, int(exact + len(text) * 2.5) + 2):
            if painter.surely_fits(text, width):
                said += 1
                assert exact <= width, (text, width)
    assert said > 0
    assert painter.surely_fits("Lee", 100) and not painter.surely_fits(LONG, 100)


def test_the_first_paint_has_the_letters_drawn_once_off_screen(qtbot: object) -> None:
    # The font engine keeps each glyph's image: drawn before the first rows, they need not be rendered
    # one by one in the first page's paint. Nothing of it shows.
    combined, _, view, cells, rows = _painted_table()
    warmed: list[float] = []
    warm = cells.warm_glyphs

    def counted() -> None:
        warm()
        warmed.append(view.devicePixelRatioF())
    cells.warm_glyphs = counted  # type: ignore[method-assign]
    view.resize(600, 300)
    view.show()
    qtbot.waitUntil(lambda: rows.repaints > 0 and bool(warmed))   # type: ignore[attr-defined]
    shown = view.viewport().grab().toImage()
    view.viewport().repaint()
    qtbot.waitUntil(lambda: rows.repaints > 1)   # type: ignore[attr-defined]
    assert warmed == [view.devicePixelRatioF()]   # once, at the first paint
    assert view.viewport().grab().toImage() == shown
    view.close()
    combined.close()


def test_texts_laid_out_ahead_look_as_qt_paints_them(table: tuple[QTableView, CellPainter]) -> None:
    # Laid out before their first drawing (layout_ahead.py), with the painter's font and pixel ratio.
    view, painter = table
    model = view.model()
    view.viewport().grab()   # every cell size measured
    painter._texts.clear()
    grid = 1 if view.showGrid() else 0
    laid = 0
    for row in range(model.rowCount()):
        painted = model.painted_row(row)
        for column in range(model.columnCount()):
            if not view.isColumnHidden(column) and column not in painted.marked:
                laid += painter.lay_out(painted.texts[column], view.columnWidth(column) - grid,
                                        view.rowHeight(row) - grid, column == painted.icon_column)
    assert laid > 2 * model.rowCount() and len(painter._texts) > 10   # most cells, their distinct texts
    theirs, ours = _both(view, painter)
    assert ours == theirs
