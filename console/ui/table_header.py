"""The customer table's header: which columns show (its context menu), their widths, order and sort,
remembered per provider in `settings.columns`."""

from __future__ import annotations

import heapq

from PySide6.QtCore import QObject, QPoint, Qt, Signal
from PySide6.QtWidgets import QMenu, QTableView

from console.services.settings import ColumnLayout
from console.ui.customer_table import CustomerTableModel

# A column fitted to its content at first (no width remembered yet) is kept to this share of the table.
FIT_SHARE = 0.35
# Columns that get the room they need before the last column takes what is left.
FIT_FIRST = ("email",)
FIT_ROWS = 2000      # rows looked at for the longest texts (5,000 took 10 ms at the end of a load: P6)
FIT_MEASURED = 20    # of which the longest are measured
# At the first page, only its first rows: a warm start's rows are kept documents, each decoded to be read
# (300 of them took 15-20 ms before the window's first rows were shown: P1b); the rest at the load's end.
FIT_FIRST_PAGE_ROWS = 100


class TableHeader(QObject):
    """Column chooser and column layout of one table over a `CustomerTableModel`."""

    layout_changed = Signal()   # the user showed or hid a column

    def __init__(self, table: QTableView, model: CustomerTableModel) -> None:
        super().__init__(table)
        self.table = table
        self.model = model
        self.header = table.horizontalHeader()
        self.header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.header.customContextMenuRequested.connect(self._popup)
        # QTableView already fits a column to its content on a double-click on the section's edge
        # (sectionHandleDoubleClicked -> resizeColumnToContents); tests/ui check it with our model.
        self._unfitted: set[str] = set()

    # -- the chooser ------------------------------------------------------------------------------
    def chooser(self) -> QMenu:
        """A menu with a checkable entry per column; the last shown column cannot be hidden."""
        menu = QMenu(self.table)
        menu.setObjectName("columnChooser")
        shown = [i for i in range(len(self.model.columns)) if not self.header.isSectionHidden(i)]
        for visual in range(self.header.count()):
            logical = self.header.logicalIndex(visual)
            column = self.model.columns[logical]
            action = menu.addAction(column.label)
            action.setObjectName(f"column_{column.key}")
            action.setCheckable(True)
            action.setChecked(logical in shown)
            action.setEnabled(shown != [logical])
            action.toggled.connect(lambda on, i=logical: self.set_shown(i, on))
        return menu

    def _popup(self, pos: QPoint) -> None:
        menu = self.chooser()
        menu.aboutToHide.connect(menu.deleteLater)
        menu.popup(self.header.mapToGlobal(pos))

    def set_shown(self, logical: int, shown: bool) -> None:
        self.header.setSectionHidden(logical, not shown)
        if shown and self.header.sectionSize(logical) < self.header.minimumSectionSize() * 2:
            self.header.resizeSection(logical, self.model.columns[logical].width)
        self.layout_changed.emit()

    # -- remembering ----------------------------------------------------------------------------
    def restore(self, layout: ColumnLayout) -> None:
        """Apply a saved layout; columns it does not know get their defaults (hidden if so declared)."""
        keys = [c.key for c in self.model.columns]
        known = set(layout.order) | set(layout.widths) | set(layout.hidden)
        for i, column in enumerate(self.model.columns):
            self.header.resizeSection(i, layout.widths.get(column.key, column.width))
            hidden = column.key in layout.hidden if column.key in known else column.hidden_by_default
            self.header.setSectionHidden(i, hidden)
        self._unfitted = {k for k in FIT_FIRST if k in keys and k not in layout.widths}
        for visual, key in enumerate(k for k in layout.order if k in keys):
            self.header.moveSection(self.header.visualIndex(keys.index(key)), visual)
        if layout.sort_key in keys:
            order = Qt.SortOrder.DescendingOrder if layout.sort_descending else Qt.SortOrder.AscendingOrder
            self.header.setSortIndicator(keys.index(layout.sort_key), order)
        else:
            self.header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            self.model.sort(-1)

    def layout(self) -> ColumnLayout:
        keys = [c.key for c in self.model.columns]
        sort_key, descending = self.model.sort_state()
        return ColumnLayout(order=[keys[self.header.logicalIndex(v)] for v in range(len(keys))],
                            widths={k: self.header.sectionSize(i) for i, k in enumerate(keys)},
                            hidden=[k for i, k in enumerate(keys) if self.header.isSectionHidden(i)],
                            sort_key=sort_key, sort_descending=descending)

    def fit_first_columns(self, *, done: bool) -> None:
        """Give columns such as Email the width their content needs where none is remembered (the
        last column stretches into what is left, so it gives up its spare room first). Called as
        rows arrive; `done` (the load is complete) ends it, so later resizes are the user's."""
        keys = [c.key for c in self.model.columns]
        cap = int(self.table.viewport().width() * FIT_SHARE)
        rows = range(min(self.model.rowCount(), FIT_ROWS if done else FIT_FIRST_PAGE_ROWS))
        for key in self._unfitted:
            logical = keys.index(key)
            # The longest texts are the widest ones, near enough: measure only those, and ask the view
            # for the size of the widest of them alone (the delegate's size hint costs about 0.3 ms a cell
            # at a load's first page, where the window must keep up with the typing: P6).
            texts = [str(self.model.customer(r).value(key) or "") for r in rows]
            longest = heapq.nlargest(FIT_MEASURED, rows, key=lambda r: len(texts[r]))
            advance = self.table.fontMetrics().horizontalAdvance
            widths = {r: advance(texts[r]) for r in longest}
            widest = max(widths.values(), default=0)
            wanted = max((self.table.sizeHintForIndex(self.model.index(r, logical)).width()
                          for r in longest if widths[r] >= widest - 1), default=0)   # a pixel's rounding
            # A cell is a pixel narrower than its section when the grid is drawn (QTableView's own
            # sizeHintForColumn adds it too): without it the widest text was elided by a letter.
            wanted += 1 if self.table.showGrid() else 0
            wanted = max(wanted, self.header.sectionSizeHint(logical))
            if wanted > self.header.sectionSize(logical):
                self.header.resizeSection(logical, min(wanted, max(cap, self.model.columns[logical].width)))
        if done:
            self._unfitted.clear()
