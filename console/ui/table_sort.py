"""The customer table's sort (mixed into CustomerTableModel): by the index's sort keys at once, or, for a
column whose values are in documents a warm start is still reading (the second or two after its rows
became searchable), as soon as they are in. Reading them all here instead would hold the Qt thread on
the disk for 0.3-0.5 s per 100,000 customers (DESIGN.md: it never waits on the disk)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer

if TYPE_CHECKING:
    from console.domain.capabilities import ColumnSpec
    from console.services.combined_index import CombinedIndex
    from console.services.customer_index import CustomerIndex
    from console.ui.table_search import TableSearch


class SortedRows:
    """`sort_by`, the table model's `sort`; `sort_waiting` (a Signal(str) of the model) says which column's sort waits
    for documents ("" once it no longer does)."""

    _index: CustomerIndex | CombinedIndex | None
    _columns: tuple[ColumnSpec, ...]
    _order: list[int]
    _sort_key: str | None
    _descending: bool
    search: TableSearch
    sort_waiting: Any
    _waiting: tuple[int, Qt.SortOrder] | None = None   # the sort asked for, until its documents are in

    def sort_by(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by `column` (none: load order), now or once its documents are in."""
        key = self._columns[column].key if 0 <= column < len(self._columns) else None
        index = self._index
        if key is not None and index is not None and index.reads_documents(key):
            if self._waiting is None:
                # Called on whichever thread read the last document: the sort itself runs on the model's.
                index.when_read(lambda: QTimer.singleShot(0, self, lambda: self._documents_read(index)))  # type: ignore[call-overload]
            if self._waiting != (column, order):   # (QTableView.sortByColumn asks twice)
                self._waiting = column, order
                self.sort_waiting.emit(self._columns[column].label)
            return
        if self._waiting is not None:
            self._waiting = None   # another column asked for meanwhile: the waiting sort is dropped
            self.sort_waiting.emit("")
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._sort_key and (key is None or descending == self._descending):
            return   # in this order already (QTableView.sortByColumn asks twice)
        self._sort_key, self._descending = key, descending
        self.search.cancel()
        self._order = self._sorted(self._order)
        self.search.show_from(self._order)

    def _documents_read(self, index: CustomerIndex | CombinedIndex) -> None:
        waiting, self._waiting = self._waiting, None
        if waiting is not None:
            self.sort_waiting.emit("")
            if index is self._index:   # not another account's meanwhile
                self.sort_by(*waiting)

    def _sorted(self, positions: list[int]) -> list[int]:
        if self._index is None or self._sort_key is None:
            return sorted(positions)  # load order
        return self._index.sorted_positions(positions, self._sort_key, self._descending)
