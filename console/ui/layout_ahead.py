"""The texts of the rows a next keystroke is likely to show, laid out while the person moves to it.

A keystroke that narrows the search shows rows from among those shown now, as a rule from the first
few hundred; a row new to the screen costs its paint about three times what a row drawn before does,
most of it laying its texts out (P2, P8b in benchmarks/). So once a search is answered, the texts of
its first AHEAD_ROWS rows in the columns on screen are laid out (`CellPainter.lay_out`), top first, in
slices of about SLICE_S on the event loop: a keystroke meanwhile waits for one slice at most, and the
next search starts again from the top.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QTableView

from console.ui.cell_painter import CellPainter
from console.ui.customer_table import CustomerTableModel
from console.ui.row_painter import columns_between

AHEAD_ROWS = 300    # held the next screenful of every keystroke of P2's typing (not of rare narrowings)
SLICE_S = 0.001


class LayoutAhead(QObject):
    """Lays out the texts of `model`'s first rows in `view`'s columns on screen after each search."""

    settled = Signal()   # the rows ahead are laid out (or there was nothing to do)

    def __init__(self, view: QTableView, model: CustomerTableModel, cells: CellPainter) -> None:
        super().__init__(view)
        self._view, self._model, self._cells = view, model, cells
        self._row = 0   # the next row to lay out
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self.longest_slice = 0.0   # seconds: the longest slice so far
        self.spent = 0.0           # seconds: the slices since the last search
        # After a search is answered, not at a load or a sort: laying out ahead helps typing, and would
        # only compete with a load (P8a, P9b).
        self._query: object = (model.filter_text, model.filters)
        model.search_finished.connect(self._searched)

    @property
    def pending(self) -> bool:
        """Whether rows are still to be laid out."""
        return self._timer.isActive()

    def _searched(self) -> None:
        query = (self._model.filter_text, self._model.filters)
        if query != self._query:
            self._query = query
            self.restart()

    def restart(self) -> None:
        """Begin again from the first row (a search's new rows)."""
        self._row, self.spent = 0, 0.0
        self._timer.start()

    def _slice(self) -> None:
        started = time.perf_counter()
        view, model, cells = self._view, self._model, self._cells
        end = min(model.rowCount(), AHEAD_ROWS)
        row = self._row
        if row < end and view.isVisible() and cells.covered and view.itemDelegate() is cells:
            columns = self._columns()
            height = view.rowHeight(0) - (1 if view.showGrid() else 0)
            lay_out = cells.lay_out
            while row < end:
                painted = model.painted_row(row)
                row += 1
                if painted is None:
                    continue
                texts, icon_column, marked = painted.texts, painted.icon_column, painted.marked
                for column, width in columns:
                    if column not in marked:
                        lay_out(texts[column], width, height, column == icon_column)
                if time.perf_counter() - started >= SLICE_S:
                    break
        else:
            row = end
        self._row = row
        spent = time.perf_counter() - started
        self.spent += spent
        self.longest_slice = max(self.longest_slice, spent)
        if row < end:
            self._timer.start()
        else:
            self.settled.emit()

    def _columns(self) -> list[tuple[int, int]]:
        """The columns on screen (logical index, cell width), as the row painter measures them."""
        view = self._view
        header = view.horizontalHeader()
        on_screen = columns_between(view, header.visualIndexAt(0), header.visualIndexAt(view.viewport().width() - 1))
        return [(column, width) for column, _, width in on_screen]
