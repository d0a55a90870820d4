"""The customer table model over one account's `CustomerIndex` (or All accounts' `CombinedIndex`).

Filtering and sorting run over the index's precomputed keys and reach the view as one layout change
(no per-row callback such as `filterAcceptsRow`), so typing stays fast at 100,000 rows; persistent
indexes follow their customers; a painted row's texts are formatted once, read in one call by the
table's painters (`painted_row`, cell_painter.py and row_painter.py)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from shiboken6 import isValid

from console.domain.capabilities import ColumnSpec
from console.domain.customer import Customer
from console.services.combined_index import CombinedIndex
from console.services.customer_filters import NO_FILTERS, CustomerFilters
from console.services.customer_index import CustomerIndex
from console.ui.cell_marks import COLUMN_MARKS, CellMark, column_marks
from console.ui.combined_cells import CombinedTexts, cell_texts
from console.ui.persistent_rows import rows_relaid
from console.ui.table_cells import PaintedRow, RowTexts
from console.ui.table_cells import format_value as format_value  # re-exported: the dialogs import it from here
from console.ui.table_search import SearchedRows, TableSearch
from console.ui.table_sort import SortedRows

CUSTOMER_ID_ROLE = Qt.ItemDataRole.UserRole + 1

# The view asks data() and flags() for every visible cell on every paint; plain ints and one
# precomputed flag value keep that free of enum arithmetic (a measurable part of P2 in benchmarks/).
_DISPLAY, _TOOLTIP, _FOREGROUND, _DECORATION = (int(r.value) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.DecorationRole))
_CUSTOMER_ID = int(CUSTOMER_ID_ROLE)
_ROLES = frozenset((_DISPLAY, _TOOLTIP, _FOREGROUND, _DECORATION, _CUSTOMER_ID))
_ROW_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

AnyIndex = QModelIndex | QPersistentModelIndex
RowSource = CustomerIndex | CombinedIndex   # one account's customers, or several accounts' (All accounts)


class CustomerTableModel(QAbstractTableModel, SearchedRows, SortedRows):
    """Rows are positions in the index, filtered by the search text and the filters, ordered by one column."""

    counts_changed = Signal(int, int)  # visible rows, customers loaded
    search_finished = Signal()   # every row of the last search is shown (the rest come in slices)
    sort_waiting = Signal(str)   # the column whose sort waits for the local copy's documents; "": none

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._index: RowSource | None = None
        self._columns: tuple[ColumnSpec, ...] = ()
        self._header_tips: dict[str, str] = {}
        self._order: list[int] = []   # every live position, in the current sort order
        self._rows: list[int] = []    # the positions shown: `_order` filtered by `_filter`
        self._filter, self._filters = "", NO_FILTERS
        self._sort_key: str | None = None
        self._descending = False
        self._texts: RowTexts | CombinedTexts = RowTexts()
        self.row_icon: Callable[[str], Any] | None = None   # account id -> its icon (set by the All accounts view)
        self._marks: dict[int, tuple[CellMark, Callable[[Customer], Any]]] = {}   # column -> mark, its value's getter
        self.search = TableSearch(self)

    # -- source -------------------------------------------------------------------------------
    def set_source(self, index: RowSource | None, columns: tuple[ColumnSpec, ...],
                   header_tips: dict[str, str] | None = None) -> None:
        """Show another account's customers (or none)."""
        self.search.cancel()
        self.beginResetModel()
        if self._index is not None:
            self._index.unsubscribe(self._on_index_changed)
        self._index = index
        self._use_columns(columns, header_tips)
        if self._sort_key not in {c.key for c in columns}:
            self._sort_key = None
        if index is not None:
            index.subscribe(self._on_index_changed)
        self._order = self._sorted(index.alive()) if index is not None else []
        self._rows = self.filtered(self._order)
        self.endResetModel()
        self.emit_counts()

    def set_columns(self, columns: tuple[ColumnSpec, ...], header_tips: dict[str, str] | None = None) -> None:
        """The same customers in `columns`; columns added after the present ones join without a reset."""
        old = self._columns
        if self._index is None or columns[:len(old)] != old or len(columns) == len(old):
            if columns != old:
                self.set_source(self._index, columns, header_tips)
            return
        self.beginInsertColumns(QModelIndex(), len(old), len(columns) - 1)
        self._use_columns(columns, header_tips)
        self.endInsertColumns()

    def _use_columns(self, columns: tuple[ColumnSpec, ...], header_tips: dict[str, str] | None) -> None:
        self._columns = columns
        self._header_tips = dict(header_tips or {})
        self._texts = cell_texts(self._index, columns, {key: mark.text for key, mark in COLUMN_MARKS.items()})
        self._marks = column_marks(self._index, columns)

    @property
    def source(self) -> RowSource | None:
        """The customers shown (an account's index), or None."""
        return self._index

    @property
    def columns(self) -> tuple[ColumnSpec, ...]:
        return self._columns

    @property
    def filter_text(self) -> str:
        return self._filter

    @property
    def filters(self) -> CustomerFilters:
        return self._filters

    def loaded_count(self) -> int:
        return len(self._index) if self._index is not None else 0

    def emit_counts(self) -> None:
        self.counts_changed.emit(len(self._rows), self.loaded_count())

    # -- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        role = int(role)
        if role not in _ROLES:
            return None
        row = index.row()
        if self._index is None or not 0 <= row < len(self._rows) or not index.isValid():
            return None
        if role == _DECORATION:   # All accounts: the Account column's provider icon
            if index.column() != self._texts.icon_column or self.row_icon is None:
                return None
            return self.row_icon(cast(CombinedIndex, self._index).account_at(self._rows[row]))
        if role == _CUSTOMER_ID:
            return self._index.id_at(self._rows[row])
        if role != _DISPLAY and index.column() in self._marks:
            mark, get = self._marks[index.column()]
            value = get(self._index.at(self._rows[row]))
            return mark.colour(value) if role == _FOREGROUND else mark.tooltip(value) or None
        return None if role == _FOREGROUND else self._texts.row(self._rows[row])[index.column()]

    def multiData(self, index: AnyIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        # QStyledItemDelegate asks seven roles per cell in one call: one Python call, not seven
        # to data(). (A span iterates over its QModelRoleData; the type stubs do not say so.)
        requests = ((roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData)
                    else cast(Iterable[QModelRoleData], roleDataSpan))
        row, rows = index.row(), self._rows
        shown = self._index is not None and 0 <= row < len(rows) and index.isValid()
        marked = bool(self._marks) and index.column() in self._marks   # a colour to answer too
        for request in requests:
            role = request.role()
            if role == _DISPLAY and shown:
                request.setData(self._texts.row(rows[row])[index.column()])
            elif (role in (_TOOLTIP, _CUSTOMER_ID) or (marked and role == _FOREGROUND)
                  or (role == _DECORATION and index.column() == self._texts.icon_column)) and shown:
                request.setData(self.data(index, role))
            else:
                request.clearData()  # what data() answers for any other role: nothing

    def search_keys(self, row: int) -> tuple[str, str] | None:
        """The search keys of a shown row (`CustomerIndex.search_keys`); None past the rows."""
        if self._index is None or not 0 <= row < len(self._rows):
            return None
        return self._index.search_keys(self._rows[row])

    def painted_row(self, row: int) -> PaintedRow | None:
        """A shown row's texts, icon and coloured columns as the painters draw them; None past the rows."""
        if self._index is None or not 0 <= row < len(self._rows):
            return None
        position, column = self._rows[row], self._texts.icon_column   # All accounts' Account column has an icon
        texts, icon = self._texts.row(position), None
        if column is not None and self.row_icon is not None:
            icon = self.row_icon(cast(CombinedIndex, self._index).account_at(position))
        marked = tuple(c for c, (mark, _) in self._marks.items() if not mark.plain(texts[c])) if self._marks else ()
        return PaintedRow(texts, icon, column, marked)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._header_tips.get(column.key) or column.tooltip
        return column.label if role == Qt.ItemDataRole.DisplayRole else None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return _ROW_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_by(column, order)   # table_sort.py

    # -- what the window asks -----------------------------------------------------------------
    def account_of(self, row: int) -> str | None:
        """The account id of a row in the All accounts table; None when one account is shown."""
        return self._index.account_at(self._rows[row]) if isinstance(self._index, CombinedIndex) else None

    def customer(self, row: int) -> Customer:
        assert self._index is not None
        return self._index.at(self._rows[row])

    def customers(self, rows: list[int]) -> list[Customer]:
        return list(map(self.customer, rows))

    def row_of(self, customer_id: str, account_id: str | None = None) -> int | None:
        """The row showing a customer (of `account_id`, in the All accounts table), if shown."""
        self.search.finish()
        pos = self._index.position(customer_id, account_id) if self._index is not None else None
        try:
            return self._rows.index(pos) if pos is not None else None
        except ValueError:   # loaded, but not shown (the search or a filter hides it)
            return None

    def sort_state(self) -> tuple[str | None, bool]:
        return self._sort_key, self._descending

    # -- for the search (table_search.py) -----------------------------------------------------
    def set_query_state(self, text: str, filters: CustomerFilters) -> None:
        self._filter, self._filters = text, filters

    @property
    def shown_rows(self) -> list[int]:
        return self._rows

    @property
    def order(self) -> list[int]:
        return self._order

    # -- internals ----------------------------------------------------------------------------
    def filtered(self, positions: list[int]) -> list[int]:
        if self._index is None:
            return []
        return self._index.shown(positions, self._filter, self._filters, in_load_order=self._sort_key is None)

    def relayout(self, rows: list[int]) -> None:
        """Replace the shown rows in one layout change, carrying persistent indexes along."""
        if rows == self._rows:
            # Typing on often leaves the same rows (a longer word, same customers): nothing moved, so the
            # view need not lay itself out again. The new list is kept: a search may read the old one.
            self._rows = rows
            self.emit_counts()
            return
        with rows_relaid(self, self._rows, rows):
            self._rows = rows
        self.emit_counts()

    def _on_index_changed(self, added: list[int], changed: list[int], removed: list[int]) -> None:
        if self._index is None or not isValid(self):   # a window closed while its account goes on (a job's)
            if self._index is not None:
                self._index.unsubscribe(self._on_index_changed)
            return
        self.search.finish()   # the changes apply to the whole result
        self._texts.forget((*changed, *removed))  # added positions are new (or emptied by a removal first)
        at = bisect_left(self._order, added[0]) if added and not removed and not changed else -1
        if at >= 0 and self._sort_key is None and bisect_right(self._order, added[-1]) == at:
            # Loading: new customers in load order, no row among them (All accounts: not always last): one block.
            self._order[at:at] = added
            if shown := self.filtered(added):
                first = bisect_left(self._rows, shown[0])
                self.beginInsertRows(QModelIndex(), first, first + len(shown) - 1)
                self._rows[first:first] = shown
                self.endInsertRows()
            self.emit_counts()
            return
        gone = set(removed) | set(changed)
        order = [p for p in self._order if p not in gone] if gone else list(self._order)
        dropped = set(removed)
        incoming = [p for p in (*changed, *added) if p not in dropped]
        order = self._sorted(order + incoming)   # both parts in order already: a linear merge of two runs
        self._order = order
        rows = self.filtered(order)
        if rows == self._rows and changed:
            # Same rows in the same order: only cell contents changed (of the rows shown).
            for r in (rows.index(pos) for pos in set(changed).intersection(rows)):
                self.dataChanged.emit(self.index(r, 0), self.index(r, len(self._columns) - 1))
            self.emit_counts()
            return
        self.relayout(rows)
