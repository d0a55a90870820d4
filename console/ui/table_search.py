"""The customer table's search: a keystroke shows the first rows found at once, the rest follow in
slices on the event loop, added below (`RowSearch`; P2 and P8b in benchmarks/run.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QTimer

from console.services.customer_filters import CustomerFilters
from console.services.row_search import RowSearch

if TYPE_CHECKING:
    from console.ui.customer_table import CustomerTableModel


class TableSearch:
    """Runs `model`'s searches: the first rows at once, the rest a slice per turn of the event loop."""

    def __init__(self, model: CustomerTableModel) -> None:
        self._model = model
        self.rows = RowSearch(model.filtered)
        self._timer = QTimer(model)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._next_slice)
        # The view's rows a search must not leave behind (its selection); None: every row the
        # model holds a persistent index on. Set by the window, so a current row that is not
        # selected does not make a keystroke search every customer at once (P8b).
        self.kept_rows: Callable[[], Iterable[int]] | None = None
        # How many rows the view shows at once (set by the window): a keystroke is answered once
        # that many are found, the rest follow in slices. None: row_search.FIRST_ROWS.
        self.screenful: Callable[[], int] | None = None
        # The rows a keystroke replaced, let go on the next turn of the event loop: freeing a list
        # of hundreds of thousands of positions costs milliseconds the keystroke need not wait for.
        self._spent: list[int] | None = None

    @property
    def pending(self) -> bool:
        return self.rows.pending

    def set_query(self, text: str, filters: CustomerFilters) -> None:
        """Search text and filters together, applied in one layout change."""
        model = self._model
        text = text.strip()
        if text == model.filter_text and filters == model.filters:
            return
        narrowing = filters == model.filters and bool(model.filter_text) and text.startswith(model.filter_text)
        model.set_query_state(text, filters)
        if narrowing and self.pending:
            # The rows found so far hold every match of the longer text among the positions searched.
            self._aim()
            self._shown(self.rows.narrowed(model.shown_rows))
            return
        # Typing more only ever removes rows, so the search runs over what is shown already;
        # unless that is most rows in load order: every match is among them anyway, and reading
        # all keys in memory order costs less than picking the shown ones (P2 in benchmarks/).
        source = model.source
        if narrowing and source is not None and model.sort_state()[0] is None:
            narrowing = not source.prefers_full_scan(len(model.shown_rows))
        self.show_from(model.shown_rows if narrowing else model.order)

    def show_from(self, base: list[int]) -> None:
        """Show the rows among `base` (in its order) that the search and filters pass."""
        model = self._model
        self.rows.cancel()
        if not model.filter_text:   # the filters alone: their per-position mask, cheap at any size
            self._shown(model.filtered(base))
            return
        self._aim()
        found = self.rows.start(base)
        # A selected or current row the search still shows but has not reached yet: every row is
        # found now, so the selection moves with it as it did before the search came in slices.
        if self.pending and (kept := self._kept_positions(found)) and model.filtered(sorted(kept)):
            found += self.rows.rest()
        self._shown(found)

    def _aim(self) -> None:
        """Answer at a screenful of rows (as many as the view shows now)."""
        self.rows.first_rows = self.screenful() if self.screenful is not None else None

    def _kept_positions(self, found: list[int]) -> set[int]:
        """The positions of the shown rows a search keeps (`kept_rows`, else every row the model holds a
        persistent index on), not in `found`."""
        rows = self._model.shown_rows
        kept_rows = (self.kept_rows() if self.kept_rows is not None
                     else (i.row() for i in self._model.persistentIndexList()))
        kept = {rows[row] for row in kept_rows if 0 <= row < len(rows)}
        return kept.difference(found) if kept else kept

    def finish(self) -> None:
        """Find every row still to be found now (something needs the whole result)."""
        if self.pending:
            self._next_slice(everything=True)

    def cancel(self) -> None:
        self.rows.cancel()
        self._timer.stop()
        self._spent = None

    def _shown(self, rows: list[int]) -> None:
        spent = self._model.shown_rows
        self._model.relayout(rows)
        if spent is not self._model.shown_rows:
            self._spent = spent
        self._go_on()

    def _go_on(self) -> None:
        if self.pending or self._spent is not None:
            self._timer.start()
        else:
            self._timer.stop()
        if not self.pending:
            self._model.search_finished.emit()

    def _next_slice(self, everything: bool = False) -> None:
        model = self._model
        self._spent = None
        if not self.pending:
            return
        rows = self.rows.rest() if everything else self.rows.step()
        if rows:
            first = model.rowCount()
            model.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            model.shown_rows.extend(rows)
            model.endInsertRows()
        model.emit_counts()
        self._go_on()


class SearchedRows:
    """The table model's search, as the window asks for it (mixed into CustomerTableModel)."""

    search: TableSearch
    _filter: str
    _filters: CustomerFilters

    def set_filter(self, text: str) -> None:
        """Show only customers whose searchable fields hold every word of `text`."""
        self.search.set_query(text, self._filters)

    def set_filters(self, filters: CustomerFilters) -> None:
        """Show only customers passing `filters` (and the search)."""
        self.search.set_query(self._filter, filters)

    def set_query(self, text: str, filters: CustomerFilters) -> None:
        """Search text and filters together, applied in one layout change."""
        self.search.set_query(text, filters)

    def finish_search(self) -> None:
        """Find the rows the search has not reached yet now (for what needs every shown row)."""
        self.search.finish()
