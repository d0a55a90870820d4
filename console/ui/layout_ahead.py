"""The texts of the rows a next keystroke is likely to show, laid out while the person moves to it.

A keystroke that narrows the search shows rows from among those shown now, in their order; a row new
to the screen costs its paint about three times what a row drawn before does, decoding it and laying
its texts out (P2, P8b in benchmarks/). So once a search is answered, the texts of its first AHEAD_ROWS
rows in the columns on screen are laid out (`CellPainter.lay_out`), then those of the first screenful
each next letter would show (next_letters.py): a rare narrowing ("sm" after "s") brings its rows from
thousands below. All of it in slices of about SLICE_S on the event loop, so a keystroke meanwhile
waits for one slice at most, and the next search starts again from the top; bounded by NEXT_SCAN rows
read and NEXT_ROWS laid out.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QTableView

from console.services.next_letters import NextLetters
from console.services.row_search import FIRST_ROWS
from console.ui.cell_painter import CellPainter
from console.ui.customer_table import CustomerTableModel
from console.ui.row_painter import columns_between

AHEAD_ROWS = 100    # the rows below the screen laid out first
NEXT_SCAN = 10_000  # rows read at most for the screenfuls of the letters a next keystroke may add
NEXT_ROWS = 300     # rows below the first AHEAD_ROWS laid out for those at most
SLICE_S = 0.001


class LayoutAhead(QObject):
    """Lays out the texts of `model`'s first rows in `view`'s columns on screen after each search."""

    settled = Signal()   # the rows ahead are laid out (or there was nothing to do)

    def __init__(self, view: QTableView, model: CustomerTableModel, cells: CellPainter) -> None:
        super().__init__(view)
        self._view, self._model, self._cells = view, model, cells
        self._row = 0   # the next row to lay out
        self._scan = 0  # the next row read for the next letters' rows
        self._next_laid = 0   # rows laid out for them
        self._letters: NextLetters | None = None
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
        self._scan = self._next_laid = 0
        screenful = self._model.search.screenful   # the rows a keystroke shows at once (set by the window)
        self._letters = NextLetters(self._model.filter_text, screenful() if screenful is not None else FIRST_ROWS)
        self._timer.start()

    def _slice(self) -> None:
        started = time.perf_counter()
        view, model, cells = self._view, self._model, self._cells
        end = min(model.rowCount(), AHEAD_ROWS)
        row, letters = self._row, self._letters
        scan_end = min(model.rowCount(), NEXT_SCAN) if letters is not None else 0
        if (row < end or self._scan < scan_end) and view.isVisible() and cells.covered and \
                view.itemDelegate() is cells:
            columns = self._columns()
            height = view.rowHeight(0) - (1 if view.showGrid() else 0)
            while row < end:
                self._lay_out_row(row, columns, height)
                row += 1
                if time.perf_counter() - started >= SLICE_S:
                    break
            if row >= end and letters is not None:
                self._next_rows(letters, scan_end, columns, height, started)
        else:
            row, self._scan = end, scan_end
        self._row = row
        spent = time.perf_counter() - started
        self.spent += spent
        self.longest_slice = max(self.longest_slice, spent)
        if row < end or (self._scan < scan_end and self._next_laid < NEXT_ROWS):
            self._timer.start()
        else:
            self.settled.emit()

    def _next_rows(self, letters: NextLetters, scan_end: int, columns: list[tuple[int, int]], height: int,
                   started: float) -> None:
        """Read rows on from `_scan` for a next letter's screenful (next_letters.py), laying out those below
        the first AHEAD_ROWS (laid out already), until the slice's time is up."""
        model, scan = self._model, self._scan
        while scan < scan_end and self._next_laid < NEXT_ROWS:
            keys = model.search_keys(scan)
            if keys is not None and letters.wanted(*keys) and scan >= AHEAD_ROWS:
                self._lay_out_row(scan, columns, height)
                self._next_laid += 1
            scan += 1
            if time.perf_counter() - started >= SLICE_S:
                break
        self._scan = scan

    def _lay_out_row(self, row: int, columns: list[tuple[int, int]], height: int) -> None:
        painted = self._model.painted_row(row)
        if painted is None:
            return
        texts, icon_column, marked, lay_out = painted.texts, painted.icon_column, painted.marked, self._cells.lay_out
        for column, width in columns:
            if column not in marked:
                lay_out(texts[column], width, height, column == icon_column)

    def _columns(self) -> list[tuple[int, int]]:
        """The columns on screen (logical index, cell width), as the row painter measures them."""
        view = self._view
        header = view.horizontalHeader()
        on_screen = columns_between(view, header.visualIndexAt(0), header.visualIndexAt(view.viewport().width() - 1))
        return [(column, width) for column, _, width in on_screen]
