"""The customer table in the window: the open account's rows and columns, the selection, opening a
row (Enter, double-click), its context menu, the count in the status bar and why it is empty."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QItemSelectionRange,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QKeySequence

from console.domain.customer import Customer
from console.services.accounts import AccountSession
from console.services.table_columns import table_columns
from console.ui.cell_painter import CellPainter
from console.ui.layout_ahead import LayoutAhead
from console.ui.row_context_menu import RowMenu
from console.ui.row_painter import RowPainter
from console.ui.table_header import TableHeader
from console.ui.wording import count_of

if TYPE_CHECKING:
    from console.ui.main_window import MainWindow


class CustomerList(QObject):
    """Drives `window.table` over `window.model`."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        table, model = window.table, window.model
        table.setModel(model)
        cells = CellPainter(table, model)
        table.setItemDelegate(cells)
        RowPainter(table, model, cells)
        self.ahead = LayoutAhead(table, model, cells)
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # load order
        self.header = TableHeader(table, model)
        # The current row put on the first row at the first page (not the user's): rows loading in
        # front of it move it down, so the load's end puts it back (see load_finished).
        self._placed = QPersistentModelIndex()
        self.row_menu = RowMenu(window)
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        table.customContextMenuRequested.connect(
            lambda pos: self.row_menu.build().popup(table.viewport().mapToGlobal(pos)))
        table.doubleClicked.connect(self._double_clicked)
        table.installEventFilter(self)
        model.counts_changed.connect(self._show_counts)
        model.sort_waiting.connect(self._sort_waiting)
        # A search keeps the selected rows (their ends: a range's inner rows follow them); a current
        # row that is not selected may go, rather than make a keystroke search every customer.
        model.search.kept_rows = self._selection_ends
        model.search.screenful = self._screenful

    # -- what it shows --------------------------------------------------------------------------
    def show_session(self, session: AccountSession) -> None:
        """The account's customers, in the columns as the user last left them for its provider."""
        caps = session.service.capabilities
        tips = {"name": caps.name_source} if caps.name_source else {}
        definitions = session.custom_fields.known_definitions or ()
        model, columns = self.window.model, table_columns(caps, definitions)
        if model.source is session.service.index:
            # Custom fields arrived: their columns join in place, and the selected rows stay whole
            # rows (a row counts as selected only with every column selected).
            rows = self.selected_rows()
            model.set_columns(columns, tips)
            selection = QItemSelection()
            for row in rows:
                selection.select(model.index(row, 0), model.index(row, model.columnCount() - 1))
            self.window.table.selectionModel().select(selection, QItemSelectionModel.SelectionFlag.Select)
        else:
            model.set_source(session.service.index, columns, tips)
        self.header.restore(self.window.preferences.column_layout(caps.provider))

    def clear(self) -> None:
        self.window.model.set_source(None, ())

    def first_page_shown(self) -> None:
        """Fit the columns to the first rows and put the current row on the first (unselected)."""
        table, model = self.window.table, self.window.model
        self.header.fit_first_columns(done=False)
        if table.currentIndex().row() < 0 and model.rowCount():
            self._to_first_row()

    def load_finished(self) -> None:
        self.header.fit_first_columns(done=True)
        table = self.window.table
        # Still where we put it, nothing selected (All accounts' other rows loaded in front of it):
        # the keyboard starts at the first row again, as it would have after a single account's load.
        if (self._placed.isValid() and self._placed.row() == table.currentIndex().row()
                and self._placed.row() != 0 and not table.selectionModel().hasSelection()):
            self._to_first_row()
        self._placed = QPersistentModelIndex()

    def _to_first_row(self) -> None:
        table = self.window.table
        table.setCurrentIndex(self.window.model.index(0, 0))
        table.clearSelection()
        self._placed = QPersistentModelIndex(table.currentIndex())

    def _show_counts(self, visible: int, loaded: int) -> None:
        window = self.window
        if visible == loaded:
            window.count_label.setText(count_of(loaded, window.tr("customer"), window.tr("customers")))
        else:
            window.count_label.setText(window.tr("{0:n} of {1:n} shown").format(visible, loaded))
        self.update_empty_state()

    def _sort_waiting(self, column: str) -> None:
        status, window = self.window.statusBar(), self.window
        waiting = window.tr("Sorting by {0} once the local copy is read…")
        if column:
            status.showMessage(waiting.format(column))
        elif status.currentMessage().startswith(waiting.partition("{0}")[0]):
            status.clearMessage()   # sorted now, unless another message took its place

    def update_empty_state(self) -> None:
        window = self.window
        window.empty_state.update_for(window.model, has_accounts=bool(window.switching.accounts),
                                      open_failed=window.switching.open_failed,
                                      session_open=window.session is not None or window.all_accounts.active)

    # -- selection ----------------------------------------------------------------------------
    def selected_rows(self) -> list[int]:
        return sorted({i.row() for i in self.window.table.selectionModel().selectedRows()})

    def _screenful(self) -> int:
        """The rows the table shows at once, with the one cut off at its foot and one more."""
        table = self.window.table
        return max(16, table.viewport().height() // max(1, table.verticalHeader().defaultSectionSize()) + 2)

    def _selection_ends(self) -> list[int]:
        """The first and last row of each selected range."""
        ranges = cast(Iterable[QItemSelectionRange], self.window.table.selectionModel().selection())
        return [row for part in ranges for row in (part.top(), part.bottom())]

    def selected_or_current_rows(self) -> list[int]:
        """The selected rows, else the current row while the table has the focus."""
        table = self.window.table
        rows = self.selected_rows()
        if not rows and table.currentIndex().isValid() and table.hasFocus():
            rows = [table.currentIndex().row()]
        return rows

    def selected_customers(self) -> list[Customer]:
        """The selected customers, else the current row's while the table has the focus."""
        return self.window.model.customers(self.selected_or_current_rows())

    def select_customer(self, customer_id: str, account_id: str | None = None) -> None:
        """Select and show a customer's row (of `account_id` in All accounts), clearing the search if that hides it."""
        window = self.window
        row = window.model.row_of(customer_id, account_id)
        if row is None and window.search.text():
            window.search.clear()
            row = window.model.row_of(customer_id, account_id)
        if row is not None:
            index = window.model.index(row, 0)
            window.table.setCurrentIndex(index)
            window.table.selectRow(row)
            window.table.scrollTo(index)

    # -- opening a row ------------------------------------------------------------------------
    def _double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.window.table.selectRow(index.row())
            self.window.editing.edit_selected()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
            return False
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.window.editing.edit_selected()
            return True
        if event.matches(QKeySequence.StandardKey.SelectAll):
            self.window.model.finish_search()   # every row the search shows, not only those found so far
        return False
