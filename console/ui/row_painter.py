"""The customer table's visible rows painted in one Python call per repaint.

QTableView paints cell by cell and calls into Python for each: the model's rowCount, columnCount
and flags, then the delegate's paint with a style option made for it. At a repaint per keystroke
that was about half of the time P2 and P8b measure (benchmarks/run.py). This paints a repaint's
dirty rectangle as QTableView.paintEvent does (each cell's row panel, the cell, then the grid;
Qt 6's qtableview.cpp): a row neither selected, focused nor marked (most rows) through one
CellPainter.paint_row, its alternate fill one rectangle under the grid; the other rows' plain cells
through CellPainter.paint_plain each. A cell that is not plain (the focused current cell, a coloured
mark, text of other scripts, a size not yet measured) goes to the delegate with the option
QTableView would give it. Anything else (another delegate or style, several dirty rectangles,
hidden rows, a drag under way) is left to QTableView. The customer table has no spans
(QTableView.setSpan), which this does not paint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QItemSelectionRange, QLineF, QObject, QRect, Qt, QTimer
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QAbstractItemView, QStyle, QStyleOptionViewItem, QTableView

from console.ui.cell_looks import ACTIVE, ENABLED, FOCUS, SELECTED
from console.ui.cell_painter import CellPainter

if TYPE_CHECKING:
    from console.ui.customer_table import CustomerTableModel

_ALTERNATE = QStyleOptionViewItem.ViewItemFeature.Alternate
_DRAGGING = QAbstractItemView.State.DraggingState


def columns_between(view: QTableView, left: int, right: int) -> list[tuple[int, int, int]]:
    """The shown columns from visual index `left` to `right` (-1: from the first, to the last), each as
    (logical index, x in the viewport, width of its cells: the grid line left out)."""
    header, grid = view.horizontalHeader(), 1 if view.showGrid() else 0
    columns = []
    for visual in range(0 if left == -1 else left, (header.count() - 1 if right == -1 else right) + 1):
        column = header.logicalIndex(visual)
        if not header.isSectionHidden(column):
            columns.append((column, view.columnViewportPosition(column), view.columnWidth(column) - grid))
    return columns


class RowPainter(QObject):
    """Paints the rows `view` shows of `model` in one pass; `cells` paints each plain cell."""

    def __init__(self, view: QTableView, model: CustomerTableModel, cells: CellPainter) -> None:
        super().__init__(view)
        self._view, self._model, self._cells = view, model, cells
        self.repaints = 0   # the repaints painted here rather than by QTableView
        self.rows_at_once = 0   # the rows of those painted a row at a time (CellPainter.paint_row)
        self._warmed = False
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.Paint:
            return False
        if not self._warmed:   # once the window is on screen, before (as a rule) its first rows arrive
            self._warmed = True
            QTimer.singleShot(0, self, self._cells.warm_glyphs)
        if not self._cells.covered or self._view.itemDelegate() is not self._cells:
            return False
        return self._paint(cast(QPaintEvent, event))

    def _paint(self, event: QPaintEvent) -> bool:
        """Paint as QTableView.paintEvent would; False (nothing painted) where it is left to it."""
        view = self._view
        vertical, horizontal = view.verticalHeader(), view.horizontalHeader()
        region = event.region()
        if (region.rectCount() != 1 or vertical.sectionsHidden() or view.state() == _DRAGGING
                or horizontal.count() == 0 or vertical.count() == 0):
            return False
        dirty = region.boundingRect()
        # QTableView paints nothing below the last row or right of the last column.
        dirty.setBottom(min(dirty.bottom(), vertical.length() - vertical.offset() - 1))
        dirty.setRight(min(dirty.right(), horizontal.length() - horizontal.offset() - 1))
        if not dirty.isValid():
            return True
        left, right = horizontal.visualIndexAt(dirty.left()), horizontal.visualIndexAt(dirty.right())
        top, bottom = vertical.visualIndexAt(dirty.top()), vertical.visualIndexAt(dirty.bottom())
        if top == -1 or (bottom != -1 and top > bottom):
            return True
        grid = 1 if view.showGrid() else 0
        columns = columns_between(view, left, right)
        rows = [(row, view.rowViewportPosition(row), view.rowHeight(row) - grid) for row in
                map(vertical.logicalIndex, range(top, (vertical.count() - 1 if bottom == -1 else bottom) + 1))]
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        painter = QPainter(view.viewport())
        try:
            colour = self._grid_colour(option) if grid else None
            # A solid, opaque grid's lines cover their pixels whole: filled as rectangles, drawn over any fill.
            solid = colour is not None and view.gridStyle() == Qt.PenStyle.SolidLine and colour.alpha() == 255
            self._paint_cells(painter, option, rows, columns, bool(top & 1), colour is None or solid)
            if colour is not None:
                first_column = horizontal.logicalIndex(0 if left == -1 else left)
                self._paint_grid(painter, option, colour, solid, dirty, rows, columns, first_column)
        finally:
            painter.end()
        self.repaints += 1
        return True

    def _paint_cells(self, painter: QPainter, option: QStyleOptionViewItem, rows: list[tuple[int, int, int]],
                     columns: list[tuple[int, int, int]], odd: bool, whole_rows: bool) -> None:
        """The cells of `rows` in `columns`; `whole_rows`: an alternate row's fill may cover the grid's
        lines between its cells (the grid is drawn over them, opaque, after)."""
        view, model, cells = self._view, self._model, self._cells
        alternate = view.alternatingRowColors()
        odd = odd and alternate
        ranges = self._selected(rows[0][0], rows[-1][0]) if rows else []
        current = view.currentIndex()
        focused = current.isValid() and (view.hasFocus() or view.viewport().hasFocus())
        focus_row, focus_column = (current.row(), current.column()) if focused else (-1, -1)
        state, palette = option.state.value, option.palette
        # The row panel's colours (QCommonStyle's PE_PanelItemViewRow).
        group = (QPalette.ColorGroup.Disabled if not view.isEnabled()
                 else QPalette.ColorGroup.Normal if state & ACTIVE else QPalette.ColorGroup.Inactive)
        panel_selected = view.style().styleHint(QStyle.StyleHint.SH_ItemView_ShowDecorationSelected, option, view)
        highlight = palette.brush(group, QPalette.ColorRole.Highlight)
        alternate_base = palette.brush(group, QPalette.ColorRole.AlternateBase)
        look, selected_look = cells.look(palette, state), cells.look(palette, state | SELECTED)
        painter.setFont(cells.font)   # once, not per cell (see CellPainter.paint_plain)
        places = {column: (x, width) for column, x, width in columns}
        left_x = columns[0][1] if columns else 0
        across = columns[-1][1] + columns[-1][2] - left_x if columns else 0
        for row, y, height in rows:
            painted = model.painted_row(row)
            spans = [(first, last) for top, bottom, first, last in ranges if top <= row <= bottom] if ranges else ()
            if painted is not None and not spans and row != focus_row and not painted.marked:
                # Neither selected nor focused nor marked (most rows): painted a row at a time.
                if odd and whole_rows:
                    painter.fillRect(left_x, y, across, height, alternate_base)
                elif odd:
                    for _, x, width in columns:
                        painter.fillRect(x, y, width, height, alternate_base)
                painter.setPen(look.pen)
                self.rows_at_once += 1
                for column in cells.paint_row(painter, y, height, painted.texts, painted.icon, painted.icon_column,
                                              look, columns):
                    x, width = places[column]
                    self._paint_by_delegate(painter, option, row, column, QRect(x, y, width, height), state,
                                            odd if alternate else None)
                    painter.setFont(cells.font)
                odd = not odd and alternate
                continue
            for column, x, width in columns:
                selected = bool(spans) and any(first <= column <= last for first, last in spans)
                if selected and panel_selected:
                    painter.fillRect(x, y, width, height, highlight)
                elif odd:
                    painter.fillRect(x, y, width, height, alternate_base)
                focus = row == focus_row and column == focus_column
                if (painted is None or column in painted.marked or focus
                        or not cells.paint_plain(painter, x, y, width, height, selected_look if selected else look,
                                                 painted.texts[column],
                                                 painted.icon if column == painted.icon_column else None,
                                                 font_set=True)):
                    cell_state = state | SELECTED if selected else state
                    self._paint_by_delegate(painter, option, row, column, QRect(x, y, width, height),
                                            cell_state | FOCUS if focus else cell_state,
                                            odd if alternate else None)
                    painter.setFont(cells.font)   # measuring a cell may have changed it
            odd = not odd and alternate

    def _selected(self, first: int, last: int) -> list[tuple[int, int, int, int]]:
        """The selection's ranges (top, bottom, left, right) that reach rows `first` to `last`, read
        once: asking the selection model per row calls the model's rowCount and flags per column."""
        selection = self._view.selectionModel()
        if selection is None or not selection.hasSelection():
            return []
        ranges = cast(Iterable[QItemSelectionRange], selection.selection())   # a list of ranges (not in the stubs)
        return [(r.top(), r.bottom(), r.left(), r.right()) for r in ranges if r.bottom() >= first and r.top() <= last]

    def _paint_by_delegate(self, painter: QPainter, option: QStyleOptionViewItem, row: int, column: int,
                           rect: QRect, state: int, odd: bool | None) -> None:
        """One cell through the delegate, with the option QTableView's drawCell gives it (its row
        panel is painted already)."""
        cell = QStyleOptionViewItem(option)
        cell.rect = rect
        cell.state = QStyle.StateFlag(state)
        if odd is not None:
            cell.features = cell.features | _ALTERNATE if odd else cell.features & ~_ALTERNATE
        if state & ENABLED:
            palette = QPalette(cell.palette)
            palette.setCurrentColorGroup(QPalette.ColorGroup.Normal)
            cell.palette = palette
        self._cells.paint(painter, cell, self._model.index(row, column))

    def _grid_colour(self, option: QStyleOptionViewItem) -> QColor:
        view = self._view
        return QColor.fromRgba(view.style().styleHint(QStyle.StyleHint.SH_Table_GridLineColor, option, view)
                               & 0xFFFFFFFF)

    def _paint_grid(self, painter: QPainter, option: QStyleOptionViewItem, colour: QColor, solid: bool,
                    dirty: QRect, rows: list[tuple[int, int, int]], columns: list[tuple[int, int, int]],
                    first_column: int) -> None:
        """The grid's lines (in `colour`; `solid`: solid and opaque) over the cells, as QTableView draws them
        (`first_column`: the dirty area's first, hidden or not)."""
        view, style = self._view, self._view.style()
        painter.setPen(QPen(colour, 1, view.gridStyle()))
        if solid:
            # A solid line one pixel wide covers the pixels a one pixel high or wide rectangle does;
            # filling those costs a fraction of drawing lines.
            left, top, across, down = dirty.left(), dirty.top(), dirty.width(), dirty.height()
            for _, y, height in rows:
                painter.fillRect(left, y + height, across, 1, colour)
            for _, x, width in columns:
                painter.fillRect(x + width, top, 1, down, colour)
        else:
            x0, x1, y0, y1 = dirty.left() + 0.5, dirty.right() + 0.5, dirty.top() + 0.5, dirty.bottom() + 0.5
            painter.drawLines([*(QLineF(x0, y + height + 0.5, x1, y + height + 0.5) for _, y, height in rows),
                               *(QLineF(x + width + 0.5, y0, x + width + 0.5, y1) for _, x, width in columns)])
        if not style.styleHint(QStyle.StyleHint.SH_Table_AlwaysDrawLeftTopGridLines, option, view):
            return
        if view.horizontalHeader().isHidden() and rows and rows[0][1] == dirty.top():
            painter.drawLine(dirty.left(), dirty.top(), dirty.right(), dirty.top())
        if view.verticalHeader().isHidden() and columns and columns[0][0] == first_column \
                and columns[0][1] == dirty.left():
            painter.drawLine(dirty.left(), dirty.top(), dirty.left(), dirty.bottom())
